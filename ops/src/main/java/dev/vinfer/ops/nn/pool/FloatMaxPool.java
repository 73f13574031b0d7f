package dev.vinfer.ops.nn.pool;

import dev.vinfer.conv.Kernels;
import dev.vinfer.conv.Parallel;
import dev.vinfer.conv.PoolReduction;
import dev.vinfer.runtime.Tensor;

/**
 * MaxPool on float32 when no indices are asked for, the case of every CNN: the vectorized {@link SeparablePool}
 * straight on the input array (no widening to double, no per-plane copies), planes split across the session's
 * threads.
 *
 * <p>Results equal those of the reference path in {@link MaxPoolOp}: the largest tap that is not NaN, NaN when
 * every tap is NaN, -inf for a window with no tap inside the input. The vector max propagates NaN like
 * {@link Math#max}, so an output plane with a NaN in it has those outputs recomputed tap by tap with NaN skipped
 * (one vector scan per plane finds them). Only the sign of a zero maximum may differ from the reference (+0 and -0
 * compare equal; which one wins is unspecified). The 2-d 3x3 stride-2 window has its own kernel,
 * {@link MaxPool3x3s2}, with the same results (its backend kernels skip NaN taps themselves).
 */
final class FloatMaxPool {
    private FloatMaxPool() {
    }

    /** The pool for one input shape (built once per shape by the op). */
    static SeparablePool plan(PoolGeometry g) {
        return new SeparablePool(g, Kernels.backend());
    }

    static void run(SeparablePool pool, MaxPool3x3s2 fast, Tensor x, Tensor y, Parallel parallel) {
        if (fast != null) {
            fast.run(x.floats(), x.offset(), y.floats(), y.offset(), parallel);
            return;
        }
        PoolGeometry g = pool.geometry();
        pool.run(PoolReduction.MAX, x.floats(), x.offset(), y.floats(), y.offset(), parallel,
                (src, so, dst, d0, from, to) -> {
                    if (Kernels.backend().anyNaN(dst, d0 + from, to - from)) {
                        repairNaN(g, src, so, dst, d0, from, to);
                    }
                });
    }

    /**
     * Recomputes every NaN output among the plane's outputs {@code [from, to)} as the max of its window's taps that
     * are not NaN.
     */
    private static void repairNaN(PoolGeometry g, float[] src, int srcOff, float[] dst, int d0, int from, int to) {
        int h = g.in(1);
        int w = g.in(2);
        int o = d0;
        for (int oz = 0; oz < g.out(0); oz++) {
            for (int oy = 0; oy < g.out(1); oy++) {
                for (int ox = 0; ox < g.out(2); ox++, o++) {
                    if (o < d0 + from || o >= d0 + to || dst[o] == dst[o]) {
                        continue;
                    }
                    int at0 = srcOff + (g.first(0, oz) * h + g.first(1, oy)) * w + g.first(2, ox);
                    dst[o] = skippingNaN(src, at0, g.valid(0, oz), g.valid(1, oy), g.valid(2, ox),
                            h * w * g.dilation(0), w * g.dilation(1), g.dilation(2));
                }
            }
        }
    }

    /** The max of a window's taps that are not NaN; NaN if all are (a window that had a NaN tap). */
    private static float skippingNaN(float[] src, int at0, int nz, int ny, int nx, int zStep, int yStep, int xStep) {
        float best = Float.NEGATIVE_INFINITY;
        boolean any = false;
        for (int a = 0; a < nz; a++) {
            for (int b = 0; b < ny; b++) {
                for (int c = 0; c < nx; c++) {
                    float v = src[at0 + a * zStep + b * yStep + c * xStep];
                    if (v >= best) {
                        best = v;
                        any = true;
                    }
                }
            }
        }
        return any ? best : Float.NaN;
    }
}
