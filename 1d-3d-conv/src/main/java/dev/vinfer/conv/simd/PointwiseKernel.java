package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.MR;
import static dev.vinfer.conv.simd.MicroKernel.NR;
import static dev.vinfer.conv.simd.MicroKernel.S;
import static dev.vinfer.conv.simd.VectorGemm.KC;
import static dev.vinfer.conv.simd.VectorGemm.STRIP;

import dev.vinfer.conv.Epilogue;
import jdk.incubator.vector.FloatVector;

/**
 * The product of a 1x1 convolution with its epilogue fused: {@code C = act(A x B + res + bias)} for a prepacked A
 * (the weights, {@code M x K}) and a B that is the activation itself ({@code K x n}, rows {@code ldb} apart: the
 * channel planes of an NCHW image).
 *
 * <p>Why not the general GEMM ({@link VectorGemm}) followed by row passes: with the few input channels of
 * MobileNet-style layers (K = 16-192) each output value costs only K multiply-adds, so the passes around the
 * product weigh as much as the product itself. The general path copies B into packed strips, stores C, and then
 * reads and writes every output row again for the residual and again for bias and activation (the output of a
 * 16->96 layer at 112x112 is 4.8 MB: those passes run from L3). Here:
 * <ul>
 * <li>B is read in place: a {@code MR x NR} tile loads row p of B's 32-column slab at {@code b + p * ldb}, the
 * same two vectors a packed panel would give, only {@code ldb} apart instead of adjacent. The slab ({@code K x NR}
 * floats) is reused by every row tile while it is hot in L1/L2;</li>
 * <li>the accumulators run over the whole K (A's k-blocks of {@link VectorGemm#KC} one after another), so each tile
 * of C is written once, with the residual, bias and a ReLU/Clip applied in registers.</li>
 * </ul>
 * Columns past the last whole {@link MicroKernel#NR} and rows past the last whole {@link MicroKernel#MR} are
 * computed into a scratch tile (the tail columns from a zero-padded copy of B) and finished value by value.
 *
 * <p>Rounding: the sum over K is one FMA chain per output (the general path adds k-block partial sums), then
 * {@code + res}, {@code + bias}, clamp, as in the unfused order.
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
        if (s.slabs.length < k * STRIP * NR) {
            s.slabs = new float[k * STRIP * NR];
        }
        float[] tb = s.slabs;
        for (int js = 0; js < full; js += STRIP * NR) {
            int panels = Math.min(STRIP, (full - js) / NR);
            for (int q = 0; q < panels; q++) {
                packSlab(b, bOff + js + q * NR, ldb, k, NR, tb, q * k * NR);
            }
            // A row tile's panels side by side: its six output rows are written 128 floats at a stretch.
            for (int r = r0; r < r1; r += MR) {
                for (int q = 0; q < panels; q++) {
                    int ci = cOff + (r - r0) * ldc + js + q * NR;
                    if (r1 - r >= MR) {
                        product(k, a.data, a.paddedFree, r, tb, q * k * NR, c, ci, ldc);
                        epilogue(c, ci, ldc, bias, biasOff + r, res, ci + resDelta, kind, lo, hi);
                    } else {
                        product(k, a.data, a.paddedFree, r, tb, q * k * NR, s.tile, 0, NR);
                        finish(s.tile, r1 - r, NR, c, ci, ldc, bias, biasOff + r, e, res, resDelta);
                    }
                }
            }
        }
        int nt = n - full;
        if (nt > 0) {
            packSlab(b, bOff + full, ldb, k, nt, tb, 0);
            for (int r = r0; r < r1; r += MR) {
                product(k, a.data, a.paddedFree, r, tb, 0, s.tile, 0, NR);
                finish(s.tile, Math.min(MR, r1 - r), nt, c, cOff + (r - r0) * ldc + full, ldc, bias, biasOff + r, e,
                        res, resDelta);
            }
        }
    }

    /**
     * Copies {@code cols <= NR} columns of B's {@code k} rows into a slab of {@code k x NR} (row p at
     * {@code p * NR}, the layout of a packed B panel whose k-blocks follow one another), zero-padded.
     */
    private static void packSlab(float[] b, int bOff, int ldb, int k, int cols, float[] slab, int sOff) {
        if (cols == NR) {
            // Two vector moves a row: System.arraycopy's call overhead, paid per 32-float row, cost more.
            for (int p = 0, src = bOff, dst = sOff; p < k; p++, src += ldb, dst += NR) {
                FloatVector.fromArray(S, b, src).intoArray(slab, dst);
                FloatVector.fromArray(S, b, src + L).intoArray(slab, dst + L);
            }
            return;
        }
        for (int p = 0; p < k; p++) {
            System.arraycopy(b, bOff + p * ldb, slab, sOff + p * NR, cols);
            java.util.Arrays.fill(slab, sOff + p * NR + cols, sOff + (p + 1) * NR, 0f);
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
     * One {@code MR x NR} tile over all of K into {@code c[ci]} (rows {@code ldc} apart): A's k-blocks one after
     * another through {@link MicroKernel#tile} (the first stores, later ones add), B a packed slab ({@code K x NR},
     * row p at {@code b[bi + p * NR]}).
     */
    private static void product(int k, float[] a, int paddedFree, int row, float[] b, int bi, float[] c, int ci,
            int ldc) {
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            MicroKernel.tile(kc, a, pc * paddedFree + row * kc, b, bi + pc * NR, c, ci, ldc, pc > 0);
        }
    }

    /**
     * The epilogue of one full tile just written by {@link #product} (so still in L1): residual (if res is
     * non-null, at {@code ri}), bias (if non-null), then kind 1 clamps at {@code lo}, kind 2 to {@code [lo, hi]}.
     */
    private static void epilogue(float[] c, int ci, int ldc, float[] bias, int biasRow, float[] res, int ri,
            int kind, float lo, float hi) {
        FloatVector l = FloatVector.broadcast(S, lo);
        FloatVector h = FloatVector.broadcast(S, hi);
        for (int i = 0; i < MR; i++) {
            int o = ci + i * ldc;
            FloatVector v0 = FloatVector.fromArray(S, c, o);
            FloatVector v1 = FloatVector.fromArray(S, c, o + L);
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
                // max/min keep NaN, as Math.max/min and the unfused epilogue do.
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
}
