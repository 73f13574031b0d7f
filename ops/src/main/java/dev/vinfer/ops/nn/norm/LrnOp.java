package dev.vinfer.ops.nn.norm;

import dev.vinfer.conv.Backend;
import dev.vinfer.conv.Kernels;
import dev.vinfer.ops.nn.DoubleBuffers;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * LRN across channels: {@code y = x / (bias + alpha / size * sum(x^2 over nearby channels))^beta}, the channel window
 * spanning {@code floor((size - 1) / 2)} channels before and {@code ceil((size - 1) / 2)} after. Float32 runs
 * {@link Backend#lrn} (vectorized, the power by the vector math library: AlexNet's two LRN layers took 5.3 and 3.3 ms
 * of its 25 with a double {@link Math#pow} per element, session 39), channel ranges split over threads; float64 sums
 * and divides in double.
 */
public final class LrnOp implements Operator {
    private final int size;
    private final double alpha;
    private final double beta;
    private final double bias;

    public LrnOp(int size, double alpha, double beta, double bias) {
        if (size < 1) {
            throw new VinferException("LRN size must be positive, got " + size);
        }
        this.size = size;
        this.alpha = alpha;
        this.beta = beta;
        this.bias = bias;
    }

    @Override
    public String opType() {
        return "LRN";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        if (!x.dtype().isFloatingPoint()) {
            throw new VinferException("LRN takes float32 or float64, not " + x.dtype().displayName());
        }
        if (x.rank() < 2) {
            throw new VinferException("LRN needs an input [N, C, ...], got " + x);
        }
        int batch = x.dim(0);
        int channels = x.dim(1);
        int inner = batch * channels == 0 ? 0 : x.size() / (batch * channels);
        int before = (size - 1) / 2;
        int after = size - 1 - before;
        if (x.dtype() == DType.FLOAT32) {
            Tensor y = ctx.output(0, x.dtype(), x.shape());
            Backend be = Kernels.backend();
            float[] xs = x.floats();
            float[] ys = y.floats();
            float scale = (float) (alpha / size);
            // at least 16 K elements a task: a smaller range is over before a second thread starts
            int minChannels = Math.max(1, (1 << 14) / Math.max(1, inner));
            for (int n = 0; n < batch; n++) {
                int xo = x.offset() + n * channels * inner;
                int yo = y.offset() + n * channels * inner;
                ctx.parallel().forRange(channels, minChannels, (c0, c1) -> be.lrn(xs, xo, ys, yo, channels, inner,
                        c0, c1, before, after, scale, (float) bias, (float) beta));
            }
            return ctx.result(y);
        }
        double[] sample = new double[channels * inner];
        double[] result = new double[channels * inner];
        double scale = alpha / size;
        Tensor y = ctx.output(0, x.dtype(), x.shape());
        for (int n = 0; n < batch; n++) {
            DoubleBuffers.read(x, n * channels * inner, sample, 0, sample.length);
            for (int c = 0; c < channels; c++) {
                int lo = Math.max(0, c - before);
                int hi = Math.min(channels - 1, c + after);
                for (int i = 0; i < inner; i++) {
                    double sq = 0;
                    for (int k = lo; k <= hi; k++) {
                        double v = sample[k * inner + i];
                        sq += v * v;
                    }
                    result[c * inner + i] = sample[c * inner + i] / Math.pow(bias + scale * sq, beta);
                }
            }
            DoubleBuffers.write(y, n * channels * inner, result, 0, result.length);
        }
        return new Tensor[] {y};
    }
}
