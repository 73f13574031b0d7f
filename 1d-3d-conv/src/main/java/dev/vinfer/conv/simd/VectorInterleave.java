package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Splitting a row into its stride-2 or stride-4 phases and back, with two-source lane permutes
 * ({@code index.selectFrom(a, b)}: one {@code vpermi2ps} on AVX-512) instead of strided scalar copies. The
 * Winograd kernel uses them to turn input rows into phase rows (tile j's k-th input sits in phase {@code k mod m})
 * and its phase-row results back into output rows.
 *
 * <p>Stride 2: one permute per output vector. Stride 4: two permutes gather half a vector each from a pair of
 * source vectors, a third joins the halves. Other strides (F(6,3)'s 6), and the tail shorter than a vector, are
 * copied element by element. Measured in isolation (Zen 4, 16 lanes): stride-4 split of 48-group rows 0.33 ns per
 * float against 0.97 for the scalar copy.
 */
final class VectorInterleave {
    /** Split, stride 2: lane j of phase p = element {@code 2j + p} of the pair (a, b). Also used by VectorPooling. */
    static final FloatVector[] SPLIT2 = new FloatVector[2];
    /** Split, stride 4: lanes j < L/2 of phase p = element {@code 4j + p} of the pair; upper lanes unused. */
    static final FloatVector[] SPLIT4 = new FloatVector[4];
    /** Lower halves of two vectors side by side. */
    static final FloatVector LOWER_HALVES;
    /** Interleave, stride 2: output vector h (0, 1) of two phase vectors. */
    private static final FloatVector[] JOIN2 = new FloatVector[2];
    /** Interleave of two vectors already pair-interleaved (x = p0/p1 pairs, y = p2/p3 pairs), quarter h. */
    private static final FloatVector[] JOIN4 = new FloatVector[2];

    /**
     * The same permute indexes as a float[] ({@code I_*} offsets), which {@link #split} and {@link #join} load into
     * locals before their loops. Used straight from the static final vectors, each use inside a loop unboxed the
     * constant again, and since the loop stores to a float[] C2 could not tell the constant's payload array from
     * dst and reloaded it every step (found in the 3x3/2 max pool, session 8: 7-17% there).
     */
    private static final float[] INDEXES = new float[11 * L];
    private static final int I_SPLIT2 = 0;
    private static final int I_SPLIT4 = 2 * L;
    private static final int I_LOWER_HALVES = 6 * L;
    private static final int I_JOIN2 = 7 * L;
    private static final int I_JOIN4 = 9 * L;

    static {
        float[] t = new float[L];
        for (int p = 0; p < 2; p++) {
            for (int j = 0; j < L; j++) {
                t[j] = 2 * j + p;
            }
            SPLIT2[p] = FloatVector.fromArray(S, t, 0);
        }
        for (int p = 0; p < 4; p++) {
            for (int j = 0; j < L; j++) {
                t[j] = j < L / 2 ? 4 * j + p : 0;
            }
            SPLIT4[p] = FloatVector.fromArray(S, t, 0);
        }
        for (int j = 0; j < L; j++) {
            t[j] = j < L / 2 ? j : L + j - L / 2;
        }
        LOWER_HALVES = FloatVector.fromArray(S, t, 0);
        for (int h = 0; h < 2; h++) {
            for (int j = 0; j < L; j++) {
                int src = h * L / 2 + j / 2; // index into each phase vector
                t[j] = j % 2 == 0 ? src : L + src;
            }
            JOIN2[h] = FloatVector.fromArray(S, t, 0);
        }
        // x holds [p0 p1] pairs, y [p2 p3] pairs; output lane j takes pair j/4, member j%4 -> x if < 2 else y.
        for (int h = 0; h < 2; h++) {
            for (int j = 0; j < L; j++) {
                int pair = h * L / 4 + j / 4;
                int member = j % 4;
                t[j] = member < 2 ? 2 * pair + member : L + 2 * pair + member - 2;
            }
            JOIN4[h] = FloatVector.fromArray(S, t, 0);
        }
        for (int p = 0; p < 2; p++) {
            SPLIT2[p].intoArray(INDEXES, I_SPLIT2 + p * L);
            JOIN2[p].intoArray(INDEXES, I_JOIN2 + p * L);
            JOIN4[p].intoArray(INDEXES, I_JOIN4 + p * L);
        }
        for (int p = 0; p < 4; p++) {
            SPLIT4[p].intoArray(INDEXES, I_SPLIT4 + p * L);
        }
        LOWER_HALVES.intoArray(INDEXES, I_LOWER_HALVES);
    }


    private VectorInterleave() {
    }

    /** {@code dst[dstOff + p * dstStride + j] = src[srcOff + j * phases + p]}; arguments checked by the caller. */
    static void split(int phases, int count, float[] src, int srcOff, float[] dst, int dstOff, int dstStride) {
        int j = 0;
        if (phases == 2) {
            FloatVector even = FloatVector.fromArray(S, INDEXES, I_SPLIT2);
            FloatVector odd = FloatVector.fromArray(S, INDEXES, I_SPLIT2 + L);
            for (int bound = S.loopBound(count); j < bound; j += L) {
                int s = srcOff + 2 * j;
                FloatVector a = FloatVector.fromArray(S, src, s);
                FloatVector b = FloatVector.fromArray(S, src, s + L);
                even.selectFrom(a, b).intoArray(dst, dstOff + j);
                odd.selectFrom(a, b).intoArray(dst, dstOff + dstStride + j);
            }
        } else if (phases == 4 && L >= 4) {
            FloatVector s0 = FloatVector.fromArray(S, INDEXES, I_SPLIT4);
            FloatVector s1 = FloatVector.fromArray(S, INDEXES, I_SPLIT4 + L);
            FloatVector s2 = FloatVector.fromArray(S, INDEXES, I_SPLIT4 + 2 * L);
            FloatVector s3 = FloatVector.fromArray(S, INDEXES, I_SPLIT4 + 3 * L);
            FloatVector halves = FloatVector.fromArray(S, INDEXES, I_LOWER_HALVES);
            for (int bound = S.loopBound(count); j < bound; j += L) {
                int s = srcOff + 4 * j;
                FloatVector a = FloatVector.fromArray(S, src, s);
                FloatVector b = FloatVector.fromArray(S, src, s + L);
                FloatVector c = FloatVector.fromArray(S, src, s + 2 * L);
                FloatVector d = FloatVector.fromArray(S, src, s + 3 * L);
                int o = dstOff + j;
                halves.selectFrom(s0.selectFrom(a, b), s0.selectFrom(c, d)).intoArray(dst, o);
                halves.selectFrom(s1.selectFrom(a, b), s1.selectFrom(c, d)).intoArray(dst, o + dstStride);
                halves.selectFrom(s2.selectFrom(a, b), s2.selectFrom(c, d)).intoArray(dst, o + 2 * dstStride);
                halves.selectFrom(s3.selectFrom(a, b), s3.selectFrom(c, d)).intoArray(dst, o + 3 * dstStride);
            }
        }
        for (int p = 0; p < phases; p++) {
            int d = dstOff + p * dstStride;
            int s = srcOff + p;
            for (int i = j; i < count; i++) {
                dst[d + i] = src[s + i * phases];
            }
        }
    }

    /** {@code dst[dstOff + j * phases + p] = src[srcOff + p * srcStride + j]}; arguments checked by the caller. */
    static void join(int phases, int count, float[] src, int srcOff, int srcStride, float[] dst, int dstOff) {
        int j = 0;
        if (phases == 2) {
            FloatVector lower = FloatVector.fromArray(S, INDEXES, I_JOIN2);
            FloatVector upper = FloatVector.fromArray(S, INDEXES, I_JOIN2 + L);
            for (int bound = S.loopBound(count); j < bound; j += L) {
                FloatVector a = FloatVector.fromArray(S, src, srcOff + j);
                FloatVector b = FloatVector.fromArray(S, src, srcOff + srcStride + j);
                int d = dstOff + 2 * j;
                lower.selectFrom(a, b).intoArray(dst, d);
                upper.selectFrom(a, b).intoArray(dst, d + L);
            }
        } else if (phases == 4 && L >= 4) {
            FloatVector pairs0 = FloatVector.fromArray(S, INDEXES, I_JOIN2);
            FloatVector pairs1 = FloatVector.fromArray(S, INDEXES, I_JOIN2 + L);
            FloatVector quads0 = FloatVector.fromArray(S, INDEXES, I_JOIN4);
            FloatVector quads1 = FloatVector.fromArray(S, INDEXES, I_JOIN4 + L);
            for (int bound = S.loopBound(count); j < bound; j += L) {
                FloatVector p0 = FloatVector.fromArray(S, src, srcOff + j);
                FloatVector p1 = FloatVector.fromArray(S, src, srcOff + srcStride + j);
                FloatVector p2 = FloatVector.fromArray(S, src, srcOff + 2 * srcStride + j);
                FloatVector p3 = FloatVector.fromArray(S, src, srcOff + 3 * srcStride + j);
                int d = dstOff + 4 * j;
                FloatVector x = pairs0.selectFrom(p0, p1);
                FloatVector y = pairs0.selectFrom(p2, p3);
                quads0.selectFrom(x, y).intoArray(dst, d);
                quads1.selectFrom(x, y).intoArray(dst, d + L);
                x = pairs1.selectFrom(p0, p1);
                y = pairs1.selectFrom(p2, p3);
                quads0.selectFrom(x, y).intoArray(dst, d + 2 * L);
                quads1.selectFrom(x, y).intoArray(dst, d + 3 * L);
            }
        }
        for (int p = 0; p < phases; p++) {
            int s = srcOff + p * srcStride;
            int d = dstOff + p;
            for (int i = j; i < count; i++) {
                dst[d + i * phases] = src[s + i];
            }
        }
    }

    /**
     * {@link dev.vinfer.conv.Backend#dropSegmentEnds}; arguments checked by the caller. Short segments (below
     * {@link #COMPRESS_MAX_SEGMENT}) go a vector at a time through a lane compress ({@code vcompressps} on AVX-512)
     * whose mask marks the lanes that are not segment ends; long ones are copied a segment at a time. The vector
     * loop stops while a full-width store would still reach past the result, so nothing outside it is written; in
     * place every store lands at or before the vector just read.
     */
    static void dropSegmentEnds(int seg, int segs, float[] src, int srcOff, float[] dst, int dstOff) {
        int keep = seg - 1;
        if (seg > COMPRESS_MAX_SEGMENT || L > 64) {
            for (int s = 0; s < segs; s++) {
                System.arraycopy(src, srcOff + s * seg, dst, dstOff + s * keep, keep);
            }
            return;
        }
        int n = seg * segs;
        int outLen = keep * segs;
        long all = L == 64 ? -1L : (1L << L) - 1;
        int r = 0;
        int w = 0;
        int phase = 0; // (r mod seg): where in its segment the vector read at r starts
        while (r + L <= n && w + L <= outLen) {
            long drop = 0;
            for (int lane = seg - 1 - phase; lane < L; lane += seg) {
                drop |= 1L << lane;
            }
            VectorMask<Float> m = VectorMask.fromLong(S, all & ~drop);
            FloatVector.fromArray(S, src, srcOff + r).compress(m).intoArray(dst, dstOff + w);
            w += m.trueCount();
            r += L;
            phase = (phase + L) % seg;
        }
        for (; r < n; r++, phase = phase + 1 == seg ? 0 : phase + 1) {
            if (phase != seg - 1) {
                dst[dstOff + w++] = src[srcOff + r];
            }
        }
    }

    /** Segments longer than this are copied one {@code System.arraycopy} each (long runs: the copy is cheap). */
    static final int COMPRESS_MAX_SEGMENT = 48;
}
