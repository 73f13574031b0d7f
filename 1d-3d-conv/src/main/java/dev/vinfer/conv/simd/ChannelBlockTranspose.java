package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import jdk.incubator.vector.FloatVector;

/**
 * The transposes between a block of {@code L} channel planes (NCHW: each channel's positions contiguous) and the
 * channel-interleaved layout of the blocked depthwise kernel (each position's {@code L} channels contiguous, one
 * vector); see {@code dev.vinfer.conv.BlockedDepthwiseConv}.
 *
 * <p>A tile is {@code L} positions x {@code L} channels: {@code L} vector loads, {@code log2 L} rounds of
 * {@code L} two-source permutes ({@code index.selectFrom(a, b)}, one {@code vpermi2ps} on AVX-512), {@code L}
 * vector stores. Each round zips row i with row {@code i + L/2} into rows 2i and 2i + 1 (lanes a0 b0 a1 b1 ... and
 * the upper halves likewise), which rotates the (row, column) bit string of every element left by one bit, so after
 * {@code log2 L} rounds each element (r, c) sits at (c, r). The tile code is written out for 16 and 8 lanes (vectors
 * in local variables, which the JIT keeps in registers; in an array they would be boxed); other vector lengths use
 * scalar loops.
 */
final class ChannelBlockTranspose {
    private ChannelBlockTranspose() {
    }

    /** Lanes 0, L, 1, L + 1, ...: the lower halves of two vectors interleaved. */
    private static final FloatVector ZIP_LO = zip(0);
    /** The upper halves of two vectors interleaved. */
    private static final FloatVector ZIP_HI = zip(L / 2);

    private static FloatVector zip(int first) {
        float[] idx = new float[L];
        for (int i = 0; i < L / 2; i++) {
            idx[2 * i] = first + i;
            idx[2 * i + 1] = L + first + i;
        }
        return FloatVector.fromArray(S, idx, 0);
    }

    /** True if this vector length has a tile transpose (16 or 8 lanes). */
    static boolean tiled() {
        return L == 16 || L == 8;
    }

    /**
     * {@code dst[dOff + map[mapOff + p] + c] = src[sOff + min(c, channels - 1) * sPitch + p]} for p < n, c < L.
     * Runs of at least L positions go tile by tile, the last tile overlapping the one before (the same values
     * again).
     */
    static void pack(int channels, float[] src, int sOff, int sPitch, int n, int[] map, int mapOff, float[] dst,
            int dOff) {
        int last = channels - 1;
        if (!tiled() || n < L) {
            for (int p = 0; p < n; p++) {
                int d = dOff + map[mapOff + p];
                for (int c = 0; c < L; c++) {
                    dst[d + c] = src[sOff + Math.min(c, last) * sPitch + p];
                }
            }
            return;
        }
        for (int p = 0; p < n; p += L) {
            int q = Math.min(p, n - L);
            if (L == 16) {
                pack16(src, sOff + q, sPitch, last, map, mapOff + q, dst, dOff);
            } else {
                pack8(src, sOff + q, sPitch, last, map, mapOff + q, dst, dOff);
            }
        }
    }

    /**
     * {@code dst[dOff + c * dPitch + p] = src[sOff + p * L + c]} for c < channels, p < n; writes nothing else.
     * Tiles as in {@link #pack}.
     */
    static void unpack(int channels, float[] src, int sOff, int n, float[] dst, int dOff, int dPitch) {
        if (!tiled() || n < L) {
            for (int c = 0; c < channels; c++) {
                int d = dOff + c * dPitch;
                for (int p = 0; p < n; p++) {
                    dst[d + p] = src[sOff + p * L + c];
                }
            }
            return;
        }
        for (int p = 0; p < n; p += L) {
            int q = Math.min(p, n - L);
            if (L == 16) {
                unpack16(src, sOff + q * L, L, dst, dOff + q, dPitch, channels);
            } else {
                unpack8(src, sOff + q * L, L, dst, dOff + q, dPitch, channels);
            }
        }
    }

