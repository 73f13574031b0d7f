package dev.vinfer.ops.nn.pool;

import dev.vinfer.conv.Kernels;
import dev.vinfer.conv.PoolReduction;
import dev.vinfer.ops.nn.DoubleBuffers;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * AveragePool over 1 to 3 spatial dims. The divisor counts the taps inside the input, or with
 * {@code countIncludePad} also those in explicit (or SAME) padding, never those added by ceil rounding. Float32
 * sums the windows in float with the vectorized {@link SeparablePool} (relative error within a few ulps times the
 * window size); float64 sums in double, plane by plane.
 */
public final class AveragePoolOp implements Operator {
    private final PoolWindow window;
    private final boolean countIncludePad;
    /** The geometry of the most recent input shape (immutable, replaced whole): no geometry built per run. */
    private volatile Shaped last;

    /** A geometry with its float32 pool and each output's divisor. */
    private record Shaped(PoolGeometry geometry, int[] outShape, SeparablePool floatPool, float[] divisors) {
        static Shaped of(PoolGeometry g, boolean countIncludePad) {
            int[] counts = new int[g.outputPlaneSize()];
            WindowSums.counts(g, counts, countIncludePad);
            float[] divisors = new float[counts.length];
            for (int i = 0; i < counts.length; i++) {
                divisors[i] = counts[i];
            }
            return new Shaped(g, g.outputShape(), new SeparablePool(g, Kernels.backend()), divisors);
        }
    }

    public AveragePoolOp(PoolWindow window, boolean countIncludePad) {
        this.window = window;
        this.countIncludePad = countIncludePad;
    }

    public PoolWindow window() {
        return window;
    }

    public boolean countIncludePad() {
        return countIncludePad;
    }

    /**
     * Whether this pool reads whole windows only, whatever the input: 2-D, no padding (explicit zeros or VALID),
     * dilation 1, floor rounding. Then every output averages {@code kh x kw} inputs, and it commutes with a 1x1
     * convolution before it ({@code AveragePoolBeforePointwise}) and runs blocked ({@code NchwcAveragePoolOp}).
     */
    public boolean wholeWindows2d() {
        if (window.spatialDims() != 2 || window.ceilMode()) {
            return false;
        }
        for (int d : window.dilations()) {
            if (d != 1) {
                return false;
            }
        }
        if (window.padding() == PaddingPolicy.VALID) {
            return true;
        }
        if (window.padding() != PaddingPolicy.EXPLICIT) {
            return false;
        }
        for (int p : window.pads()) {
            if (p != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Output planes of at most this many positions, and at most {@link #SMALL_TOTAL} outputs in all, run
     * {@link #smallPlanes}: LeNet-5's two 2x2/2 pools (14x14 and 5x5 outputs) spent about 5 us a run in
     * {@link SeparablePool}'s per-row calls (session 39, JFR), on rows of 14 and 5 outputs.
     */
    static final int SMALL_PLANE = 256;
    /** See {@link #SMALL_PLANE}: beyond this many outputs the vectorized pool, split over threads, is the faster. */
    static final int SMALL_TOTAL = 1 << 14;

    private boolean smallWholeWindows(PoolGeometry g) {
        return wholeWindows2d() && g.outputPlaneSize() <= SMALL_PLANE
                && (long) g.planes() * g.outputPlaneSize() <= SMALL_TOTAL;
    }

    /**
     * Whole windows (no padding, {@link #wholeWindows2d}) of small planes, one output at a time: each window's
     * columns summed top-down, then the column sums left to right, divided by the tap count, as the separable pool
     * sums them (the same bits, {@code AveragePoolOpTest}).
     */
    private void smallPlanes(PoolGeometry g, float[] x, int xOff, float[] y, int yOff) {
        int kh = window.kernel()[0];
        int kw = window.kernel()[1];
        int sh = window.strides()[0];
        int sw = window.strides()[1];
        int w = g.in(2);
        int oh = g.out(1);
        int ow = g.out(2);
        int inPlane = g.inputPlaneSize();
        int outPlane = g.outputPlaneSize();
        float count = kh * kw;
        for (int p = 0; p < g.planes(); p++) {
            int xi = xOff + p * inPlane;
            int yi = yOff + p * outPlane;
            for (int oy = 0; oy < oh; oy++) {
                int row = xi + oy * sh * w;
                for (int ox = 0; ox < ow; ox++) {
                    int base = row + ox * sw;
                    float total = 0f;
                    for (int kx = 0; kx < kw; kx++) {
                        float col = x[base + kx];
                        for (int ky = 1; ky < kh; ky++) {
                            col += x[base + ky * w + kx];
                        }
                        total = kx == 0 ? col : total + col;
                    }
                    y[yi + oy * ow + ox] = total / count;
                }
            }
        }
    }

    @Override
    public String opType() {
        return "AveragePool";
    }

    @Override
    public String describe() {
        return window + (countIncludePad ? " count_include_pad" : "");
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        if (!x.dtype().isFloatingPoint()) {
            throw new VinferException("AveragePool takes float32 or float64, not " + x.dtype().displayName());
        }
        Shaped shaped = last;
        if (shaped == null || !shaped.geometry().hasInputShape(x)) {
            shaped = Shaped.of(PoolGeometry.of(window, x.shape(), ctx), countIncludePad);
            last = shaped;
        }
        PoolGeometry g = shaped.geometry();
        Tensor y = ctx.output(0, x.dtype(), shaped.outShape());
        if (x.dtype() == DType.FLOAT32 && smallWholeWindows(g)) {
            smallPlanes(g, x.floats(), x.offset(), y.floats(), y.offset());
            return ctx.result(y);
        }
        if (x.dtype() == DType.FLOAT32) {
            // the window sums in float (vectorized), each divided by its tap count
            float[] div = shaped.divisors();
            shaped.floatPool().run(PoolReduction.SUM, x.floats(), x.offset(), y.floats(), y.offset(), ctx.parallel(),
                    (src, so, dst, d0, from, to) -> {
                        for (int o = from; o < to; o++) {
                            dst[d0 + o] /= div[o];
                        }
                    });
            return ctx.result(y);
        }
        int inPlane = g.inputPlaneSize();
        int outPlane = g.outputPlaneSize();
        int[] divisors = new int[outPlane];
        WindowSums.counts(g, divisors, countIncludePad);
        double[] src = new double[inPlane];
        double[] dst = new double[outPlane];
        for (int p = 0; p < g.planes(); p++) {
            DoubleBuffers.read(x, p * inPlane, src, 0, inPlane);
            WindowSums.sum(g, src, dst, 0);
            for (int o = 0; o < outPlane; o++) {
                dst[o] /= divisors[o];
            }
            DoubleBuffers.write(y, p * outPlane, dst, 0, outPlane);
        }
        return ctx.result(y);
    }
}
