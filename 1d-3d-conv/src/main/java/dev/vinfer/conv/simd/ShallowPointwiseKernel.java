package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.MR;
import static dev.vinfer.conv.simd.MicroKernel.S;

import jdk.incubator.vector.FloatVector;

/**
 * A 1x1 convolution with few input and few output channels on a big plane (MobileNetV2's 32->16 projection at
 * 112x112): {@code C = act(A x B + res + bias)} with B, the activation, read where it lies (rows {@code ldb} apart),
 * no packed copy.
 *
 * <p>Why not {@link PointwiseKernel}: with K = 32 each output value costs only 32 multiply-adds, while that kernel
 * first copies B into packed strips (a read and a write of the whole input) and runs its 6-row tiles over 16 output
 * rows as 6 + 6 + 4, the last tile computed into scratch and copied out. Here, per block of {@link #blockPixels}
 * columns ({@code K x block} floats of B, 16 KiB), each 8-row group runs its {@code 8 x 2L} accumulators over the
 * block's columns, B read in place (the first group from memory, later ones from L1), weights broadcast from a
 * small per-thread copy laid out 8 rows side by side; residual, bias and activation are applied in registers before
 * the only store. Rows past the last whole 8 run one at a time; columns past the last whole {@code 2L} value by value.
 *
 * <p>Measured (ConvPairedProbe, one thread, CPU time, load 10, vs the packed-strip kernel): 32 -> 16 @112x112 0.75;
 * the same tiles over a packed copy of B 0.86-0.92; 16 -> 96 @112x112 (M = 96) 1.06-1.16, so M stays at most
 * {@link #MAX_M}. (A first version applying the epilogue through a helper per vector ran 1.35-1.4x slower: C2 would
 * not inline the helper 16 times into the tile and boxed the vectors.)
 *
 * <p>Rounding: each output is {@code sum_p a[r][p] * b[p][j]} accumulated by FMA in order p = 0, 1, ..., then
 * {@code + res}, {@code + bias}, clamp: the same operations in the same order as {@link PointwiseKernel}'s one-k-block
 * path (K at most {@link VectorGemm#KC}), so the two agree bit for bit.
 */
final class ShallowPointwiseKernel {
    /** Largest reduction length taken ({@code -Dvinfer.shallowPointwiseK}, default 32; 0 turns the kernel off). */
    static final int MAX_K = Integer.getInteger("vinfer.shallowPointwiseK", 32);
    /** Most output rows (per call) taken: past that the packed strips of {@link PointwiseKernel} amortise. */
    static final int MAX_M = Integer.getInteger("vinfer.shallowPointwiseM", 24);
    /** Fewest columns: on small planes the other kernel's scratch-tile overhead is small anyway. */
    static final int MIN_N = 1024;

    private static final int ROWS = 8;
    private static final int NW = 2 * L;

    private ShallowPointwiseKernel() {
    }

    /** Whether this kernel takes a product of {@code m} rows, reduction length {@code k} and {@code n} columns. */
    static boolean applies(int m, int k, int n) {
        return k <= MAX_K && k <= VectorGemm.KC && m <= MAX_M && n >= MIN_N;
    }

    /** Columns per block of B for reduction length k: {@code K x block} floats in about 16 KiB (L1). */
    static int blockPixels(int k) {
        return Math.max(NW, BLOCK_FLOATS / k / NW * NW);
    }

    /** Floats of B per block ({@code -Dvinfer.shallowPointwiseBlock}); 4096 and 16384 measured alike. */
    static final int BLOCK_FLOATS = Integer.getInteger("vinfer.shallowPointwiseBlock", 4096);
    private static final ThreadLocal<float[][]> WEIGHTS = ThreadLocal.withInitial(() -> new float[1][0]);

