package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.MR;
import static dev.vinfer.conv.simd.MicroKernel.NR;
import static dev.vinfer.conv.simd.MicroKernel.S;
import static dev.vinfer.conv.simd.VectorGemm.KC;
import static dev.vinfer.conv.simd.VectorGemm.STRIP;

import dev.vinfer.conv.Epilogue;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The product of a 1x1 convolution with its epilogue fused: {@code C = act(A x B + res + bias)} for a prepacked A
 * (the weights, {@code M x K}) and a B that is the activation itself ({@code K x n}, rows {@code ldb} apart: the
 * channel planes of an NCHW image).
 *
 * <p>Why not the general GEMM ({@link VectorGemm}) followed by row passes: that path stores C and then reads and
 * writes every output row again for the residual and again for bias and activation. Where the output is larger
 * than L2 (a 16->96 layer at 112x112 writes 4.8 MB, ResNet-50's 64->256 at 56x56 3.2 MB) those passes run from L3;
 * with the few input channels of MobileNet-style layers (K = 16-64) each output costs only K multiply-adds, so the
 * passes weigh as much as a good part of the product. Here, per strip of {@link #stripPanels} 32-column panels of B
 * (8 for K of 96-256, more for small K, {@link VectorGemm#STRIP} for deeper K; copied into panel layout row by row,
 * {@link #packRows}), every row tile of A runs over the strip's panels, so its six output rows are written a strip's
 * width at a stretch, and
 * the {@code MR x NR} accumulators run over all of K (A's k-blocks one after another) and get the residual,
 * bias and ReLU/Clip in registers before they are stored once ({@link #fusedTile}; until session 6, K past one
 * k-block ({@link VectorGemm#KC}) ran k-block by k-block into C with an epilogue pass on the tile).
 * Rows past the last whole {@link MicroKernel#MR} (16 output channels = 2 x 6 + 4) are computed into a scratch tile
 * and finished in vectors ({@link #finishRows}; value by value, as before, that last tile cost 5-14% of a 16-row
 * layer); columns past the last whole {@link MicroKernel#NR} are computed into the scratch tile from a zero-padded
 * copy of B and finished value by value; a tail of at most one vector (with K within one k-block) runs
 * {@link MicroKernel#narrow}, half the FMAs of the full tile (session 9, ConvPairedProbe, one thread, quiet: 96->576
 * @14x14 0.964, 64->384 @14x14 0.966, 192->64 @14x14 0.873, 16->64 @54x54 0.999; whole MobileNetV2 0.985 and 0.999
 * in the two orders, {@code -Dvinfer.pointwiseNarrowTail=false} to compare; session 5 had measured it 1.26x slower on
 * 16->64 @54x54 with the code of then). Masked vector finishing lost (1.1-1.4x at 55x55). A 14x14 plane's rows start
 * 16 bytes apart from a cache line (196 floats), so most of its vector stores split two lines: 96->576 takes 1490 ns
 * a pixel at 14x14 against 1100 at 16x12.
 * What was tried and lost: reading B in place (row p of a slab at {@code b + p * ldb}, no copy) was 10-30% slower
 * on K = 16-64 than the packed strips; one panel at a time (32 columns of 96 rows, each row on its own page) lost
 * against whole strips. Session 6: packing the next strip a few rows after each tile (software pipelining, so its
 * loads would overlap the FMAs) was 3-7% slower than packing the strip in one pass, hot or with cold caches.
 * With K of at most {@link PointwisePanelSweep#PANEL_LOOP_K} a row tile runs over all of a strip's panels in one call
 * ({@link PointwisePanelSweep#fusedPanels}).
 *
 * <p>Rounding: one running sum over all of K (the general path adds k-block partial sums: the same within the
 * declared (K + 3)-ulp bound), then {@code + res}, {@code + bias}, clamp, in the unfused order.
 */
final class PointwiseKernel {
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private PointwiseKernel() {
    }

    private static final class Scratch {
        final float[] tile = new float[MR * NR];
        float[] slabs = new float[0];
    }

    /** Whether {@link #multiply} can apply {@code e} in registers (identity, ReLU and Clip). */
    static boolean fuses(Epilogue e) {
        return switch (e.kind()) {
            case NONE, RELU, CLIP -> true;
            default -> false;
        };
    }

    /**
     * Rows {@code [r0, r1)} of {@code a} ({@code r0} a multiple of {@link MicroKernel#MR}) times {@code B[K x n]} at
     * {@code b[bOff]} (row stride {@code ldb}); row r's result lands at {@code c[cOff + (r - r0) * ldc]}, gets
     * {@code res[o + resDelta]} added at output index o when res is non-null, then {@code bias[biasOff + r]} when
     * bias is non-null, then {@code e}. Arguments are assumed checked.
     */
    static void multiply(VectorPacked a, int r0, int r1, int n, float[] b, int bOff, int ldb, float[] c, int cOff,
            int ldc, float[] bias, int biasOff, Epilogue e, float[] res, int resDelta) {
        int k = a.cols();
        int kind = switch (e.kind()) {
            case NONE -> 0;
            case RELU -> 1;
            case CLIP -> 2;
            default -> throw new IllegalArgumentException("not fused here: " + e);
        };
        float lo = kind == 2 ? e.min() : 0f;
        float hi = kind == 2 ? e.max() : 0f;
        Scratch s = SCRATCH.get();
        int full = n / NR * NR;
        int strip = stripPanels(k);
        if (s.slabs.length < k * strip * NR) {
            s.slabs = new float[k * strip * NR];
        }
        float[] tb = s.slabs;
        for (int js = 0; js < full; js += strip * NR) {
            int panels = Math.min(strip, (full - js) / NR);
            packRows(b, bOff + js, ldb, k, panels, tb);
            // A row tile's panels side by side: its six output rows are written a strip's width at a stretch.
            for (int r = r0; r < r1; r += MR) {
                if (r1 - r >= MR && k <= a.pointwisePanelLoopK && k <= KC) {
                    // Few input channels: the row tile runs over all of the strip's panels in one call.
                    int ci = cOff + (r - r0) * ldc + js;
                    PointwisePanelSweep.fusedPanels(k, a.data, r * k, tb, panels, c, ci, ldc, bias, biasOff + r, res,
                            ci + resDelta,
                            kind, lo, hi);
                    continue;
                }
                for (int q = 0; q < panels; q++) {
                    int ci = cOff + (r - r0) * ldc + js + q * NR;
                    if (r1 - r >= MR) {
                        fusedTile(k, a.data, a.paddedFree, r, tb, q * k * NR, c, ci, ldc, bias, biasOff + r, res,
                                ci + resDelta, kind, lo, hi);
                    } else {
                        product(k, r1 - r, a.data, a.paddedFree, r, tb, q * k * NR, s.tile, 0, NR);
                        finishRows(s.tile, r1 - r, c, ci, ldc, bias, biasOff + r, res, ci + resDelta, kind, lo, hi);
                    }
                }
            }
        }
        int nt = n - full;
        if (nt > 0) {
            packSlab(b, bOff + full, ldb, k, nt, tb, 0);
            boolean narrow = a.narrowTail && nt <= L && k <= KC;
            for (int r = r0; r < r1; r += MR) {
                if (narrow) {
                    MicroKernel.narrow(k, a.data, r * k, tb, 0, NR, s.tile);
                } else {
                    product(k, Math.min(MR, r1 - r), a.data, a.paddedFree, r, tb, 0, s.tile, 0, NR);
                }
                finish(s.tile, Math.min(MR, r1 - r), nt, c, cOff + (r - r0) * ldc + full, ldc, bias, biasOff + r, e,
                        res, resDelta);
            }
        }
    }

    /**
     * Copies {@code cols < NR} columns of B's {@code k} rows (the column tail) into a slab of {@code k x NR} (row p
     * at {@code p * NR}, the layout of a packed B panel whose k-blocks follow one another), zero-padded.
     */
    private static void packSlab(float[] b, int bOff, int ldb, int k, int cols, float[] slab, int sOff) {
        for (int p = 0; p < k; p++) {
            System.arraycopy(b, bOff + p * ldb, slab, sOff + p * NR, cols);
            java.util.Arrays.fill(slab, sOff + p * NR + cols, sOff + (p + 1) * NR, 0f);
        }
    }

    /**
     * A strip of {@code panels} whole panels of B ({@code b[bOff]} its first column) into their slabs at
     * {@code strip[q * k * NR]}, row by row: each source row is read in one run of {@code panels * NR} floats
     * (panel by panel, 32 floats from each of K planes in turn, was 2-5% slower on 256->64 @56x56). Two vector
     * moves a row and panel: {@code System.arraycopy}'s call overhead, paid per 32 floats, cost more.
     */
    private static void packRows(float[] b, int bOff, int ldb, int k, int panels, float[] strip) {
        for (int p = 0; p < k; p++) {
            int src = bOff + p * ldb;
            int dst = p * NR;
            for (int q = 0; q < panels; q++, src += NR, dst += k * NR) {
                FloatVector.fromArray(S, b, src).intoArray(strip, dst);
                FloatVector.fromArray(S, b, src + L).intoArray(strip, dst + L);
            }
        }
    }

    /**
     * Bytes of packed B per strip ({@code -Dvinfer.pointwiseStripBytes}, default 64 KiB): the strip is
     * {@code max(STRIP, STRIP_BYTES / (K * NR * 4))} panels wide, and at least {@link #WIDE_PANELS} while that keeps
     * it within {@link #WIDE_BYTES}. With few input channels it is wide (K = 16: 32 panels, 1024 columns), so each B
     * row is read and each output row written in runs of 2-4 KiB rather than 512 bytes: the hardware prefetchers
     * follow those, and the output of a 16->96 layer at 112x112 (4.8 MB) leaves the core with fewer stalls. The
     * packed strip then lives in L2 rather than L1, which the tile's 2 loads per 12 FMAs do not notice. Paired
     * probe, one thread, load 16, median CPU time vs 4-panel strips: 16->96 @112x112 0.80-0.83 (32, 64 and 128 KiB
     * alike), 32->16 @112x112 0.80-1.0, 24->144 @56x56 0.95-0.99.
     */
    static final int STRIP_BYTES = Integer.getInteger("vinfer.pointwiseStripBytes", 64 * 1024);

    /**
     * Panels a strip gets at least when it fits {@link #WIDE_BYTES} (K up to 256): 8 panels are 1 KiB runs per B
     * row. Session 6, paired probe (ConvPairedProbe, one thread, load 13-16, CPU-time medians vs 4-panel strips
     * packed panel by panel): 256->64 @56x56 0.91-0.93 hot and cold (16 panels: 0.95-0.97), 256->128 @56x56
     * 0.96, 128->512 @28x28 0.98-1.0; 512->128 @28x28 (K = 512 keeps 4 panels) 0.98-1.0 from the row-wise packing.
     */
    static final int WIDE_PANELS = 2 * STRIP;
    /** Most bytes of packed B a strip is widened to for {@link #WIDE_PANELS} (256 KiB: a quarter of L2). */
    static final int WIDE_BYTES = 256 * 1024;

    /** Panels per strip for reduction length k (see {@link #STRIP_BYTES}). */
    static int stripPanels(int k) {
        int slab = k * NR * Float.BYTES;
        int panels = Math.max(STRIP, STRIP_BYTES / slab);
        return WIDE_PANELS * slab <= WIDE_BYTES ? Math.max(panels, WIDE_PANELS) : panels;
    }

    /**
     * The first {@code mr < MR} rows of a full-width scratch tile ({@code MR x NR}, rows {@code NR} apart) to C with
     * residual, bias and activation in vectors, as {@link #epilogue}.
     */
    private static void finishRows(float[] tile, int mr, float[] c, int ci, int ldc, float[] bias, int biasRow,
            float[] res, int ri, int kind, float lo, float hi) {
        FloatVector l = FloatVector.broadcast(S, lo);
        FloatVector h = FloatVector.broadcast(S, hi);
        for (int i = 0; i < mr; i++) {
            int o = ci + i * ldc;
            FloatVector v0 = FloatVector.fromArray(S, tile, i * NR);
            FloatVector v1 = FloatVector.fromArray(S, tile, i * NR + L);
            if (res != null) {
                v0 = v0.add(FloatVector.fromArray(S, res, ri + i * ldc));
                v1 = v1.add(FloatVector.fromArray(S, res, ri + i * ldc + L));
            }
            if (bias != null) {
                FloatVector bv = FloatVector.broadcast(S, bias[biasRow + i]);
                v0 = v0.add(bv);
                v1 = v1.add(bv);
            }
            if (kind != 0) {
                v0 = v0.max(l);
                v1 = v1.max(l);
                if (kind == 2) {
                    v0 = v0.min(h);
                    v1 = v1.min(h);
                }
            }
            v0.intoArray(c, o);
            v1.intoArray(c, o + L);
        }
    }

    /** Copies the valid {@code mr x nr} part of a raw scratch tile to C, with residual, bias and epilogue. */
    private static void finish(float[] tile, int mr, int nr, float[] c, int ci, int ldc, float[] bias, int biasRow,
            Epilogue e, float[] res, int resDelta) {
        for (int i = 0; i < mr; i++) {
            int row = ci + i * ldc;
            float bv = bias == null ? 0f : bias[biasRow + i];
            for (int j = 0; j < nr; j++) {
                float v = tile[i * NR + j];
                if (res != null) {
                    v += res[row + j + resDelta];
                }
                c[row + j] = e.apply(v + bv);
            }
        }
    }

    /**
     * The first {@code rows} rows (at least, all six when {@code rows > 4}) of an {@code MR x NR} tile over all of
     * K into {@code c[ci]} (rows {@code ldc} apart): A's k-blocks one after another through {@link MicroKernel#tile}
     * or, for at most four rows, {@link MicroKernel#tile4} (the last tile of 64 = 10 x 6 + 4 or 128 = 21 x 6 + 2
     * output channels: two thirds of the FMAs); the first k-block stores, later ones add. B is a packed slab
     * ({@code K x NR}, row p at {@code b[bi + p * NR]}).
     */
    private static void product(int k, int rows, float[] a, int paddedFree, int row, float[] b, int bi, float[] c,
            int ci, int ldc) {
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            if (rows <= 4) {
                MicroKernel.tile4(kc, a, pc * paddedFree + row * kc, b, bi + pc * NR, NR, c, ci, ldc, pc > 0);
            } else {
                MicroKernel.tile(kc, a, pc * paddedFree + row * kc, b, bi + pc * NR, NR, c, ci, ldc, pc > 0);
            }
        }
    }

    /**
     * {@link MicroKernel#tile} over all of K with the epilogue applied to the accumulators before the only store:
     * the tile's rows from {@code row} of the packed A (k-block at {@code pc} at {@code pc * paddedFree}, panel
     * {@code a[pc * paddedFree + row * kc + p * MR + r]}), B a slab {@code b[bi + p * NR + j]} over all of K. The
     * accumulators stay in registers across k-blocks: for K past one k-block (512->128 @28x28, MobileNetV2's 576
     * and 960) C is written once instead of once per k-block and then again by an epilogue pass.
     */
    private static void fusedTile(int k, float[] a, int paddedFree, int row, float[] b, int bi, float[] c, int ci,
            int ldc, float[] bias, int biasRow, float[] res, int ri, int kind, float lo, float hi) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c40 = c00;
        FloatVector c41 = c00;
        FloatVector c50 = c00;
        FloatVector c51 = c00;
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            int ai = pc * paddedFree + row * kc;
            int bk = bi + pc * NR;
            for (int p = 0; p < kc; p++) {
                int bp = bk + p * NR;
                int ap = ai + p * MR;
                FloatVector b0 = FloatVector.fromArray(S, b, bp);
                FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
                FloatVector av = FloatVector.broadcast(S, a[ap]);
                c00 = av.fma(b0, c00);
                c01 = av.fma(b1, c01);
                av = FloatVector.broadcast(S, a[ap + 1]);
                c10 = av.fma(b0, c10);
                c11 = av.fma(b1, c11);
                av = FloatVector.broadcast(S, a[ap + 2]);
                c20 = av.fma(b0, c20);
                c21 = av.fma(b1, c21);
                av = FloatVector.broadcast(S, a[ap + 3]);
                c30 = av.fma(b0, c30);
                c31 = av.fma(b1, c31);
                av = FloatVector.broadcast(S, a[ap + 4]);
                c40 = av.fma(b0, c40);
                c41 = av.fma(b1, c41);
                av = FloatVector.broadcast(S, a[ap + 5]);
                c50 = av.fma(b0, c50);
                c51 = av.fma(b1, c51);
            }
        }
        int r1 = ci + ldc;
        int r2 = r1 + ldc;
        int r3 = r2 + ldc;
        int r4 = r3 + ldc;
        int r5 = r4 + ldc;
        if (res != null) {
            int d = ri - ci;
            c00 = c00.add(FloatVector.fromArray(S, res, ci + d));
            c01 = c01.add(FloatVector.fromArray(S, res, ci + d + L));
            c10 = c10.add(FloatVector.fromArray(S, res, r1 + d));
            c11 = c11.add(FloatVector.fromArray(S, res, r1 + d + L));
            c20 = c20.add(FloatVector.fromArray(S, res, r2 + d));
            c21 = c21.add(FloatVector.fromArray(S, res, r2 + d + L));
            c30 = c30.add(FloatVector.fromArray(S, res, r3 + d));
            c31 = c31.add(FloatVector.fromArray(S, res, r3 + d + L));
            c40 = c40.add(FloatVector.fromArray(S, res, r4 + d));
            c41 = c41.add(FloatVector.fromArray(S, res, r4 + d + L));
            c50 = c50.add(FloatVector.fromArray(S, res, r5 + d));
            c51 = c51.add(FloatVector.fromArray(S, res, r5 + d + L));
        }
        if (bias != null) {
            FloatVector bv = FloatVector.broadcast(S, bias[biasRow]);
            c00 = c00.add(bv);
            c01 = c01.add(bv);
            bv = FloatVector.broadcast(S, bias[biasRow + 1]);
            c10 = c10.add(bv);
            c11 = c11.add(bv);
            bv = FloatVector.broadcast(S, bias[biasRow + 2]);
            c20 = c20.add(bv);
            c21 = c21.add(bv);
            bv = FloatVector.broadcast(S, bias[biasRow + 3]);
            c30 = c30.add(bv);
            c31 = c31.add(bv);
            bv = FloatVector.broadcast(S, bias[biasRow + 4]);
            c40 = c40.add(bv);
            c41 = c41.add(bv);
            bv = FloatVector.broadcast(S, bias[biasRow + 5]);
            c50 = c50.add(bv);
            c51 = c51.add(bv);
        }
        if (kind != 0) {
            // max/min keep NaN, as Math.max/min and the unfused epilogue do. Called as lanewise(MAX/MIN) on this
            // method's own call sites: FloatVector.min(v) is lanewise(MIN, v) inside the JDK, and one MobileNetV2
            // JVM compiled that inner call as virtual (no profile data at FloatVector.min's bytecode, which all
            // callers share), boxing all 24 vectors of every tile.
            FloatVector l = FloatVector.broadcast(S, lo);
            FloatVector h = FloatVector.broadcast(S, kind == 2 ? hi : Float.POSITIVE_INFINITY);
            c00 = c00.lanewise(VectorOperators.MAX, l).lanewise(VectorOperators.MIN, h);
            c01 = c01.lanewise(VectorOperators.MAX, l).lanewise(VectorOperators.MIN, h);
            c10 = c10.lanewise(VectorOperators.MAX, l).lanewise(VectorOperators.MIN, h);
            c11 = c11.lanewise(VectorOperators.MAX, l).lanewise(VectorOperators.MIN, h);
            c20 = c20.lanewise(VectorOperators.MAX, l).lanewise(VectorOperators.MIN, h);
            c21 = c21.lanewise(VectorOperators.MAX, l).lanewise(VectorOperators.MIN, h);
            c30 = c30.lanewise(VectorOperators.MAX, l).lanewise(VectorOperators.MIN, h);
            c31 = c31.lanewise(VectorOperators.MAX, l).lanewise(VectorOperators.MIN, h);
            c40 = c40.lanewise(VectorOperators.MAX, l).lanewise(VectorOperators.MIN, h);
            c41 = c41.lanewise(VectorOperators.MAX, l).lanewise(VectorOperators.MIN, h);
            c50 = c50.lanewise(VectorOperators.MAX, l).lanewise(VectorOperators.MIN, h);
            c51 = c51.lanewise(VectorOperators.MAX, l).lanewise(VectorOperators.MIN, h);
        }
        c00.intoArray(c, ci);
        c01.intoArray(c, ci + L);
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + L);
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + L);
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + L);
        c40.intoArray(c, r4);
        c41.intoArray(c, r4 + L);
        c50.intoArray(c, r5);
        c51.intoArray(c, r5 + L);
    }
}
