package dev.vinfer.ops.nn.pool;

import dev.vinfer.conv.Backend;
import dev.vinfer.conv.Kernels;
import dev.vinfer.conv.Parallel;

/**
 * Float32 MaxPool with the window of ResNet and SqueezeNet, 2-d, 3x3, stride 2, no dilation (any pads, either
 * rounding mode): the output rows whose windows have all three input rows in one {@link Backend#maxPool3s2Block}
 * call per plane, the other rows (cut by padding or ceil rounding along H) in one {@link Backend#maxPool3s2Rows}
 * call each, straight from the input rows to the output rows; the one or two border outputs per row (windows cut
 * along W) in scalar code. The block call lets rows narrower than a vector (SqueezeNet's last pool, 13 outputs)
 * run whole vectors too; they used to go to the general pool (0.22 ms against ONNX Runtime's 0.07).
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

    private final PoolGeometry g;
    /** Outputs along W whose windows lie wholly inside the input: {@code [lo, hi)}. */
    private final int lo;
    private final int hi;
    /** Output rows whose windows have all 3 input rows: {@code [yLo, yHi)}, done in one block call per plane. */
    private final int yLo;
    private final int yHi;

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
        int oh = g.out(1);
        int y = 0;
        while (y < oh && g.valid(1, y) != 3) {
            y++;
        }
        int y1 = y;
        while (y1 < oh && g.valid(1, y1) == 3) {
            y1++;
        }
        this.yLo = y;
        this.yHi = y1;
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
        return new MaxPool3x3s2(g);
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
        if (lo < hi && yLo < yHi) {
            // may overwrite the border outputs between the rows' interiors: they are written below
            be.maxPool3s2Block(src, so + g.first(1, yLo) * w + g.first(2, lo), w, 2 * w, hi - lo, yHi - yLo, dst,
                    d0 + yLo * ow + lo, ow);
        }
        for (int oy = 0; oy < oh; oy++) {
            int rows = g.valid(1, oy);
            int row = so + g.first(1, oy) * w;
            int d = d0 + oy * ow;
            if (rows == 0) {
                java.util.Arrays.fill(dst, d, d + ow, Float.NEGATIVE_INFINITY); // no tap inside the input
                continue;
            }
            if (lo < hi && (oy < yLo || oy >= yHi)) {
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
