package dev.vinfer.ops.nn.pool;

import dev.vinfer.conv.Parallel;
import dev.vinfer.runtime.Tensor;

/**
 * MaxPool on float32 when no indices are asked for, the case of every CNN: reads the input array in place (no
 * widening to double, no per-plane copies), splits the planes across the session's threads, and is separable: for
 * each output row it first takes the max of the window's input rows element by element (contiguous, which the JIT
 * turns into vector instructions), then the max along that row for each output.
 *
 * <p>Results equal those of the reference path in {@link MaxPoolOp}: the largest tap that is not NaN, NaN when
 * every tap is NaN, -inf for a window with no tap inside the input. {@link Math#max} (the vectorizable max)
 * propagates NaN, so a window whose result comes out NaN is recomputed tap by tap with NaN skipped. Only the sign
 * of a zero maximum may differ from the reference (+0 and -0 compare equal; which one wins is unspecified).
 */
final class FloatMaxPool {
    /** Planes per task at least this many output elements, so that small pools stay on one thread. */
    private static final int MIN_OUTPUTS_PER_TASK = 1 << 14;

    /** One row of column maxima per thread, reused so that steady-state runs allocate nothing. */
    private static final ThreadLocal<float[]> ROW = ThreadLocal.withInitial(() -> new float[256]);

    private FloatMaxPool() {
    }

    static void run(PoolGeometry g, Tensor x, Tensor y, Parallel parallel) {
        float[] src = x.floats();
        float[] dst = y.floats();
        int inPlane = g.inputPlaneSize();
        int outPlane = g.outputPlaneSize();
        int minPlanes = Math.max(1, MIN_OUTPUTS_PER_TASK / Math.max(1, outPlane));
        parallel.forRange(g.planes(), minPlanes, (start, end) -> {
            float[] row = ROW.get();
            if (row.length < g.in(2)) {
                row = new float[g.in(2)];
                ROW.set(row);
            }
            for (int p = start; p < end; p++) {
                plane(g, src, x.offset() + p * inPlane, dst, y.offset() + p * outPlane, row);
            }
        });
    }

    private static void plane(PoolGeometry g, float[] src, int srcOff, float[] dst, int dstOff, float[] row) {
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
                // the column maxima of the window's rows; a window of one row (1-d pools) reads it in place
                float[] cols = src;
                int colBase = srcOff + (fz * h + fy) * w;
                if (nz * ny != 1) {
                    cols = row;
                    colBase = 0;
                    java.util.Arrays.fill(row, 0, w, Float.NEGATIVE_INFINITY);
                    for (int a = 0; a < nz; a++) {
                        for (int b = 0; b < ny; b++) {
                            int at = srcOff + ((fz + a * dz) * h + fy + b * dy) * w;
                            for (int i = 0; i < w; i++) {
                                row[i] = Math.max(row[i], src[at + i]);
                            }
                        }
                    }
                }
                for (int ox = 0; ox < g.out(2); ox++, o++) {
                    int fx = g.first(2, ox);
                    int nx = g.valid(2, ox);
                    float best = Float.NEGATIVE_INFINITY;
                    for (int c = 0, at = colBase + fx; c < nx; c++, at += dx) {
                        best = Math.max(best, cols[at]);
                    }
                    if (best != best) {
                        best = skippingNaN(src, srcOff + (fz * h + fy) * w + fx, nz, ny, nx, h * w * dz, w * dy, dx);
                    }
                    dst[o] = best;
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
