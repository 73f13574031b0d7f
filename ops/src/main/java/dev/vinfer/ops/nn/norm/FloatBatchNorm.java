package dev.vinfer.ops.nn.norm;

import dev.vinfer.conv.Parallel;
import dev.vinfer.runtime.Tensor;

/**
 * Inference BatchNormalization on float32 with per-channel parameters, the form left in a model after the
 * optimizer has folded every BatchNorm that follows a conv (pre-activation nets such as DenseNet keep one per
 * layer): {@code y = (float) (x * a[c] + b[c])} with the same double {@code a, b} as the reference path in
 * {@link BatchNormalizationOp}, so the results are identical; but read and written in place (no double buffers)
 * and with the planes split across the session's threads.
 */
final class FloatBatchNorm {
    /** Planes per task at least this many elements, so that small inputs stay on one thread. */
    private static final int MIN_ELEMENTS_PER_TASK = 1 << 15;

    private FloatBatchNorm() {
    }

    static void run(Tensor x, Tensor y, double[] a, double[] b, int channels, int inner, boolean relu,
            Parallel parallel) {
        float[] in = x.floats();
        float[] out = y.floats();
        int io = x.offset();
        int oo = y.offset();
        int planes = channels == 0 ? 0 : x.size() / Math.max(1, inner);
        int minPlanes = Math.max(1, MIN_ELEMENTS_PER_TASK / Math.max(1, inner));
        parallel.forRange(planes, minPlanes, (from, to) -> {
            for (int p = from; p < to; p++) {
                double ac = a[p % channels];
                double bc = b[p % channels];
                int off = p * inner;
                if (relu) {
                    // the max on the rounded float, as the separate Relu computes it (NaN stays NaN, -0 becomes 0)
                    for (int i = 0; i < inner; i++) {
                        out[oo + off + i] = Math.max((float) (in[io + off + i] * ac + bc), 0f);
                    }
                } else {
                    for (int i = 0; i < inner; i++) {
                        out[oo + off + i] = (float) (in[io + off + i] * ac + bc);
                    }
                }
            }
        });
    }
}