    /** One tile of 16 positions x 16 channels (rows past {@code last} repeat row {@code last}). */
    static void pack16(float[] src, int s0, int pitch, int last, int[] map, int p0, float[] dst, int dOff) {
        FloatVector r0 = FloatVector.fromArray(S, src, s0);
        FloatVector r1 = FloatVector.fromArray(S, src, s0 + Math.min(1, last) * pitch);
        FloatVector r2 = FloatVector.fromArray(S, src, s0 + Math.min(2, last) * pitch);
        FloatVector r3 = FloatVector.fromArray(S, src, s0 + Math.min(3, last) * pitch);
        FloatVector r4 = FloatVector.fromArray(S, src, s0 + Math.min(4, last) * pitch);
        FloatVector r5 = FloatVector.fromArray(S, src, s0 + Math.min(5, last) * pitch);
        FloatVector r6 = FloatVector.fromArray(S, src, s0 + Math.min(6, last) * pitch);
        FloatVector r7 = FloatVector.fromArray(S, src, s0 + Math.min(7, last) * pitch);
        FloatVector r8 = FloatVector.fromArray(S, src, s0 + Math.min(8, last) * pitch);
        FloatVector r9 = FloatVector.fromArray(S, src, s0 + Math.min(9, last) * pitch);
        FloatVector r10 = FloatVector.fromArray(S, src, s0 + Math.min(10, last) * pitch);
        FloatVector r11 = FloatVector.fromArray(S, src, s0 + Math.min(11, last) * pitch);
        FloatVector r12 = FloatVector.fromArray(S, src, s0 + Math.min(12, last) * pitch);
        FloatVector r13 = FloatVector.fromArray(S, src, s0 + Math.min(13, last) * pitch);
        FloatVector r14 = FloatVector.fromArray(S, src, s0 + Math.min(14, last) * pitch);
        FloatVector r15 = FloatVector.fromArray(S, src, s0 + Math.min(15, last) * pitch);
        FloatVector t1_0 = ZIP_LO.selectFrom(r0, r8);
        FloatVector t1_1 = ZIP_HI.selectFrom(r0, r8);
        FloatVector t1_2 = ZIP_LO.selectFrom(r1, r9);
        FloatVector t1_3 = ZIP_HI.selectFrom(r1, r9);
        FloatVector t1_4 = ZIP_LO.selectFrom(r2, r10);
        FloatVector t1_5 = ZIP_HI.selectFrom(r2, r10);
        FloatVector t1_6 = ZIP_LO.selectFrom(r3, r11);
        FloatVector t1_7 = ZIP_HI.selectFrom(r3, r11);
        FloatVector t1_8 = ZIP_LO.selectFrom(r4, r12);
        FloatVector t1_9 = ZIP_HI.selectFrom(r4, r12);
        FloatVector t1_10 = ZIP_LO.selectFrom(r5, r13);
        FloatVector t1_11 = ZIP_HI.selectFrom(r5, r13);
        FloatVector t1_12 = ZIP_LO.selectFrom(r6, r14);
        FloatVector t1_13 = ZIP_HI.selectFrom(r6, r14);
        FloatVector t1_14 = ZIP_LO.selectFrom(r7, r15);
        FloatVector t1_15 = ZIP_HI.selectFrom(r7, r15);
        FloatVector t2_0 = ZIP_LO.selectFrom(t1_0, t1_8);
        FloatVector t2_1 = ZIP_HI.selectFrom(t1_0, t1_8);
        FloatVector t2_2 = ZIP_LO.selectFrom(t1_1, t1_9);
        FloatVector t2_3 = ZIP_HI.selectFrom(t1_1, t1_9);
        FloatVector t2_4 = ZIP_LO.selectFrom(t1_2, t1_10);
        FloatVector t2_5 = ZIP_HI.selectFrom(t1_2, t1_10);
        FloatVector t2_6 = ZIP_LO.selectFrom(t1_3, t1_11);
        FloatVector t2_7 = ZIP_HI.selectFrom(t1_3, t1_11);
        FloatVector t2_8 = ZIP_LO.selectFrom(t1_4, t1_12);
        FloatVector t2_9 = ZIP_HI.selectFrom(t1_4, t1_12);
        FloatVector t2_10 = ZIP_LO.selectFrom(t1_5, t1_13);
        FloatVector t2_11 = ZIP_HI.selectFrom(t1_5, t1_13);
        FloatVector t2_12 = ZIP_LO.selectFrom(t1_6, t1_14);
        FloatVector t2_13 = ZIP_HI.selectFrom(t1_6, t1_14);
        FloatVector t2_14 = ZIP_LO.selectFrom(t1_7, t1_15);
        FloatVector t2_15 = ZIP_HI.selectFrom(t1_7, t1_15);
        FloatVector t3_0 = ZIP_LO.selectFrom(t2_0, t2_8);
        FloatVector t3_1 = ZIP_HI.selectFrom(t2_0, t2_8);
        FloatVector t3_2 = ZIP_LO.selectFrom(t2_1, t2_9);
        FloatVector t3_3 = ZIP_HI.selectFrom(t2_1, t2_9);
        FloatVector t3_4 = ZIP_LO.selectFrom(t2_2, t2_10);
        FloatVector t3_5 = ZIP_HI.selectFrom(t2_2, t2_10);
        FloatVector t3_6 = ZIP_LO.selectFrom(t2_3, t2_11);
        FloatVector t3_7 = ZIP_HI.selectFrom(t2_3, t2_11);
        FloatVector t3_8 = ZIP_LO.selectFrom(t2_4, t2_12);
        FloatVector t3_9 = ZIP_HI.selectFrom(t2_4, t2_12);
        FloatVector t3_10 = ZIP_LO.selectFrom(t2_5, t2_13);
        FloatVector t3_11 = ZIP_HI.selectFrom(t2_5, t2_13);
        FloatVector t3_12 = ZIP_LO.selectFrom(t2_6, t2_14);
        FloatVector t3_13 = ZIP_HI.selectFrom(t2_6, t2_14);
        FloatVector t3_14 = ZIP_LO.selectFrom(t2_7, t2_15);
        FloatVector t3_15 = ZIP_HI.selectFrom(t2_7, t2_15);
        FloatVector t4_0 = ZIP_LO.selectFrom(t3_0, t3_8);
        FloatVector t4_1 = ZIP_HI.selectFrom(t3_0, t3_8);
        FloatVector t4_2 = ZIP_LO.selectFrom(t3_1, t3_9);
        FloatVector t4_3 = ZIP_HI.selectFrom(t3_1, t3_9);
        FloatVector t4_4 = ZIP_LO.selectFrom(t3_2, t3_10);
        FloatVector t4_5 = ZIP_HI.selectFrom(t3_2, t3_10);
        FloatVector t4_6 = ZIP_LO.selectFrom(t3_3, t3_11);
        FloatVector t4_7 = ZIP_HI.selectFrom(t3_3, t3_11);
        FloatVector t4_8 = ZIP_LO.selectFrom(t3_4, t3_12);
        FloatVector t4_9 = ZIP_HI.selectFrom(t3_4, t3_12);
        FloatVector t4_10 = ZIP_LO.selectFrom(t3_5, t3_13);
        FloatVector t4_11 = ZIP_HI.selectFrom(t3_5, t3_13);
        FloatVector t4_12 = ZIP_LO.selectFrom(t3_6, t3_14);
        FloatVector t4_13 = ZIP_HI.selectFrom(t3_6, t3_14);
        FloatVector t4_14 = ZIP_LO.selectFrom(t3_7, t3_15);
        FloatVector t4_15 = ZIP_HI.selectFrom(t3_7, t3_15);
        t4_0.intoArray(dst, dOff + map[p0 + 0]);
        t4_1.intoArray(dst, dOff + map[p0 + 1]);
        t4_2.intoArray(dst, dOff + map[p0 + 2]);
        t4_3.intoArray(dst, dOff + map[p0 + 3]);
        t4_4.intoArray(dst, dOff + map[p0 + 4]);
        t4_5.intoArray(dst, dOff + map[p0 + 5]);
        t4_6.intoArray(dst, dOff + map[p0 + 6]);
        t4_7.intoArray(dst, dOff + map[p0 + 7]);
        t4_8.intoArray(dst, dOff + map[p0 + 8]);
        t4_9.intoArray(dst, dOff + map[p0 + 9]);
        t4_10.intoArray(dst, dOff + map[p0 + 10]);
        t4_11.intoArray(dst, dOff + map[p0 + 11]);
        t4_12.intoArray(dst, dOff + map[p0 + 12]);
        t4_13.intoArray(dst, dOff + map[p0 + 13]);
        t4_14.intoArray(dst, dOff + map[p0 + 14]);
        t4_15.intoArray(dst, dOff + map[p0 + 15]);
    }

