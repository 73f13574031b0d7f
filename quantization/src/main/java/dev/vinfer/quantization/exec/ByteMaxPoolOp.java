package dev.vinfer.quantization.exec;

import dev.vinfer.ops.nn.pool.PoolGeometry;
import dev.vinfer.ops.nn.pool.PoolWindow;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * MaxPool on int8/uint8 data without the Indices output, comparing the bytes as ints (unsigned for uint8). Same
 * windows as the float op (the pool library's {@link PoolGeometry}: padding taps never win, as with -inf padding).
 * Splits planes over threads.
 */
public final class ByteMaxPoolOp implements Operator {
    private final PoolWindow window;

    public ByteMaxPoolOp(PoolWindow window) {
        this.window = window;
    }

    @Override
    public String opType() {
        return "MaxPool(int8)";
    }

    @Override
    public String describe() {
        return window.toString();
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] in) {
        Tensor x = in[0];
        if (x.dtype() != DType.UINT8 && x.dtype() != DType.INT8) {
            throw new VinferException("MaxPool(int8) takes int8 or uint8, got " + x);
        }
        boolean unsigned = x.dtype() == DType.UINT8;
        PoolGeometry g = PoolGeometry.of(window, x.shape());
        Tensor y = ctx.output(0, x.dtype(), g.outputShape());
        int inPlane = g.inputPlaneSize();
        int outPlane = g.outputPlaneSize();
        byte[] src = x.bytes();
        byte[] dst = y.bytes();
        int xo = x.offset();
        int yo = y.offset();
        ctx.parallel().forRange(g.planes(), Math.max(1, 8192 / Math.max(1, outPlane)), (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                poolPlane(g, src, xo + p * inPlane, unsigned, dst, yo + p * outPlane);
            }
        });
        return new Tensor[] {y};
    }

    /** Per thread, one input row of maxima (the vertical pass of {@link #poolPlane}). */
    private static final ThreadLocal<int[]> ROW = ThreadLocal.withInitial(() -> new int[0]);

    /**
     * One plane. Without dilation: per output row, the maxima over the window's input rows are taken element by
     * element across the whole row first (a contiguous loop the JIT vectorizes), then each output takes the max of
     * its window's columns in that row, instead of visiting every tap of every window.
     */
    static void poolPlane(PoolGeometry g, byte[] src, int base, boolean unsigned, byte[] dst, int out) {
        if (g.dilation(0) != 1 || g.dilation(1) != 1 || g.dilation(2) != 1) {
            poolPlaneByTaps(g, src, base, unsigned, dst, out);
            return;
        }
        int h = g.in(1);
        int w = g.in(2);
        int mask = unsigned ? 0xFF : -1;
        int[] row = ROW.get();
        if (row.length < w) {
            row = new int[w];
            ROW.set(row);
        }
        int o = out;
        for (int oz = 0; oz < g.out(0); oz++) {
            int fz = g.first(0, oz);
            int nz = g.valid(0, oz);
            for (int oy = 0; oy < g.out(1); oy++) {
                int fy = g.first(1, oy);
                int ny = g.valid(1, oy);
                java.util.Arrays.fill(row, 0, w, Integer.MIN_VALUE);
                for (int a = 0; a < nz; a++) {
                    for (int b = 0; b < ny; b++) {
                        int r = base + ((fz + a) * h + fy + b) * w;
                        for (int x = 0; x < w; x++) {
                            row[x] = Math.max(row[x], src[r + x] & mask);
                        }
                    }
                }
                for (int ox = 0; ox < g.out(2); ox++, o++) {
                    int fx = g.first(2, ox);
                    int nx = g.valid(2, ox);
                    int best = Integer.MIN_VALUE;
                    for (int c = 0; c < nx; c++) {
                        best = Math.max(best, row[fx + c]);
                    }
                    dst[o] = (byte) (best == Integer.MIN_VALUE ? (unsigned ? 0 : -128) : best);
                }
            }
        }
    }

    /** One plane, every tap of every window visited (any dilation; the reference for the row form). */
    static void poolPlaneByTaps(PoolGeometry g, byte[] src, int base, boolean unsigned, byte[] dst, int out) {
        int h = g.in(1);
        int w = g.in(2);
        int dz = g.dilation(0);
        int dy = g.dilation(1);
        int dx = g.dilation(2);
        int mask = unsigned ? 0xFF : -1;
        int o = out;
        for (int oz = 0; oz < g.out(0); oz++) {
            int fz = g.first(0, oz);
            int nz = g.valid(0, oz);
            for (int oy = 0; oy < g.out(1); oy++) {
                int fy = g.first(1, oy);
                int ny = g.valid(1, oy);
                for (int ox = 0; ox < g.out(2); ox++, o++) {
                    int fx = g.first(2, ox);
                    int nx = g.valid(2, ox);
                    int best = Integer.MIN_VALUE;
                    for (int a = 0; a < nz; a++) {
                        int plane = (fz + a * dz) * h;
                        for (int b = 0; b < ny; b++) {
                            int row = base + (plane + fy + b * dy) * w + fx;
                            for (int c = 0; c < nx; c++) {
                                best = Math.max(best, src[row + c * dx] & mask);
                            }
                        }
                    }
                    // A window with no input tap (possible only with extreme padding) has no max: the float op
                    // gives -inf there, which quantizes to the smallest value.
                    dst[o] = (byte) (best == Integer.MIN_VALUE ? (unsigned ? 0 : -128) : best);
                }
            }
        }
    }
}
