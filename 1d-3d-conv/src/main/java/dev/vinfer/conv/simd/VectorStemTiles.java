package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import dev.vinfer.conv.GemmChecks;
import dev.vinfer.conv.StemTiles;
import dev.vinfer.conv.StemTilesChecks;
import java.util.Objects;
import jdk.incubator.vector.FloatVector;

/**
 * {@link StemTiles} on the Vector API: a register tile of {@link #MR} output channels x {@link #SLOTS} slots (one
 * vector of output pixels each) accumulates over every tap, reading each tap's input vectors straight from the
 * phase-split input (three unaligned loads per tap) and broadcasting the tap's {@code MR} weights: 24 FMAs per
 * 3 + 8 loads with 16 lanes, 24 accumulators + 3 input vectors + 1 weight of AVX-512's 32 registers. Each output
 * vector is written once, from the bias and clamped on the way out.
 *
 * <p>Against {@code VectorPanelGemm} (the same products as an 8 x 2-vector GEMM tile on packed {@code k x 32}
 * panels) this has no panel to pack (for the 7x7 stem 147 taps x 2 vectors copied per 32 pixels, read back by every
 * row tile) and one more pixel vector per tile. Slots are swept in bands ({@link #BAND} slots, about 1000 pixels)
 * with every channel block inside a band, so the band's input rows stay in L1/L2 while all channels use them and
 * each channel's output is written as runs of the band's rows (bands of 24-252 slots measured alike within the
 * noise; 63 read best with the output cold, bench/README.md "Stems, session 9").
 *
 * <p>With narrower vectors (AVX2's 16 registers) the tile is 4 channels. Channel counts that are not a multiple of
 * the tile are computed into a scratch tile (zero weights past m) and the real rows copied out.
 */