    /**
     * One tile of 16 positions x 16 channels, position p's channels at {@code src[s0 + p * srcPitch]} (L apart in a
     * channel block; any pitch for {@link VectorTranspose}); channels from {@code channels} on are not stored.
     */
    static void unpack16(float[] src, int s0, int srcPitch, float[] dst, int d0, int pitch, int channels) {
        FloatVector r0 = FloatVector.fromArray(S, src, s0 + 0 * srcPitch);
        FloatVector r1 = FloatVector.fromArray(S, src, s0 + 1 * srcPitch);
        FloatVector r2 = FloatVector.fromArray(S, src, s0 + 2 * srcPitch);
        FloatVector r3 = FloatVector.fromArray(S, src, s0 + 3 * srcPitch);
        FloatVector r4 = FloatVector.fromArray(S, src, s0 + 4 * srcPitch);
        FloatVector r5 = FloatVector.fromArray(S, src, s0 + 5 * srcPitch);
        FloatVector r6 = FloatVector.fromArray(S, src, s0 + 6 * srcPitch);
        FloatVector r7 = FloatVector.fromArray(S, src, s0 + 7 * srcPitch);
        FloatVector r8 = FloatVector.fromArray(S, src, s0 + 8 * srcPitch);
        FloatVector r9 = FloatVector.fromArray(S, src, s0 + 9 * srcPitch);
        FloatVector r10 = FloatVector.fromArray(S, src, s0 + 10 * srcPitch);
        FloatVector r11 = FloatVector.fromArray(S, src, s0 + 11 * srcPitch);
        FloatVector r12 = FloatVector.fromArray(S, src, s0 + 12 * srcPitch);
        FloatVector r13 = FloatVector.fromArray(S, src, s0 + 13 * srcPitch);
        FloatVector r14 = FloatVector.fromArray(S, src, s0 + 14 * srcPitch);
        FloatVector r15 = FloatVector.fromArray(S, src, s0 + 15 * srcPitch);
        FloatVector t1_0 = ZIP_LO.selectFrom(r0, r8);
        FloatVector t1_1 = ZIP_HI.selectFrom(r0, r8);
        FloatVector t1_2 = ZIP_LO.selectFrom(r1, r9);
        FloatVector t1_3 = ZIP_HI.selectFrom(r1, r9);
        FloatVector t1_4 = ZIP_LO.selectFrom(r2, r10);
        FloatVector t1_5 = ZIP_HI.selectFrom(r2, r10);
        FloatVector t1_6 = ZIP_LO.selectFrom(r3, r11);
        FloatVector t1_7 = ZIP_HI.selectFrom(r3, r11);
        FloatVector t1_8 = ZIP_LO.selectFrom(r4, r12);
        FloatVector t1_9 = ZIP_HI.selectFrom(r4, r12);
        FloatVector t1_10 = ZIP_LO.selectFrom(r5, r13);
        FloatVector t1_11 = ZIP_HI.selectFrom(r5, r13);
        FloatVector t1_12 = ZIP_LO.selectFrom(r6, r14);
        FloatVector t1_13 = ZIP_HI.selectFrom(r6, r14);
        FloatVector t1_14 = ZIP_LO.selectFrom(r7, r15);
        FloatVector t1_15 = ZIP_HI.selectFrom(r7, r15);
        FloatVector t2_0 = ZIP_LO.selectFrom(t1_0, t1_8);
        FloatVector t2_1 = ZIP_HI.selectFrom(t1_0, t1_8);
        FloatVector t2_2 = ZIP_LO.selectFrom(t1_1, t1_9);
        FloatVector t2_3 = ZIP_HI.selectFrom(t1_1, t1_9);
        FloatVector t2_4 = ZIP_LO.selectFrom(t1_2, t1_10);
        FloatVector t2_5 = ZIP_HI.selectFrom(t1_2, t1_10);
        FloatVector t2_6 = ZIP_LO.selectFrom(t1_3, t1_11);
        FloatVector t2_7 = ZIP_HI.selectFrom(t1_3, t1_11);
        FloatVector t2_8 = ZIP_LO.selectFrom(t1_4, t1_12);
        FloatVector t2_9 = ZIP_HI.selectFrom(t1_4, t1_12);
        FloatVector t2_10 = ZIP_LO.selectFrom(t1_5, t1_13);
        FloatVector t2_11 = ZIP_HI.selectFrom(t1_5, t1_13);
        FloatVector t2_12 = ZIP_LO.selectFrom(t1_6, t1_14);
        FloatVector t2_13 = ZIP_HI.selectFrom(t1_6, t1_14);
        FloatVector t2_14 = ZIP_LO.selectFrom(t1_7, t1_15);
        FloatVector t2_15 = ZIP_HI.selectFrom(t1_7, t1_15);
        FloatVector t3_0 = ZIP_LO.selectFrom(t2_0, t2_8);
        FloatVector t3_1 = ZIP_HI.selectFrom(t2_0, t2_8);
        FloatVector t3_2 = ZIP_LO.selectFrom(t2_1, t2_9);
        FloatVector t3_3 = ZIP_HI.selectFrom(t2_1, t2_9);
        FloatVector t3_4 = ZIP_LO.selectFrom(t2_2, t2_10);
        FloatVector t3_5 = ZIP_HI.selectFrom(t2_2, t2_10);
        FloatVector t3_6 = ZIP_LO.selectFrom(t2_3, t2_11);
        FloatVector t3_7 = ZIP_HI.selectFrom(t2_3, t2_11);
        FloatVector t3_8 = ZIP_LO.selectFrom(t2_4, t2_12);
        FloatVector t3_9 = ZIP_HI.selectFrom(t2_4, t2_12);
        FloatVector t3_10 = ZIP_LO.selectFrom(t2_5, t2_13);
        FloatVector t3_11 = ZIP_HI.selectFrom(t2_5, t2_13);
        FloatVector t3_12 = ZIP_LO.selectFrom(t2_6, t2_14);
        FloatVector t3_13 = ZIP_HI.selectFrom(t2_6, t2_14);
        FloatVector t3_14 = ZIP_LO.selectFrom(t2_7, t2_15);
        FloatVector t3_15 = ZIP_HI.selectFrom(t2_7, t2_15);
        FloatVector t4_0 = ZIP_LO.selectFrom(t3_0, t3_8);
        FloatVector t4_1 = ZIP_HI.selectFrom(t3_0, t3_8);
        FloatVector t4_2 = ZIP_LO.selectFrom(t3_1, t3_9);
        FloatVector t4_3 = ZIP_HI.selectFrom(t3_1, t3_9);
        FloatVector t4_4 = ZIP_LO.selectFrom(t3_2, t3_10);
        FloatVector t4_5 = ZIP_HI.selectFrom(t3_2, t3_10);
        FloatVector t4_6 = ZIP_LO.selectFrom(t3_3, t3_11);
        FloatVector t4_7 = ZIP_HI.selectFrom(t3_3, t3_11);
        FloatVector t4_8 = ZIP_LO.selectFrom(t3_4, t3_12);
        FloatVector t4_9 = ZIP_HI.selectFrom(t3_4, t3_12);
        FloatVector t4_10 = ZIP_LO.selectFrom(t3_5, t3_13);
        FloatVector t4_11 = ZIP_HI.selectFrom(t3_5, t3_13);
        FloatVector t4_12 = ZIP_LO.selectFrom(t3_6, t3_14);
        FloatVector t4_13 = ZIP_HI.selectFrom(t3_6, t3_14);
        FloatVector t4_14 = ZIP_LO.selectFrom(t3_7, t3_15);
        FloatVector t4_15 = ZIP_HI.selectFrom(t3_7, t3_15);
        t4_0.intoArray(dst, d0);
        if (channels > 1) {
            t4_1.intoArray(dst, d0 + 1 * pitch);
        }
        if (channels > 2) {
            t4_2.intoArray(dst, d0 + 2 * pitch);
        }
        if (channels > 3) {
            t4_3.intoArray(dst, d0 + 3 * pitch);
        }
        if (channels > 4) {
            t4_4.intoArray(dst, d0 + 4 * pitch);
        }
        if (channels > 5) {
            t4_5.intoArray(dst, d0 + 5 * pitch);
        }
        if (channels > 6) {
            t4_6.intoArray(dst, d0 + 6 * pitch);
        }
        if (channels > 7) {
            t4_7.intoArray(dst, d0 + 7 * pitch);
        }
        if (channels > 8) {
            t4_8.intoArray(dst, d0 + 8 * pitch);
        }
        if (channels > 9) {
            t4_9.intoArray(dst, d0 + 9 * pitch);
        }
        if (channels > 10) {
            t4_10.intoArray(dst, d0 + 10 * pitch);
        }
        if (channels > 11) {
            t4_11.intoArray(dst, d0 + 11 * pitch);
        }
        if (channels > 12) {
            t4_12.intoArray(dst, d0 + 12 * pitch);
        }
        if (channels > 13) {
            t4_13.intoArray(dst, d0 + 13 * pitch);
        }
        if (channels > 14) {
            t4_14.intoArray(dst, d0 + 14 * pitch);
        }
        if (channels > 15) {
            t4_15.intoArray(dst, d0 + 15 * pitch);
        }
    }

