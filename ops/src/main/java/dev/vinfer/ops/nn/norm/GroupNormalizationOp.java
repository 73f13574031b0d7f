package dev.vinfer.ops.nn.norm;

import dev.vinfer.ops.nn.DoubleBuffers;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * GroupNormalization: the channels of {@code X [N, C, D...]} form {@code groups} consecutive groups; each group of
 * each sample is normalized by its own mean and variance, then scaled and shifted per channel, or per group when
 * {@code affinePerGroup} (the opset-18 form of scale and bias).
 */
public final class GroupNormalizationOp implements Operator {
    private final int groups;
    private final double epsilon;
    private final boolean affinePerGroup;

    public GroupNormalizationOp(int groups, double epsilon, boolean affinePerGroup) {
        if (groups < 1) {
            throw new VinferException("GroupNormalization num_groups must be positive, got " + groups);
        }
        this.groups = groups;
        this.epsilon = epsilon;
        this.affinePerGroup = affinePerGroup;
    }

    @Override
    public String opType() {
        return "GroupNormalization";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        if (!x.dtype().isFloatingPoint()) {
            throw new VinferException("GroupNormalization takes float32 or float64, not "
                    + x.dtype().displayName());
        }
        if (x.rank() < 2) {
            throw new VinferException("GroupNormalization needs an input [N, C, ...], got " + x);
        }
        int batch = x.dim(0);
        int channels = x.dim(1);
        if (channels % groups != 0) {
            throw new VinferException("GroupNormalization: " + channels + " channels do not split into " + groups
                    + " groups");
        }
        int inner = batch * channels == 0 ? 0 : x.size() / (batch * channels);
        int perGroup = channels / groups;
        double[] scale = perChannel(inputs[1], "scale", perGroup);
        double[] bias = perChannel(inputs[2], "bias", perGroup);
        int block = perGroup * inner;
        Tensor y = ctx.output(0, x.dtype(), x.shape());
        double[] buf = new double[block];
        for (int n = 0; n < batch; n++) {
            for (int g = 0; g < groups; g++) {
                int off = (n * groups + g) * block;
                DoubleBuffers.read(x, off, buf, 0, block);
                double mean = Moments.mean(buf, 0, block);
                double invStd = 1 / Math.sqrt(Moments.variance(buf, 0, block, mean) + epsilon);
                for (int k = 0; k < perGroup; k++) {
                    int c = g * perGroup + k;
                    double a = invStd * scale[c];
                    for (int i = k * inner; i < (k + 1) * inner; i++) {
                        buf[i] = (buf[i] - mean) * a + bias[c];
                    }
                }
                DoubleBuffers.write(y, off, buf, 0, block);
            }
        }
        return new Tensor[] {y};
    }

    /** Scale or bias as one value per channel, expanding the per-group form. */
    private double[] perChannel(Tensor t, String name, int perGroup) {
        int channels = groups * perGroup;
        int expected = affinePerGroup ? groups : channels;
        if (t == null || t.size() != expected) {
            throw new VinferException("GroupNormalization " + name + " must have " + expected + " elements, got "
                    + t);
        }
        double[] v = DoubleBuffers.readAll(t);
        if (!affinePerGroup) {
            return v;
        }
        double[] out = new double[channels];
        for (int c = 0; c < channels; c++) {
            out[c] = v[c / perGroup];
        }
        return out;
    }
}
