package dev.vinfer.ops.rnn;

import dev.vinfer.runtime.VinferException;
import java.util.Arrays;

/**
 * The attributes common to RNN, GRU and LSTM, resolved by the importer.
 *
 * @param direction   forward, reverse or bidirectional
 * @param hiddenSize  the {@code hidden_size} attribute, or -1 when absent (then read from W's shape)
 * @param batchMajor  layout 1: X, Y and the states have batch as their first dimension
 * @param clip        the cell clip threshold applied to the inputs of the activations, or +infinity for none
 * @param activations per direction, the activation functions in the order of the op's definition (f, g[, h])
 */
public record RecurrentConfig(Direction direction, int hiddenSize, boolean batchMajor, float clip,
        RnnActivation[][] activations) {

    public RecurrentConfig {
        if (!(clip > 0)) {
            throw new VinferException("clip must be positive, got " + clip);
        }
        if (activations.length != direction.count()) {
            throw new VinferException("need activations for " + direction.count() + " direction(s)");
        }
    }

    public int directions() {
        return direction.count();
    }

    public boolean clips() {
        return clip != Float.POSITIVE_INFINITY;
    }

    /**
     * Resolves the {@code activations}, {@code activation_alpha} and {@code activation_beta} attributes: names
     * (null for the op's defaults) list {@code perDirection} functions for each direction in turn (a list for one
     * direction is reused for both of a bidirectional layer); alphas and betas are taken in order by the functions
     * that use them, and a function whose value has run out gets its ONNX default.
     */
    public static RnnActivation[][] resolveActivations(String[] names, float[] alphas, float[] betas,
            Direction direction, String[] defaults) {
        int per = defaults.length;
        int dirs = direction.count();
        String[] list = names == null || names.length == 0 ? defaults : names;
        if (list.length == per && dirs == 2) {
            String[] both = Arrays.copyOf(list, 2 * per);
            System.arraycopy(list, 0, both, per, per);
            list = both;
        }
        if (list.length != per * dirs) {
            throw new VinferException("activations lists " + list.length + " functions; a " + direction.name()
                    .toLowerCase(java.util.Locale.ROOT) + " layer needs " + per * dirs + " " + Arrays.toString(
                    defaults) + " per direction");
        }
        float[] a = alphas == null ? new float[0] : alphas;
        float[] b = betas == null ? new float[0] : betas;
        int ai = 0;
        int bi = 0;
        RnnActivation[][] out = new RnnActivation[dirs][per];
        for (int i = 0; i < list.length; i++) {
            RnnActivation.Kind k = RnnActivation.Kind.of(list[i]);
            float alpha = k.defaultAlpha();
            float beta = k.defaultBeta();
            if (k.takesAlpha() && ai < a.length) {
                alpha = a[ai++];
            }
            if (k.takesBeta() && bi < b.length) {
                beta = b[bi++];
            }
            out[i / per][i % per] = new RnnActivation(k, alpha, beta);
        }
        return out;
    }

    @Override
    public String toString() {
        return direction.name().toLowerCase(java.util.Locale.ROOT) + (batchMajor ? ", layout 1" : "")
                + (clips() ? ", clip " + clip : "") + ", activations " + Arrays.deepToString(activations);
    }
}