    /** One tile of 8 positions x 8 channels (rows past {@code last} repeat row {@code last}). */
    static void pack8(float[] src, int s0, int pitch, int last, int[] map, int p0, float[] dst, int dOff) {
        FloatVector r0 = FloatVector.fromArray(S, src, s0);
        FloatVector r1 = FloatVector.fromArray(S, src, s0 + Math.min(1, last) * pitch);
        FloatVector r2 = FloatVector.fromArray(S, src, s0 + Math.min(2, last) * pitch);
        FloatVector r3 = FloatVector.fromArray(S, src, s0 + Math.min(3, last) * pitch);
        FloatVector r4 = FloatVector.fromArray(S, src, s0 + Math.min(4, last) * pitch);
        FloatVector r5 = FloatVector.fromArray(S, src, s0 + Math.min(5, last) * pitch);
        FloatVector r6 = FloatVector.fromArray(S, src, s0 + Math.min(6, last) * pitch);
        FloatVector r7 = FloatVector.fromArray(S, src, s0 + Math.min(7, last) * pitch);
        FloatVector t1_0 = ZIP_LO.selectFrom(r0, r4);
        FloatVector t1_1 = ZIP_HI.selectFrom(r0, r4);
        FloatVector t1_2 = ZIP_LO.selectFrom(r1, r5);
        FloatVector t1_3 = ZIP_HI.selectFrom(r1, r5);
        FloatVector t1_4 = ZIP_LO.selectFrom(r2, r6);
        FloatVector t1_5 = ZIP_HI.selectFrom(r2, r6);
        FloatVector t1_6 = ZIP_LO.selectFrom(r3, r7);
        FloatVector t1_7 = ZIP_HI.selectFrom(r3, r7);
        FloatVector t2_0 = ZIP_LO.selectFrom(t1_0, t1_4);
        FloatVector t2_1 = ZIP_HI.selectFrom(t1_0, t1_4);
        FloatVector t2_2 = ZIP_LO.selectFrom(t1_1, t1_5);
        FloatVector t2_3 = ZIP_HI.selectFrom(t1_1, t1_5);
        FloatVector t2_4 = ZIP_LO.selectFrom(t1_2, t1_6);
        FloatVector t2_5 = ZIP_HI.selectFrom(t1_2, t1_6);
        FloatVector t2_6 = ZIP_LO.selectFrom(t1_3, t1_7);
        FloatVector t2_7 = ZIP_HI.selectFrom(t1_3, t1_7);
        FloatVector t3_0 = ZIP_LO.selectFrom(t2_0, t2_4);
        FloatVector t3_1 = ZIP_HI.selectFrom(t2_0, t2_4);
        FloatVector t3_2 = ZIP_LO.selectFrom(t2_1, t2_5);
        FloatVector t3_3 = ZIP_HI.selectFrom(t2_1, t2_5);
        FloatVector t3_4 = ZIP_LO.selectFrom(t2_2, t2_6);
        FloatVector t3_5 = ZIP_HI.selectFrom(t2_2, t2_6);
        FloatVector t3_6 = ZIP_LO.selectFrom(t2_3, t2_7);
        FloatVector t3_7 = ZIP_HI.selectFrom(t2_3, t2_7);
        t3_0.intoArray(dst, dOff + map[p0 + 0]);
        t3_1.intoArray(dst, dOff + map[p0 + 1]);
        t3_2.intoArray(dst, dOff + map[p0 + 2]);
        t3_3.intoArray(dst, dOff + map[p0 + 3]);
        t3_4.intoArray(dst, dOff + map[p0 + 4]);
        t3_5.intoArray(dst, dOff + map[p0 + 5]);
        t3_6.intoArray(dst, dOff + map[p0 + 6]);
        t3_7.intoArray(dst, dOff + map[p0 + 7]);
    }