final class VectorStemTiles implements StemTiles {
    /** Output channels per register tile. */
    static final int MR = L >= 16 ? 8 : 4;
    /** Slots (pixel vectors) per register tile. */
    static final int SLOTS = 3;
    /** Slots per band: all channel blocks run over one band before the next (a multiple of SLOTS). */
    static final int BAND = Math.max(1, Integer.getInteger("vinfer.stemDirect.band", 63) / SLOTS) * SLOTS;

    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[MR * SLOTS * L]);

    private final int m;
    private final int k;
    private final int mp;
    /** Channel blocks of MR, each tap-major: weight (i, p) at {@code (i / MR) * MR * k + p * MR + i % MR}. */
    private final float[] a;
    /** mp biases, zero past m. */
    private final float[] bias;

    VectorStemTiles(int m, int k, float[] w, int wOff, float[] bias) {
        GemmChecks.dims(m, 0, k);
        Objects.checkFromIndexSize(wOff, Math.multiplyExact(m, k), w.length);
        if (bias != null && bias.length < m) {
            throw new IllegalArgumentException(bias.length + " biases for " + m + " rows");
        }
        this.m = m;
        this.k = k;
        this.mp = Math.ceilDiv(m, MR) * MR;
        this.a = new float[Math.multiplyExact(mp, k)];
        for (int i = 0; i < m; i++) {
            int block = i / MR * MR * k + i % MR;
            for (int p = 0; p < k; p++) {
                a[block + p * MR] = w[wOff + i * k + p];
            }
        }
        this.bias = new float[mp];
        if (bias != null) {
            System.arraycopy(bias, 0, this.bias, 0, m);
        }
    }

    @Override
    public int width() {
        return L;
    }

    @Override
    public int rows() {
        return m;
    }

    @Override
    public int depth() {
        return k;
    }

    @Override
    public void run(float[] src, int srcOff, int[] tapOff, int[] slotSrc, int[] slotDst, int s0, int s1, float[] c,
            int cOff, int ldc, float lo, float hi) {
        StemTilesChecks.check(this, src, srcOff, tapOff, slotSrc, slotDst, s0, s1, c, cOff, ldc);
        // Which tile kernel, decided once per call: ReLU or nothing as a max only (a min with +infinity on every
        // store costs at short reductions, see VectorPanelGemm.tile8).
        boolean plain = MR == 8 && hi == Float.POSITIVE_INFINITY && (lo == 0f || lo == Float.NEGATIVE_INFINITY);
        boolean relu = lo == 0f;
        float[] scratch = SCRATCH.get();
        for (int b0 = s0; b0 < s1; b0 += BAND) {
            int b1 = Math.min(s1, b0 + BAND);
            for (int ir = 0; ir < mp; ir += MR) {
                int rows = Math.min(MR, m - ir);
                int ai = ir * k;
                for (int s = b0; s < b1; s += SLOTS) {
                    // A band's last tile repeats its last slot where slots run out (same values stored twice).
                    int i1 = Math.min(s + 1, b1 - 1);
                    int i2 = Math.min(s + 2, b1 - 1);
                    int x0 = srcOff + slotSrc[s];
                    int x1 = srcOff + slotSrc[i1];
                    int x2 = srcOff + slotSrc[i2];
                    if (rows == MR) {
                        int row = cOff + ir * ldc;
                        if (plain) {
                            tile8(src, tapOff, ai, ir, x0, x1, x2, c, row + slotDst[s], row + slotDst[i1],
                                    row + slotDst[i2], ldc, relu);
                        } else if (MR == 8) {
                            tile8Clamped(src, tapOff, ai, ir, x0, x1, x2, c, row + slotDst[s], row + slotDst[i1],
                                    row + slotDst[i2], ldc, lo, hi);
                        } else {
                            tile4Clamped(src, tapOff, ai, ir, x0, x1, x2, c, row + slotDst[s], row + slotDst[i1],
                                    row + slotDst[i2], ldc, lo, hi);
                        }
                        continue;
                    }
                    int pitch = SLOTS * L;
                    if (MR == 8) {
                        tile8Clamped(src, tapOff, ai, ir, x0, x1, x2, scratch, 0, L, 2 * L, pitch, lo, hi);
                    } else {
                        tile4Clamped(src, tapOff, ai, ir, x0, x1, x2, scratch, 0, L, 2 * L, pitch, lo, hi);
                    }
                    for (int r = 0; r < rows; r++) {
                        int row = cOff + (ir + r) * ldc;
                        System.arraycopy(scratch, r * pitch, c, row + slotDst[s], L);
                        System.arraycopy(scratch, r * pitch + L, c, row + slotDst[i1], L);
                        System.arraycopy(scratch, r * pitch + 2 * L, c, row + slotDst[i2], L);
                    }
                }
            }
        }
    }

    /** Channels {@code [row0, row0 + 8)} x 3 slots over all taps, from the bias, stored (with ReLU) at d0-d2. */
    private void tile8(float[] src, int[] tapOff, int ai, int row0, int s0, int s1, int s2, float[] c, int d0, int d1, int d2, int ldc, boolean relu) {
        float[] w = a;
        int kk = k;
        FloatVector c00 = FloatVector.broadcast(S, bias[row0 + 0]);
        FloatVector c01 = c00;
        FloatVector c02 = c00;
        FloatVector c10 = FloatVector.broadcast(S, bias[row0 + 1]);
        FloatVector c11 = c10;
        FloatVector c12 = c10;
        FloatVector c20 = FloatVector.broadcast(S, bias[row0 + 2]);
        FloatVector c21 = c20;
        FloatVector c22 = c20;
        FloatVector c30 = FloatVector.broadcast(S, bias[row0 + 3]);
        FloatVector c31 = c30;
        FloatVector c32 = c30;
        FloatVector c40 = FloatVector.broadcast(S, bias[row0 + 4]);
        FloatVector c41 = c40;
        FloatVector c42 = c40;
        FloatVector c50 = FloatVector.broadcast(S, bias[row0 + 5]);
        FloatVector c51 = c50;
        FloatVector c52 = c50;
        FloatVector c60 = FloatVector.broadcast(S, bias[row0 + 6]);
        FloatVector c61 = c60;
        FloatVector c62 = c60;
        FloatVector c70 = FloatVector.broadcast(S, bias[row0 + 7]);
        FloatVector c71 = c70;
        FloatVector c72 = c70;
        for (int p = 0; p < kk; p++) {
            int o = tapOff[p];
            int ap = ai + p * 8;
            FloatVector x0 = FloatVector.fromArray(S, src, s0 + o);
            FloatVector x1 = FloatVector.fromArray(S, src, s1 + o);
            FloatVector x2 = FloatVector.fromArray(S, src, s2 + o);
            FloatVector w0 = FloatVector.broadcast(S, w[ap]);
            c00 = w0.fma(x0, c00);
            c01 = w0.fma(x1, c01);
            c02 = w0.fma(x2, c02);
            FloatVector w1 = FloatVector.broadcast(S, w[ap + 1]);
            c10 = w1.fma(x0, c10);
            c11 = w1.fma(x1, c11);
            c12 = w1.fma(x2, c12);
            FloatVector w2 = FloatVector.broadcast(S, w[ap + 2]);
            c20 = w2.fma(x0, c20);
            c21 = w2.fma(x1, c21);
            c22 = w2.fma(x2, c22);
            FloatVector w3 = FloatVector.broadcast(S, w[ap + 3]);
            c30 = w3.fma(x0, c30);
            c31 = w3.fma(x1, c31);
            c32 = w3.fma(x2, c32);
            FloatVector w4 = FloatVector.broadcast(S, w[ap + 4]);
            c40 = w4.fma(x0, c40);
            c41 = w4.fma(x1, c41);
            c42 = w4.fma(x2, c42);
            FloatVector w5 = FloatVector.broadcast(S, w[ap + 5]);
            c50 = w5.fma(x0, c50);
            c51 = w5.fma(x1, c51);
            c52 = w5.fma(x2, c52);
            FloatVector w6 = FloatVector.broadcast(S, w[ap + 6]);
            c60 = w6.fma(x0, c60);
            c61 = w6.fma(x1, c61);
            c62 = w6.fma(x2, c62);
            FloatVector w7 = FloatVector.broadcast(S, w[ap + 7]);
            c70 = w7.fma(x0, c70);
            c71 = w7.fma(x1, c71);
            c72 = w7.fma(x2, c72);
        }
        FloatVector floor = FloatVector.broadcast(S, relu ? 0f : Float.NEGATIVE_INFINITY);
        c00.max(floor).intoArray(c, d0);
        c01.max(floor).intoArray(c, d1);
        c02.max(floor).intoArray(c, d2);
        c10.max(floor).intoArray(c, d0 + ldc);
        c11.max(floor).intoArray(c, d1 + ldc);
        c12.max(floor).intoArray(c, d2 + ldc);
        c20.max(floor).intoArray(c, d0 + 2 * ldc);
        c21.max(floor).intoArray(c, d1 + 2 * ldc);
        c22.max(floor).intoArray(c, d2 + 2 * ldc);
        c30.max(floor).intoArray(c, d0 + 3 * ldc);
        c31.max(floor).intoArray(c, d1 + 3 * ldc);
        c32.max(floor).intoArray(c, d2 + 3 * ldc);
        c40.max(floor).intoArray(c, d0 + 4 * ldc);
        c41.max(floor).intoArray(c, d1 + 4 * ldc);
        c42.max(floor).intoArray(c, d2 + 4 * ldc);
        c50.max(floor).intoArray(c, d0 + 5 * ldc);
        c51.max(floor).intoArray(c, d1 + 5 * ldc);
        c52.max(floor).intoArray(c, d2 + 5 * ldc);
        c60.max(floor).intoArray(c, d0 + 6 * ldc);
        c61.max(floor).intoArray(c, d1 + 6 * ldc);
        c62.max(floor).intoArray(c, d2 + 6 * ldc);
        c70.max(floor).intoArray(c, d0 + 7 * ldc);
        c71.max(floor).intoArray(c, d1 + 7 * ldc);
        c72.max(floor).intoArray(c, d2 + 7 * ldc);
    }

    /** {@link #tile8} clamped to {@code [lo, hi]}. */
    private void tile8Clamped(float[] src, int[] tapOff, int ai, int row0, int s0, int s1, int s2, float[] c, int d0, int d1, int d2, int ldc, float lo, float hi) {
        float[] w = a;
        int kk = k;
        FloatVector c00 = FloatVector.broadcast(S, bias[row0 + 0]);
        FloatVector c01 = c00;
        FloatVector c02 = c00;
        FloatVector c10 = FloatVector.broadcast(S, bias[row0 + 1]);
        FloatVector c11 = c10;
        FloatVector c12 = c10;
        FloatVector c20 = FloatVector.broadcast(S, bias[row0 + 2]);
        FloatVector c21 = c20;
        FloatVector c22 = c20;
        FloatVector c30 = FloatVector.broadcast(S, bias[row0 + 3]);
        FloatVector c31 = c30;
        FloatVector c32 = c30;
        FloatVector c40 = FloatVector.broadcast(S, bias[row0 + 4]);
        FloatVector c41 = c40;
        FloatVector c42 = c40;
        FloatVector c50 = FloatVector.broadcast(S, bias[row0 + 5]);
        FloatVector c51 = c50;
        FloatVector c52 = c50;
        FloatVector c60 = FloatVector.broadcast(S, bias[row0 + 6]);
        FloatVector c61 = c60;
        FloatVector c62 = c60;
        FloatVector c70 = FloatVector.broadcast(S, bias[row0 + 7]);
        FloatVector c71 = c70;
        FloatVector c72 = c70;
        for (int p = 0; p < kk; p++) {
            int o = tapOff[p];
            int ap = ai + p * 8;
            FloatVector x0 = FloatVector.fromArray(S, src, s0 + o);
            FloatVector x1 = FloatVector.fromArray(S, src, s1 + o);
            FloatVector x2 = FloatVector.fromArray(S, src, s2 + o);
            FloatVector w0 = FloatVector.broadcast(S, w[ap]);
            c00 = w0.fma(x0, c00);
            c01 = w0.fma(x1, c01);
            c02 = w0.fma(x2, c02);
            FloatVector w1 = FloatVector.broadcast(S, w[ap + 1]);
            c10 = w1.fma(x0, c10);
            c11 = w1.fma(x1, c11);
            c12 = w1.fma(x2, c12);
            FloatVector w2 = FloatVector.broadcast(S, w[ap + 2]);
            c20 = w2.fma(x0, c20);
            c21 = w2.fma(x1, c21);
            c22 = w2.fma(x2, c22);
            FloatVector w3 = FloatVector.broadcast(S, w[ap + 3]);
            c30 = w3.fma(x0, c30);
            c31 = w3.fma(x1, c31);
            c32 = w3.fma(x2, c32);
            FloatVector w4 = FloatVector.broadcast(S, w[ap + 4]);
            c40 = w4.fma(x0, c40);
            c41 = w4.fma(x1, c41);
            c42 = w4.fma(x2, c42);
            FloatVector w5 = FloatVector.broadcast(S, w[ap + 5]);
            c50 = w5.fma(x0, c50);
            c51 = w5.fma(x1, c51);
            c52 = w5.fma(x2, c52);
            FloatVector w6 = FloatVector.broadcast(S, w[ap + 6]);
            c60 = w6.fma(x0, c60);
            c61 = w6.fma(x1, c61);
            c62 = w6.fma(x2, c62);
            FloatVector w7 = FloatVector.broadcast(S, w[ap + 7]);
            c70 = w7.fma(x0, c70);
            c71 = w7.fma(x1, c71);
            c72 = w7.fma(x2, c72);
        }
        FloatVector floor = FloatVector.broadcast(S, lo);
        FloatVector ceiling = FloatVector.broadcast(S, hi);
        c00.max(floor).min(ceiling).intoArray(c, d0);
        c01.max(floor).min(ceiling).intoArray(c, d1);
        c02.max(floor).min(ceiling).intoArray(c, d2);
        c10.max(floor).min(ceiling).intoArray(c, d0 + ldc);
        c11.max(floor).min(ceiling).intoArray(c, d1 + ldc);
        c12.max(floor).min(ceiling).intoArray(c, d2 + ldc);
        c20.max(floor).min(ceiling).intoArray(c, d0 + 2 * ldc);
        c21.max(floor).min(ceiling).intoArray(c, d1 + 2 * ldc);
        c22.max(floor).min(ceiling).intoArray(c, d2 + 2 * ldc);
        c30.max(floor).min(ceiling).intoArray(c, d0 + 3 * ldc);
        c31.max(floor).min(ceiling).intoArray(c, d1 + 3 * ldc);
        c32.max(floor).min(ceiling).intoArray(c, d2 + 3 * ldc);
        c40.max(floor).min(ceiling).intoArray(c, d0 + 4 * ldc);
        c41.max(floor).min(ceiling).intoArray(c, d1 + 4 * ldc);
        c42.max(floor).min(ceiling).intoArray(c, d2 + 4 * ldc);
        c50.max(floor).min(ceiling).intoArray(c, d0 + 5 * ldc);
        c51.max(floor).min(ceiling).intoArray(c, d1 + 5 * ldc);
        c52.max(floor).min(ceiling).intoArray(c, d2 + 5 * ldc);
        c60.max(floor).min(ceiling).intoArray(c, d0 + 6 * ldc);
        c61.max(floor).min(ceiling).intoArray(c, d1 + 6 * ldc);
        c62.max(floor).min(ceiling).intoArray(c, d2 + 6 * ldc);
        c70.max(floor).min(ceiling).intoArray(c, d0 + 7 * ldc);
        c71.max(floor).min(ceiling).intoArray(c, d1 + 7 * ldc);
        c72.max(floor).min(ceiling).intoArray(c, d2 + 7 * ldc);
    }

    /** {@link #tile8Clamped} for 4 channels (narrow vectors, 16 registers). */
    private void tile4Clamped(float[] src, int[] tapOff, int ai, int row0, int s0, int s1, int s2, float[] c, int d0, int d1, int d2, int ldc, float lo, float hi) {
        float[] w = a;
        int kk = k;
        FloatVector c00 = FloatVector.broadcast(S, bias[row0 + 0]);
        FloatVector c01 = c00;
        FloatVector c02 = c00;
        FloatVector c10 = FloatVector.broadcast(S, bias[row0 + 1]);
        FloatVector c11 = c10;
        FloatVector c12 = c10;
        FloatVector c20 = FloatVector.broadcast(S, bias[row0 + 2]);
        FloatVector c21 = c20;
        FloatVector c22 = c20;
        FloatVector c30 = FloatVector.broadcast(S, bias[row0 + 3]);
        FloatVector c31 = c30;
        FloatVector c32 = c30;
        for (int p = 0; p < kk; p++) {
            int o = tapOff[p];
            int ap = ai + p * 4;
            FloatVector x0 = FloatVector.fromArray(S, src, s0 + o);
            FloatVector x1 = FloatVector.fromArray(S, src, s1 + o);
            FloatVector x2 = FloatVector.fromArray(S, src, s2 + o);
            FloatVector w0 = FloatVector.broadcast(S, w[ap]);
            c00 = w0.fma(x0, c00);
            c01 = w0.fma(x1, c01);
            c02 = w0.fma(x2, c02);
            FloatVector w1 = FloatVector.broadcast(S, w[ap + 1]);
            c10 = w1.fma(x0, c10);
            c11 = w1.fma(x1, c11);
            c12 = w1.fma(x2, c12);
            FloatVector w2 = FloatVector.broadcast(S, w[ap + 2]);
            c20 = w2.fma(x0, c20);
            c21 = w2.fma(x1, c21);
            c22 = w2.fma(x2, c22);
            FloatVector w3 = FloatVector.broadcast(S, w[ap + 3]);
            c30 = w3.fma(x0, c30);
            c31 = w3.fma(x1, c31);
            c32 = w3.fma(x2, c32);
        }
        FloatVector floor = FloatVector.broadcast(S, lo);
        FloatVector ceiling = FloatVector.broadcast(S, hi);
        c00.max(floor).min(ceiling).intoArray(c, d0);
        c01.max(floor).min(ceiling).intoArray(c, d1);
        c02.max(floor).min(ceiling).intoArray(c, d2);
        c10.max(floor).min(ceiling).intoArray(c, d0 + ldc);
        c11.max(floor).min(ceiling).intoArray(c, d1 + ldc);
        c12.max(floor).min(ceiling).intoArray(c, d2 + ldc);
        c20.max(floor).min(ceiling).intoArray(c, d0 + 2 * ldc);
        c21.max(floor).min(ceiling).intoArray(c, d1 + 2 * ldc);
        c22.max(floor).min(ceiling).intoArray(c, d2 + 2 * ldc);
        c30.max(floor).min(ceiling).intoArray(c, d0 + 3 * ldc);
        c31.max(floor).min(ceiling).intoArray(c, d1 + 3 * ldc);
        c32.max(floor).min(ceiling).intoArray(c, d2 + 3 * ldc);
    }
}
