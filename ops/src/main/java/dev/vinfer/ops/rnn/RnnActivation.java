package dev.vinfer.ops.rnn;

import dev.vinfer.runtime.VinferException;
import java.util.Locale;

/**
 * One activation function of a recurrent layer (the f, g, h of the ONNX RNN, GRU and LSTM definitions), with its
 * alpha and beta already resolved. The formulas are those listed in the ONNX spec of these ops.
 *
 * @param kind  which function
 * @param alpha its alpha (unused by functions that take none)
 * @param beta  its beta (unused by functions that take none)
 */
public record RnnActivation(Kind kind, float alpha, float beta) {

    /** The functions the spec allows, with whether each takes alpha and beta and their default values. */
    public enum Kind {
        RELU("Relu", false, false, 0, 0),
        TANH("Tanh", false, false, 0, 0),
        SIGMOID("Sigmoid", false, false, 0, 0),
        AFFINE("Affine", true, true, 1, 0),
        LEAKY_RELU("LeakyRelu", true, false, 0.01f, 0),
        THRESHOLDED_RELU("ThresholdedRelu", true, false, 1, 0),
        SCALED_TANH("ScaledTanh", true, true, 1, 1),
        HARD_SIGMOID("HardSigmoid", true, true, 0.2f, 0.5f),
        ELU("Elu", true, false, 1, 0),
        SOFTSIGN("Softsign", false, false, 0, 0),
        SOFTPLUS("Softplus", false, false, 0, 0);

        final String onnxName;
        final boolean takesAlpha;
        final boolean takesBeta;
        final float defaultAlpha;
        final float defaultBeta;

        Kind(String onnxName, boolean takesAlpha, boolean takesBeta, float defaultAlpha, float defaultBeta) {
            this.onnxName = onnxName;
            this.takesAlpha = takesAlpha;
            this.takesBeta = takesBeta;
            this.defaultAlpha = defaultAlpha;
            this.defaultBeta = defaultBeta;
        }

        /** The function of an ONNX name (compared ignoring case, as exporters differ); throws if unknown. */
        public static Kind of(String name) {
            for (Kind k : values()) {
                if (k.onnxName.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                    return k;
                }
            }
            throw new VinferException("unknown recurrent activation '" + name + "'; expected one of Relu, Tanh,"
                    + " Sigmoid, Affine, LeakyRelu, ThresholdedRelu, ScaledTanh, HardSigmoid, Elu, Softsign,"
                    + " Softplus");
        }

        public boolean takesAlpha() {
            return takesAlpha;
        }

        public boolean takesBeta() {
            return takesBeta;
        }

        public float defaultAlpha() {
            return defaultAlpha;
        }

        public float defaultBeta() {
            return defaultBeta;
        }

        public String onnxName() {
            return onnxName;
        }
    }

    public static RnnActivation of(Kind kind) {
        return new RnnActivation(kind, kind.defaultAlpha, kind.defaultBeta);
    }

    /** The function at {@code x}, computed in double and rounded once. */
    public float apply(float x) {
        return (float) applyDouble(x);
    }

    /** The function at {@code x} in double precision (the tests' reference uses this too). */
    public double applyDouble(double x) {
        return switch (kind) {
            case RELU -> x < 0 ? 0 : x;
            case TANH -> Math.tanh(x);
            case SIGMOID -> sigmoid(x);
            case AFFINE -> alpha * x + beta;
            case LEAKY_RELU -> x >= 0 ? x : alpha * x;
            case THRESHOLDED_RELU -> x >= alpha ? x : 0;
            case SCALED_TANH -> alpha * Math.tanh(beta * x);
            case HARD_SIGMOID -> Math.min(Math.max(alpha * x + beta, 0), 1);
            case ELU -> x >= 0 ? x : alpha * Math.expm1(x);
            case SOFTSIGN -> x / (1 + Math.abs(x));
            // log(1 + e^x) written so that large x does not overflow
            case SOFTPLUS -> Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
        };
    }

    /** Applies the function to {@code n} elements of {@code a} from {@code off}, in place. */
    public void applyInPlace(float[] a, int off, int n) {
        switch (kind) {
            case RELU -> {
                for (int i = off; i < off + n; i++) {
                    a[i] = a[i] < 0 ? 0 : a[i];
                }
            }
            case SIGMOID -> {
                for (int i = off; i < off + n; i++) {
                    a[i] = (float) sigmoid(a[i]);
                }
            }
            case TANH -> {
                for (int i = off; i < off + n; i++) {
                    a[i] = (float) Math.tanh(a[i]);
                }
            }
            default -> {
                for (int i = off; i < off + n; i++) {
                    a[i] = (float) applyDouble(a[i]);
                }
            }
        }
    }

    /** 1 / (1 + e^-x), written for x &lt; 0 as e^x / (1 + e^x) so that exp never overflows. */
    private static double sigmoid(double x) {
        if (x >= 0) {
            return 1 / (1 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1 + e);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(kind.onnxName);
        if (kind.takesAlpha || kind.takesBeta) {
            s.append('(');
            if (kind.takesAlpha) {
                s.append("alpha=").append(alpha);
            }
            if (kind.takesBeta) {
                s.append(kind.takesAlpha ? ", " : "").append("beta=").append(beta);
            }
            s.append(')');
        }
        return s.toString();
    }
}