    /** One tile of 8 positions x 8 channels; channels from {@code channels} on are not stored. */
    static void unpack8(float[] src, int s0, int srcPitch, float[] dst, int d0, int pitch, int channels) {
        FloatVector r0 = FloatVector.fromArray(S, src, s0 + 0 * srcPitch);
        FloatVector r1 = FloatVector.fromArray(S, src, s0 + 1 * srcPitch);
        FloatVector r2 = FloatVector.fromArray(S, src, s0 + 2 * srcPitch);
        FloatVector r3 = FloatVector.fromArray(S, src, s0 + 3 * srcPitch);
        FloatVector r4 = FloatVector.fromArray(S, src, s0 + 4 * srcPitch);
        FloatVector r5 = FloatVector.fromArray(S, src, s0 + 5 * srcPitch);
        FloatVector r6 = FloatVector.fromArray(S, src, s0 + 6 * srcPitch);
        FloatVector r7 = FloatVector.fromArray(S, src, s0 + 7 * srcPitch);
        FloatVector t1_0 = ZIP_LO.selectFrom(r0, r4);
        FloatVector t1_1 = ZIP_HI.selectFrom(r0, r4);
        FloatVector t1_2 = ZIP_LO.selectFrom(r1, r5);
        FloatVector t1_3 = ZIP_HI.selectFrom(r1, r5);
        FloatVector t1_4 = ZIP_LO.selectFrom(r2, r6);
        FloatVector t1_5 = ZIP_HI.selectFrom(r2, r6);
        FloatVector t1_6 = ZIP_LO.selectFrom(r3, r7);
        FloatVector t1_7 = ZIP_HI.selectFrom(r3, r7);
        FloatVector t2_0 = ZIP_LO.selectFrom(t1_0, t1_4);
        FloatVector t2_1 = ZIP_HI.selectFrom(t1_0, t1_4);
        FloatVector t2_2 = ZIP_LO.selectFrom(t1_1, t1_5);
        FloatVector t2_3 = ZIP_HI.selectFrom(t1_1, t1_5);
        FloatVector t2_4 = ZIP_LO.selectFrom(t1_2, t1_6);
        FloatVector t2_5 = ZIP_HI.selectFrom(t1_2, t1_6);
        FloatVector t2_6 = ZIP_LO.selectFrom(t1_3, t1_7);
        FloatVector t2_7 = ZIP_HI.selectFrom(t1_3, t1_7);
        FloatVector t3_0 = ZIP_LO.selectFrom(t2_0, t2_4);
        FloatVector t3_1 = ZIP_HI.selectFrom(t2_0, t2_4);
        FloatVector t3_2 = ZIP_LO.selectFrom(t2_1, t2_5);
        FloatVector t3_3 = ZIP_HI.selectFrom(t2_1, t2_5);
        FloatVector t3_4 = ZIP_LO.selectFrom(t2_2, t2_6);
        FloatVector t3_5 = ZIP_HI.selectFrom(t2_2, t2_6);
        FloatVector t3_6 = ZIP_LO.selectFrom(t2_3, t2_7);
        FloatVector t3_7 = ZIP_HI.selectFrom(t2_3, t2_7);
        t3_0.intoArray(dst, d0);
        if (channels > 1) {
            t3_1.intoArray(dst, d0 + 1 * pitch);
        }
        if (channels > 2) {
            t3_2.intoArray(dst, d0 + 2 * pitch);
        }
        if (channels > 3) {
            t3_3.intoArray(dst, d0 + 3 * pitch);
        }
        if (channels > 4) {
            t3_4.intoArray(dst, d0 + 4 * pitch);
        }
        if (channels > 5) {
            t3_5.intoArray(dst, d0 + 5 * pitch);
        }
        if (channels > 6) {
            t3_6.intoArray(dst, d0 + 6 * pitch);
        }
        if (channels > 7) {
            t3_7.intoArray(dst, d0 + 7 * pitch);
        }
    }
}
