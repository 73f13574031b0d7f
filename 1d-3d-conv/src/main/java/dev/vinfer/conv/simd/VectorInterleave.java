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
    static final float[] INDEXES = new float[11 * L];
    static final int I_SPLIT2 = 0;
    static final int I_SPLIT4 = 2 * L;
    static final int I_LOWER_HALVES = 6 * L;
    static final int I_JOIN2 = 7 * L;
    static final int I_JOIN4 = 9 * L;

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
            // A last partial vector of groups is done as a whole vector ending at count, overlapping the one
            // before (the same values written twice): a stem's 224-wide rows with pad 3 leave 111 groups, whose
            // 15-group tail per phase copied one float at a time was most of the phase split's time.
            for (int bound = S.loopBound(count); j < bound; j += L) {
                int s = srcOff + 2 * j;
                FloatVector a = FloatVector.fromArray(S, src, s);
                FloatVector b = FloatVector.fromArray(S, src, s + L);
                even.selectFrom(a, b).intoArray(dst, dstOff + j);
                odd.selectFrom(a, b).intoArray(dst, dstOff + dstStride + j);
            }
            if (j < count && count >= L) {
                int t = count - L;
                int s = srcOff + 2 * t;
                FloatVector a = FloatVector.fromArray(S, src, s);
                FloatVector b = FloatVector.fromArray(S, src, s + L);
                even.selectFrom(a, b).intoArray(dst, dstOff + t);
                odd.selectFrom(a, b).intoArray(dst, dstOff + dstStride + t);
                j = count;
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

    /**
     * {@link dev.vinfer.conv.Backend#deinterleaveClipped}; arguments checked by the caller. As {@link #split}, but
     * every source vector is a masked load of the lanes inside the row ({@code 0 <= x < width}, the others read as
     * zero, and may lie outside the array), and the last group of phase vectors a masked store of the lanes below
     * {@code count}: nothing outside the phase rows is written. A Winograd segment of up to a vector of tiles (15
     * slots of 64@56x56 F(4,3)) is then one pass of four loads, twelve permutes and four stores per phase row set.
     */
    static void splitClipped(int phases, int count, int slack, float[] src, int rowOff, int srcRowStep, int width,
            int x0, int rows, float[] dst, int dstOff, int dstStride, int dstRowStep) {
        if (width == 0) {
            // Padding rows: zeros (their row offset means nothing, no load may be made from it).
            for (int q = 0; q < rows; q++) {
                for (int p = 0; p < phases; p++) {
                    int d = dstOff + q * dstRowStep + p * dstStride;
                    java.util.Arrays.fill(dst, d, d + count, 0f);
                }
            }
            return;
        }
        // One small method per stride: a single method with both vector loops and the scalar one was too big for
        // C1's register allocator (its OSR compile failed) and stayed at tier 2, without the vector intrinsics.
        if (phases == 4 && L >= 4) {
            splitClipped4(count, slack, src, rowOff, srcRowStep, width, x0, rows, dst, dstOff, dstStride, dstRowStep);
        } else if (phases == 2) {
            splitClipped2(count, slack, src, rowOff, srcRowStep, width, x0, rows, dst, dstOff, dstStride, dstRowStep);
        } else {
            for (int q = 0; q < rows; q++) {
                clippedScalar(phases, 0, count, src, rowOff + q * srcRowStep, width, x0, dst,
                        dstOff + q * dstRowStep, dstStride);
            }
        }
    }

    /** Tiles {@code [j0, j1)} of one row of {@link #splitClipped}, element by element. */
    private static void clippedScalar(int phases, int j0, int j1, float[] src, int rowOff, int width, int x0,
            float[] dst, int dstOff, int dstStride) {
        for (int p = 0; p < phases; p++) {
            int dd = dstOff + p * dstStride;
            for (int i = j0; i < j1; i++) {
                int x = x0 + i * phases + p;
                dst[dd + i] = x >= 0 && x < width ? src[rowOff + x] : 0f;
            }
        }
    }

    /**
     * The vector part of {@link #splitClipped} for stride 4: a block of L tiles at a time, its load and store masks
     * made once (from lane bits, {@link VectorMask#fromLong}, as {@link #dropSegmentEnds}) for all the rows. A
     * block whose loads or stores would start before an array or reach past it (a row at the very start or end of
     * the input; a masked access reaching past an array takes the Vector API's lane-by-lane check, which cost
     * several percent of 64@56x56 when every channel block's last phase row ended there) goes element by element.
     */
    private static void splitClipped4(int count, int slack, float[] src, int rowOff, int srcRowStep, int width,
            int x0, int rows, float[] dst, int dstOff, int dstStride, int dstRowStep) {
        // Permute indexes in locals (see INDEXES: the static final vectors were reloaded every step).
        FloatVector s0 = FloatVector.fromArray(S, INDEXES, I_SPLIT4);
        FloatVector s1 = FloatVector.fromArray(S, INDEXES, I_SPLIT4 + L);
        FloatVector s2 = FloatVector.fromArray(S, INDEXES, I_SPLIT4 + 2 * L);
        FloatVector s3 = FloatVector.fromArray(S, INDEXES, I_SPLIT4 + 3 * L);
        FloatVector halves = FloatVector.fromArray(S, INDEXES, I_LOWER_HALVES);
        for (int j = 0; j < count; j += L) {
            int x = x0 + 4 * j;
            VectorMask<Float> ma = VectorMask.fromLong(S, lanes(x, width));
            VectorMask<Float> mb = VectorMask.fromLong(S, lanes(x + L, width));
            VectorMask<Float> mc = VectorMask.fromLong(S, lanes(x + 2 * L, width));
            VectorMask<Float> md = VectorMask.fromLong(S, lanes(x + 3 * L, width));
            VectorMask<Float> keep = VectorMask.fromLong(S, lanes(j, count));
            // Masked stores are slow on Zen 4: a whole vector where the caller's slack allows.
            boolean whole = j + L <= count + slack;
            for (int q = 0; q < rows; q++) {
                int at = rowOff + q * srcRowStep + x;
                int to = dstOff + q * dstRowStep + j;
                if (at < 0 || at + 4 * L > src.length || to + 3 * dstStride + L > dst.length) {
                    clippedScalar(4, j, Math.min(count, j + L), src, rowOff + q * srcRowStep, width, x0, dst,
                            dstOff + q * dstRowStep, dstStride);
                    continue;
                }
                FloatVector a = FloatVector.fromArray(S, src, at, ma);
                FloatVector b = FloatVector.fromArray(S, src, at + L, mb);
                FloatVector c = FloatVector.fromArray(S, src, at + 2 * L, mc);
                FloatVector d = FloatVector.fromArray(S, src, at + 3 * L, md);
                FloatVector v0 = halves.selectFrom(s0.selectFrom(a, b), s0.selectFrom(c, d));
                FloatVector v1 = halves.selectFrom(s1.selectFrom(a, b), s1.selectFrom(c, d));
                FloatVector v2 = halves.selectFrom(s2.selectFrom(a, b), s2.selectFrom(c, d));
                FloatVector v3 = halves.selectFrom(s3.selectFrom(a, b), s3.selectFrom(c, d));
                if (whole) {
                    v0.intoArray(dst, to);
                    v1.intoArray(dst, to + dstStride);
                    v2.intoArray(dst, to + 2 * dstStride);
                    v3.intoArray(dst, to + 3 * dstStride);
                } else {
                    v0.intoArray(dst, to, keep);
                    v1.intoArray(dst, to + dstStride, keep);
                    v2.intoArray(dst, to + 2 * dstStride, keep);
                    v3.intoArray(dst, to + 3 * dstStride, keep);
                }
            }
        }
    }

    /** {@link #splitClipped4} for stride 2. */
    private static void splitClipped2(int count, int slack, float[] src, int rowOff, int srcRowStep, int width,
            int x0, int rows, float[] dst, int dstOff, int dstStride, int dstRowStep) {
        FloatVector even = FloatVector.fromArray(S, INDEXES, I_SPLIT2);
        FloatVector odd = FloatVector.fromArray(S, INDEXES, I_SPLIT2 + L);
        for (int j = 0; j < count; j += L) {
            int x = x0 + 2 * j;
            VectorMask<Float> ma = VectorMask.fromLong(S, lanes(x, width));
            VectorMask<Float> mb = VectorMask.fromLong(S, lanes(x + L, width));
            VectorMask<Float> keep = VectorMask.fromLong(S, lanes(j, count));
            // Masked stores are slow on Zen 4: a whole vector where the caller's slack allows.
            boolean whole = j + L <= count + slack;
            for (int q = 0; q < rows; q++) {
                int at = rowOff + q * srcRowStep + x;
                int to = dstOff + q * dstRowStep + j;
                if (at < 0 || at + 2 * L > src.length || to + dstStride + L > dst.length) {
                    clippedScalar(2, j, Math.min(count, j + L), src, rowOff + q * srcRowStep, width, x0, dst,
                            dstOff + q * dstRowStep, dstStride);
                    continue;
                }
                FloatVector a = FloatVector.fromArray(S, src, at, ma);
                FloatVector b = FloatVector.fromArray(S, src, at + L, mb);
                FloatVector v0 = even.selectFrom(a, b);
                FloatVector v1 = odd.selectFrom(a, b);
                if (whole) {
                    v0.intoArray(dst, to);
                    v1.intoArray(dst, to + dstStride);
                } else {
                    v0.intoArray(dst, to, keep);
                    v1.intoArray(dst, to + dstStride, keep);
                }
            }
        }
    }

    /** Bits of the lanes n of a vector starting at index {@code at} with {@code 0 <= at + n < limit}. */
    static long lanes(int at, int limit) {
        int lo = Math.max(0, -at);
        int hi = Math.min(L, limit - at);
        if (hi <= lo) {
            return 0L;
        }
        long upTo = hi >= 64 ? -1L : (1L << hi) - 1;
        return upTo & -(1L << lo);
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