    /**
     * As {@link PointwiseKernel#multiply}: rows {@code [r0, r1)} of the packed {@code a} (one k-block) times
     * {@code B[K x n]} at {@code b[bOff]}, results at {@code c[cOff + (r - r0) * ldc]}; {@code kind} 0 none,
     * 1 ReLU (clamp at lo), 2 Clip to {@code [lo, hi]}. Arguments are assumed checked.
     */
    static void multiply(VectorPacked a, int r0, int r1, int n, float[] b, int bOff, int ldb, float[] c, int cOff,
            int ldc, float[] bias, int biasOff, float[] res, int resDelta, int kind, float lo, float hi) {
        int k = a.cols();
        float[][] holder = WEIGHTS.get();
        int m = r1 - r0;
        if (holder[0].length < m * k) {
            holder[0] = new float[Math.max(m * k, MAX_M * MAX_K)];
        }
        float[] w = holder[0];
        // Rows r0.. of the packed A (one k-block, MR-row panels) as 8-row groups, weight p of group row i at
        // p * 8 + i, rows past the last whole group one after another: the FMAs' broadcasts read consecutive floats.
        int groups = m / ROWS;
        for (int i = 0; i < m; i++) {
            int src = weightBase(r0 + i, k);
            int g = i / ROWS;
            int dst = g < groups ? g * ROWS * k + i % ROWS : groups * ROWS * k + (i - groups * ROWS) * k;
            int step = g < groups ? ROWS : 1;
            for (int p = 0; p < k; p++) {
                w[dst + p * step] = a.data[src + p * MR];
            }
        }
        int full = n / NW * NW;
        int block = blockPixels(k);
        float h = kind == 2 ? hi : Float.POSITIVE_INFINITY;
        for (int j0 = 0; j0 < full; j0 += block) {
            int j1 = Math.min(full, j0 + block);
            int r = r0;
            for (; r + ROWS <= r1; r += ROWS) {
                int ci = cOff + (r - r0) * ldc;
                for (int j = j0; j < j1; j += NW) {
                    eightRows(k, w, (r - r0) * k, b, bOff + j, ldb, c, ci + j, ldc, bias, biasOff + r, res, resDelta,
                            kind, lo, h);
                }
            }
            for (; r < r1; r++) {
                int ci = cOff + (r - r0) * ldc;
                for (int j = j0; j < j1; j += NW) {
                    oneRow(k, w, (r - r0) * k, b, bOff + j, ldb, c, ci + j, bias, biasOff + r, res, resDelta, kind, lo,
                            h);
                }
            }
        }
        for (int r = r0; r < r1; r++) {
            int i = r - r0;
            int base = i < groups * ROWS ? i / ROWS * ROWS * k + i % ROWS : i * k;
            int step = i < groups * ROWS ? ROWS : 1;
            int ci = cOff + (r - r0) * ldc;
            for (int j = full; j < n; j++) {
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    s = Math.fma(w[base + p * step], b[bOff + p * ldb + j], s);
                }
                if (res != null) {
                    s += res[ci + j + resDelta];
                }
                if (bias != null) {
                    s += bias[biasOff + r];
                }
                if (kind != 0) {
                    s = Math.min(Math.max(s, lo), h);
                }
                c[ci + j] = s;
            }
        }
    }

    /** Where row r's weight for p = 0 lies in a one-k-block packed A (weight p at {@code + p * MR}). */
    private static int weightBase(int r, int k) {
        return r / MR * MR * k + r % MR;
    }

    /** One output row; its weights at {@code w[wi + p]}. */
    private static void oneRow(int k, float[] w, int wi, float[] b, int bi, int ldb, float[] c, int ci,
            float[] bias, int biasRow, float[] res, int resDelta, int kind, float lo, float hi) {
        FloatVector c0 = FloatVector.zero(S);
        FloatVector c1 = c0;
        for (int p = 0, bp = bi; p < k; p++, bp += ldb) {
            FloatVector av = FloatVector.broadcast(S, w[wi + p]);
            c0 = av.fma(FloatVector.fromArray(S, b, bp), c0);
            c1 = av.fma(FloatVector.fromArray(S, b, bp + L), c1);
        }
        if (res != null) {
            c0 = c0.add(FloatVector.fromArray(S, res, ci + resDelta));
            c1 = c1.add(FloatVector.fromArray(S, res, ci + resDelta + L));
        }
        if (bias != null) {
            FloatVector bv = FloatVector.broadcast(S, bias[biasRow]);
            c0 = c0.add(bv);
            c1 = c1.add(bv);
        }
        if (kind != 0) {
            FloatVector l = FloatVector.broadcast(S, lo);
            FloatVector h = FloatVector.broadcast(S, hi);
            c0 = c0.max(l).min(h);
            c1 = c1.max(l).min(h);
        }
        c0.intoArray(c, ci);
        c1.intoArray(c, ci + L);
    }

    /** Eight output rows; weight p of row i at {@code w[wi + p * 8 + i]}. */
    private static void eightRows(int k, float[] w, int wi, float[] b, int bi, int ldb, float[] c, int ci, int ldc,
            float[] bias, int biasRow, float[] res, int resDelta, int kind, float lo, float hi) {
        java.util.Objects.checkFromIndexSize(wi, k * ROWS, w.length);
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
        FloatVector c60 = c00;
        FloatVector c61 = c00;
        FloatVector c70 = c00;
        FloatVector c71 = c00;
        for (int p = 0, bp = bi, q = wi; p < k; p++, bp += ldb, q += ROWS) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector av = FloatVector.broadcast(S, w[q]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, w[q + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, w[q + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, w[q + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, w[q + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, w[q + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(S, w[q + 6]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(S, w[q + 7]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
        }
        // The epilogue written out (a helper per vector was too large for C2 to inline, and boxed).
        if (res != null) {
            int q0 = ci + resDelta;
            c00 = c00.add(FloatVector.fromArray(S, res, q0));
            c01 = c01.add(FloatVector.fromArray(S, res, q0 + L));
            int q1 = ci + 1 * ldc + resDelta;
            c10 = c10.add(FloatVector.fromArray(S, res, q1));
            c11 = c11.add(FloatVector.fromArray(S, res, q1 + L));
            int q2 = ci + 2 * ldc + resDelta;
            c20 = c20.add(FloatVector.fromArray(S, res, q2));
            c21 = c21.add(FloatVector.fromArray(S, res, q2 + L));
            int q3 = ci + 3 * ldc + resDelta;
            c30 = c30.add(FloatVector.fromArray(S, res, q3));
            c31 = c31.add(FloatVector.fromArray(S, res, q3 + L));
            int q4 = ci + 4 * ldc + resDelta;
            c40 = c40.add(FloatVector.fromArray(S, res, q4));
            c41 = c41.add(FloatVector.fromArray(S, res, q4 + L));
            int q5 = ci + 5 * ldc + resDelta;
            c50 = c50.add(FloatVector.fromArray(S, res, q5));
            c51 = c51.add(FloatVector.fromArray(S, res, q5 + L));
            int q6 = ci + 6 * ldc + resDelta;
            c60 = c60.add(FloatVector.fromArray(S, res, q6));
            c61 = c61.add(FloatVector.fromArray(S, res, q6 + L));
            int q7 = ci + 7 * ldc + resDelta;
            c70 = c70.add(FloatVector.fromArray(S, res, q7));
            c71 = c71.add(FloatVector.fromArray(S, res, q7 + L));
        }
        if (bias != null) {
            FloatVector v0 = FloatVector.broadcast(S, bias[biasRow + 0]);
            c00 = c00.add(v0);
            c01 = c01.add(v0);
            FloatVector v1 = FloatVector.broadcast(S, bias[biasRow + 1]);
            c10 = c10.add(v1);
            c11 = c11.add(v1);
            FloatVector v2 = FloatVector.broadcast(S, bias[biasRow + 2]);
            c20 = c20.add(v2);
            c21 = c21.add(v2);
            FloatVector v3 = FloatVector.broadcast(S, bias[biasRow + 3]);
            c30 = c30.add(v3);
            c31 = c31.add(v3);
            FloatVector v4 = FloatVector.broadcast(S, bias[biasRow + 4]);
            c40 = c40.add(v4);
            c41 = c41.add(v4);
            FloatVector v5 = FloatVector.broadcast(S, bias[biasRow + 5]);
            c50 = c50.add(v5);
            c51 = c51.add(v5);
            FloatVector v6 = FloatVector.broadcast(S, bias[biasRow + 6]);
            c60 = c60.add(v6);
            c61 = c61.add(v6);
            FloatVector v7 = FloatVector.broadcast(S, bias[biasRow + 7]);
            c70 = c70.add(v7);
            c71 = c71.add(v7);
        }
        if (kind != 0) {
            // max/min keep NaN, as Math.max/min and the unfused epilogue do.
            FloatVector l = FloatVector.broadcast(S, lo);
            FloatVector h = FloatVector.broadcast(S, hi);
            c00 = c00.max(l).min(h);
            c01 = c01.max(l).min(h);
            c10 = c10.max(l).min(h);
            c11 = c11.max(l).min(h);
            c20 = c20.max(l).min(h);
            c21 = c21.max(l).min(h);
            c30 = c30.max(l).min(h);
            c31 = c31.max(l).min(h);
            c40 = c40.max(l).min(h);
            c41 = c41.max(l).min(h);
            c50 = c50.max(l).min(h);
            c51 = c51.max(l).min(h);
            c60 = c60.max(l).min(h);
            c61 = c61.max(l).min(h);
            c70 = c70.max(l).min(h);
            c71 = c71.max(l).min(h);
        }
        c00.intoArray(c, ci);
        c01.intoArray(c, ci + L);
        c10.intoArray(c, ci + 1 * ldc);
        c11.intoArray(c, ci + 1 * ldc + L);
        c20.intoArray(c, ci + 2 * ldc);
        c21.intoArray(c, ci + 2 * ldc + L);
        c30.intoArray(c, ci + 3 * ldc);
        c31.intoArray(c, ci + 3 * ldc + L);
        c40.intoArray(c, ci + 4 * ldc);
        c41.intoArray(c, ci + 4 * ldc + L);
        c50.intoArray(c, ci + 5 * ldc);
        c51.intoArray(c, ci + 5 * ldc + L);
        c60.intoArray(c, ci + 6 * ldc);
        c61.intoArray(c, ci + 6 * ldc + L);
        c70.intoArray(c, ci + 7 * ldc);
        c71.intoArray(c, ci + 7 * ldc + L);
    }
}
