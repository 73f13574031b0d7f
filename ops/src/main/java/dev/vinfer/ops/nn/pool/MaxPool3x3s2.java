package dev.vinfer.ops.nn.pool;

import dev.vinfer.conv.Backend;
import dev.vinfer.conv.Kernels;
import dev.vinfer.conv.Parallel;

/**
 * Float32 MaxPool with the window of ResNet and SqueezeNet, 2-d, 3x3, stride 2, no dilation (any pads, either
 * rounding mode): each output row in one {@link Backend#maxPool3s2Rows} call that reads its 1-3 input rows and
 * writes the row's interior outputs directly, plus the one or two border outputs (windows cut by padding or ceil
 * rounding) in scalar code.
 *
 * <p>The general {@link SeparablePool} combines the rows into a phase-split buffer first and reads it back tap by
 * tap, and computes its border outputs through a division per tap; in ResNet-18 that cost 0.5 ms for a pool that
 * ONNX Runtime does in 0.15 (bench/README.md, "Small ops inside the networks"). Results are those of
 * {@link FloatMaxPool}. The vector kernel's maximum is a compare and a blend, which may drop a NaN, so a plane
 * with a NaN anywhere in its input (one vector scan per plane, from L1/L2) is done output by output with NaN taps
 * skipped ({@link FloatMaxPool#repairNaN}) instead.
 */
final class MaxPool3x3s2 {
    /** Input plus output elements per task at least this many before planes are split over threads. */
    private static final int MIN_ELEMENTS_PER_TASK = 1 << 15;
    /** Interior outputs per row at least this many (a vector of them on AVX-512), else the general pool. */
    static final int MIN_INTERIOR = 16;

    private final PoolGeometry g;
    /** Outputs along W whose windows lie wholly inside the input: {@code [lo, hi)}. */
    private final int lo;
    private final int hi;

    private MaxPool3x3s2(PoolGeometry g) {
        this.g = g;
        int ow = g.out(2);
        int a = 0;
        while (a < ow && g.valid(2, a) != 3) {
            a++;
        }
        int b = a;
        while (b < ow && g.valid(2, b) == 3) {
            b++;
        }
        this.lo = a;
        this.hi = b;
    }

    /** The kernel for this window and input shape, or null when it is not a 2-d 3x3 stride-2 undilated pool. */
    static MaxPool3x3s2 plan(PoolWindow window, PoolGeometry g) {
        if (window.spatialDims() != 2 || Boolean.getBoolean("vinfer.pool.noFast3x3s2")) {
            return null;
        }
        for (int i = 0; i < 2; i++) {
            if (window.kernel()[i] != 3 || window.strides()[i] != 2 || window.dilations()[i] != 1) {
                return null;
            }
        }
        MaxPool3x3s2 k = new MaxPool3x3s2(g);
        // rows with fewer interior outputs than a 16-lane vector would run the kernel's scalar code: the general
        // pool is faster there (SqueezeNet's 13-wide last pool)
        return k.hi - k.lo >= MIN_INTERIOR ? k : null;
    }

    PoolGeometry geometry() {
        return g;
    }

    void run(float[] src, int srcOff, float[] dst, int dstOff, Parallel parallel) {
        int inPlane = g.inputPlaneSize();
        int outPlane = g.outputPlaneSize();
        if (outPlane == 0 || g.planes() == 0) {
            return;
        }
        int minPlanes = Math.max(1, MIN_ELEMENTS_PER_TASK / Math.max(1, inPlane + outPlane));
        parallel.forRange(g.planes(), minPlanes, (start, end) -> {
            Backend be = Kernels.backend();
            for (int p = start; p < end; p++) {
                int so = srcOff + p * inPlane;
                int d0 = dstOff + p * outPlane;
                if (be.anyNaN(src, so, inPlane)) {
                    exactPlane(src, so, dst, d0); // the kernel's compare-and-blend maximum may drop a NaN
                } else {
                    plane(be, src, so, dst, d0);
                }
            }
        });
    }

    private void plane(Backend be, float[] src, int so, float[] dst, int d0) {
        int w = g.in(2);
        int ow = g.out(2);
        int oh = g.out(1);
        for (int oy = 0; oy < oh; oy++) {
            int rows = g.valid(1, oy);
            int row = so + g.first(1, oy) * w;
            int d = d0 + oy * ow;
            if (rows == 0) {
                java.util.Arrays.fill(dst, d, d + ow, Float.NEGATIVE_INFINITY); // no tap inside the input
                continue;
            }
            if (lo < hi) {
                be.maxPool3s2Rows(src, row + g.first(2, lo), rows, w, hi - lo, dst, d + lo);
            }
            for (int ox = 0; ox < lo; ox++) {
                dst[d + ox] = border(src, row, rows, w, ox);
            }
            for (int ox = hi; ox < ow; ox++) {
                dst[d + ox] = border(src, row, rows, w, ox);
            }
        }
    }

    /**
     * A plane with a NaN in it, output by output, as the reference path does: the largest tap that is not NaN,
     * NaN when every tap is, -inf for a window with no tap inside the input.
     */
    private void exactPlane(float[] src, int so, float[] dst, int d0) {
        int w = g.in(2);
        int ow = g.out(2);
        java.util.Arrays.fill(dst, d0, d0 + g.outputPlaneSize(), Float.NaN);
        for (int oy = 0; oy < g.out(1); oy++) {
            if (g.valid(1, oy) == 0) {
                java.util.Arrays.fill(dst, d0 + oy * ow, d0 + (oy + 1) * ow, Float.NEGATIVE_INFINITY);
            }
            for (int ox = 0; ox < ow; ox++) {
                if (g.valid(2, ox) == 0) {
                    dst[d0 + oy * ow + ox] = Float.NEGATIVE_INFINITY;
                }
            }
        }
        FloatMaxPool.repairNaN(g, src, so, dst, d0); // recomputes every output still NaN, skipping NaN taps
    }

    /** One output whose window is cut by padding or ceil rounding: max of its taps inside the input. */
    private float border(float[] src, int row, int rows, int w, int ox) {
        int x0 = row + g.first(2, ox);
        int n = g.valid(2, ox);
        float m = Float.NEGATIVE_INFINITY;
        for (int b = 0; b < rows; b++) {
            for (int c = 0; c < n; c++) {
                m = Math.max(m, src[x0 + b * w + c]);
            }
        }
        return m;
    }
}
