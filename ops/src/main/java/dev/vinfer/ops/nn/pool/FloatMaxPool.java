package dev.vinfer.ops.nn.pool;

import dev.vinfer.conv.Parallel;
import dev.vinfer.runtime.Tensor;

/**
 * MaxPool on float32 when no indices are asked for, the case of every CNN: reads the input array in place (no
 * widening to double, no per-plane copies) and splits the planes across the session's threads.
 *
 * <p>Results are those of the reference path in {@link MaxPoolOp}: the largest tap that is not NaN, NaN when every
 * tap is NaN, -inf for a window with no tap inside the input.
 */
final class FloatMaxPool {
    /** Planes per task at least this many output elements, so that small pools stay on one thread. */
    private static final int MIN_OUTPUTS_PER_TASK = 1 << 14;

    private FloatMaxPool() {
    }

    static void run(PoolGeometry g, Tensor x, Tensor y, Parallel parallel) {
        float[] src = x.floats();
        float[] dst = y.floats();
        int inPlane = g.inputPlaneSize();
        int outPlane = g.outputPlaneSize();
        int minPlanes = Math.max(1, MIN_OUTPUTS_PER_TASK / Math.max(1, outPlane));
        parallel.forRange(g.planes(), minPlanes, (start, end) -> {
            for (int p = start; p < end; p++) {
                plane(g, src, x.offset() + p * inPlane, dst, y.offset() + p * outPlane);
            }
        });
    }

    /** Whether every tap of a window is NaN (checked only when its max came out as -inf, which is rare). */
    private static boolean allNaN(float[] src, int at0, int nz, int ny, int nx, int zStep, int yStep, int xStep) {
        for (int a = 0; a < nz; a++) {
            for (int b = 0; b < ny; b++) {
                for (int c = 0; c < nx; c++) {
                    if (!Float.isNaN(src[at0 + a * zStep + b * yStep + c * xStep])) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private static void plane(PoolGeometry g, float[] src, int srcOff, float[] dst, int dstOff) {
        int h = g.in(1);
        int w = g.in(2);
        int dz = g.dilation(0);
        int dy = g.dilation(1);
        int dx = g.dilation(2);
        int o = dstOff;
        for (int oz = 0; oz < g.out(0); oz++) {
            int fz = g.first(0, oz);
            int nz = g.valid(0, oz);
            for (int oy = 0; oy < g.out(1); oy++) {
                int fy = g.first(1, oy);
                int ny = g.valid(1, oy);
                for (int ox = 0; ox < g.out(2); ox++, o++) {
                    int fx = g.first(2, ox);
                    int nx = g.valid(2, ox);
                    float best = Float.NEGATIVE_INFINITY;
                    for (int a = 0; a < nz; a++) {
                        for (int b = 0; b < ny; b++) {
                            int at = srcOff + ((fz + a * dz) * h + fy + b * dy) * w + fx;
                            for (int c = 0; c < nx; c++, at += dx) {
                                float v = src[at];
                                // a select, not a branch (random data would mispredict it); NaN never wins
                                best = v > best ? v : best;
                            }
                        }
                    }
                    if (best == Float.NEGATIVE_INFINITY && nz * ny * nx > 0
                            && allNaN(src, srcOff + (fz * h + fy) * w + fx, nz, ny, nx, h * w * dz, w * dy, dx)) {
                        best = Float.NaN;
                    }
                    dst[o] = best;
                }
            }
        }
    }
}
