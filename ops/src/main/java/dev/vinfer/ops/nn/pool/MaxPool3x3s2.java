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
 * {@link FloatMaxPool}: the backend's kernels skip NaN taps themselves (NaN only when every tap is NaN), and so
 * does {@link #border}. Until session 8 the vector kernel could drop or keep a NaN, and each input plane was
 * scanned for NaN first (and then done output by output), about a fifth of the pool's time; the kernel now
 * finds the rows where its fast maximum might be wrong as it goes and redoes just those.
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
    /**
     * The first output the kernel does: {@code lo}, or 0 when output 0's window is cut by one column of padding on
     * the left only (ResNet's pads of 1; the kernel's {@code padFirst}). Border outputs in scalar code cost about 12
     * ns per output row (a chain of Math.max), a quarter of ResNet-18's pool.
     */
    private final int from;
    private final boolean padFirst;

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
        this.padFirst = a == 1 && b > a && g.first(2, 0) == 0 && g.valid(2, 0) == 2 && g.first(2, 1) == 1;
        this.from = padFirst ? 0 : a;
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
                plane(be, src, srcOff + p * inPlane, dst, dstOff + p * outPlane);
            }
        });
    }

    private void plane(Backend be, float[] src, int so, float[] dst, int d0) {
        int w = g.in(2);
        int ow = g.out(2);
        int oh = g.out(1);
        int col = lo < hi ? g.first(2, from) : 0;
        if (lo < hi && yLo < yHi) {
            // may overwrite the border outputs between the rows' interiors: they are written below
            be.maxPool3s2Block(src, so + g.first(1, yLo) * w + col, w, 2 * w, hi - from, yHi - yLo, padFirst, dst,
                    d0 + yLo * ow + from, ow);
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
                be.maxPool3s2Rows(src, row + col, rows, w, hi - from, padFirst, dst, d + from);
            }
            for (int ox = 0; ox < from; ox++) {
                dst[d + ox] = border(src, row, rows, w, ox);
            }
            for (int ox = hi; ox < ow; ox++) {
                dst[d + ox] = border(src, row, rows, w, ox);
            }
        }
    }

    /**
     * One output whose window is cut by padding or ceil rounding: the max of its taps inside the input that are not
     * NaN, NaN when all of them are, -inf when it has none (as the reference path gives). Math.max first (no
     * data-dependent branch: a compare-and-branch per tap mispredicts about half the time on real data, and this
     * runs once or twice per output row), the NaN-skipping loop only when that gave NaN.
     */
    private float border(float[] src, int row, int rows, int w, int ox) {
        int x0 = row + g.first(2, ox);
        int n = g.valid(2, ox);
        float m = Float.NEGATIVE_INFINITY;
        for (int b = 0; b < rows; b++) {
            for (int c = 0; c < n; c++) {
                m = Math.max(m, src[x0 + b * w + c]);
            }
        }
        if (m == m) {
            return m;
        }
        float best = Float.NEGATIVE_INFINITY;
        boolean any = false;
        for (int b = 0; b < rows; b++) {
            for (int c = 0; c < n; c++) {
                float v = src[x0 + b * w + c];
                if (v >= best) {
                    best = v;
                    any = true;
                }
            }
        }
        return any ? best : Float.NaN;
    }
}
