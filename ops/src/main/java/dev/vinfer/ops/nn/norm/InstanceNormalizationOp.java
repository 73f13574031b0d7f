package dev.vinfer.ops.nn.norm;

import dev.vinfer.ops.nn.DoubleBuffers;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * InstanceNormalization: each {@code (n, c)} plane of {@code X [N, C, D...]} is normalized by its own mean and
 * variance, then scaled and shifted per channel; optionally followed by a fused ReLU (set by the activation-fusion
 * pass when a Relu is the only reader). float32 runs {@link FloatInstanceNorm}; other float types the double
 * reference loops here.
 */
public final class InstanceNormalizationOp implements Operator {
    /** System property that forces the double reference loops (for differential tests and debugging). */
    public static final String REFERENCE_PROPERTY = "vinfer.instanceNorm.reference";

    private final double epsilon;
    private final boolean relu;

    public InstanceNormalizationOp(double epsilon) {
        this(epsilon, false);
    }

    private InstanceNormalizationOp(double epsilon, boolean relu) {
        this.epsilon = epsilon;
        this.relu = relu;
    }

    /** The same normalization followed by {@code max(y, 0)}. */
    public InstanceNormalizationOp withRelu() {
        return new InstanceNormalizationOp(epsilon, true);
    }

    /** Whether a ReLU is fused. */
    public boolean relu() {
        return relu;
    }

    @Override
    public String opType() {
        return relu ? "InstanceNormalization+Relu" : "InstanceNormalization";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        if (!x.dtype().isFloatingPoint()) {
            throw new VinferException("InstanceNormalization takes float32 or float64, not "
                    + x.dtype().displayName());
        }
        if (x.rank() < 3) {
            throw new VinferException("InstanceNormalization needs an input [N, C, D...], got " + x);
        }
        int batch = x.dim(0);
        int channels = x.dim(1);
        int inner = batch * channels == 0 ? 0 : x.size() / (batch * channels);
        double[] scale = perChannel(inputs[1], "scale", channels);
        double[] bias = perChannel(inputs[2], "B", channels);
        Tensor y = ctx.output(0, x.dtype(), x.shape());
        if (x.dtype() == DType.FLOAT32 && inner > 0 && !Boolean.getBoolean(REFERENCE_PROPERTY)) {
            FloatInstanceNorm.run(x.floats(), x.offset(), y.floats(), y.offset(), batch * channels, channels, inner,
                    scale, bias, epsilon, relu, ctx.parallel());
            return new Tensor[] {y};
        }
        double[] buf = new double[inner];
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < channels; c++) {
                int off = (n * channels + c) * inner;
                DoubleBuffers.read(x, off, buf, 0, inner);
                double mean = Moments.mean(buf, 0, inner);
                double a = scale[c] / Math.sqrt(Moments.variance(buf, 0, inner, mean) + epsilon);
                for (int i = 0; i < inner; i++) {
                    double v = (buf[i] - mean) * a + bias[c];
                    buf[i] = relu ? Math.max(v, 0d) : v;
                }
                DoubleBuffers.write(y, off, buf, 0, inner);
            }
        }
        return new Tensor[] {y};
    }

    private static double[] perChannel(Tensor t, String name, int channels) {
        if (t == null || t.size() != channels) {
            throw new VinferException("InstanceNormalization " + name + " must have " + channels + " elements, got "
                    + t);
        }
        return DoubleBuffers.readAll(t);
    }
}
