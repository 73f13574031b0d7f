package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code Backend.maxPool3s2Rows}: a 3-wide, stride-2 max along W over 1-3 input rows, the window of ResNet's and
 * SqueezeNet's MaxPool, straight from the input rows to the output row with no intermediate buffer.
 *
 * <p>For L outputs starting at input column c the kernel needs columns {@code c .. c + 2L}. It takes the rows'
 * element-wise max of two vector pairs, at c (columns c .. c + 2L - 1) and at c + 1 (c + 1 .. c + 2L), and
 * splits them by parity with one two-source permute each: the even lanes of the first pair are the windows' first
 * taps, the even lanes of the second pair their middle taps, its odd lanes their last taps. Every column read is
 * one the outputs need (no read past {@code 2 * count}), so the last step can sit flush with the row's end,
 * recomputing a few outputs with identical values instead of a scalar tail. Rows with fewer outputs than a
 * vector use vectors of half the width (SqueezeNet's 13-wide rows), then scalar code.
 *
 * <p>The method is called once per output row (thousands of times per model run), so C2 compiles it after a few
 * runs; see {@code VectorPooling.tapsRow} for why that matters for Vector API code.
 */
final class VectorMaxPool3s2 {
    /** Half-width vectors, for rows shorter than a full vector of outputs; null when L < 8. */
    private static final VectorSpecies<Float> H = L >= 8
            ? FloatVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(S.vectorBitSize() / 2))
            : null;
    private static final int LH = H == null ? Integer.MAX_VALUE : H.length();
    /** Lane j of SPLIT_EVEN / SPLIT_ODD = element 2j / 2j + 1 of a source pair (selectFrom(a, b)). */
    private static final FloatVector SPLIT_EVEN = VectorInterleave.SPLIT2[0];
    private static final FloatVector SPLIT_ODD = VectorInterleave.SPLIT2[1];
    private static final FloatVector HALF_EVEN;
    private static final FloatVector HALF_ODD;

    static {
        if (H != null) {
            float[] e = new float[LH];
            float[] o = new float[LH];
            for (int j = 0; j < LH; j++) {
                e[j] = 2 * j;
                o[j] = 2 * j + 1;
            }
            HALF_EVEN = FloatVector.fromArray(H, e, 0);
            HALF_ODD = FloatVector.fromArray(H, o, 0);
        } else {
            HALF_EVEN = null;
            HALF_ODD = null;
        }
    }

    private VectorMaxPool3s2() {
    }

    /** Arguments are assumed checked (PoolChecks.max3s2). */
    static void rows(float[] src, int sOff, int rows, int rowStep, int count, float[] dst, int dOff) {
        if (count >= L) {
            int last = count - L;
            for (int i = 0; ; i += L) {
                i = Math.min(i, last);
                step(src, sOff + 2 * i, rows, rowStep, dst, dOff + i);
                if (i == last) {
                    return;
                }
            }
        }
        int i = 0;
        if (count >= LH) {
            int last = count - LH;
            for (; ; i += LH) {
                i = Math.min(i, last);
                halfStep(src, sOff + 2 * i, rows, rowStep, dst, dOff + i);
                if (i == last) {
                    return;
                }
            }
        }
        for (; i < count; i++) {
            float m = Float.NEGATIVE_INFINITY;
            for (int b = 0; b < rows; b++) {
                int s = sOff + b * rowStep + 2 * i;
                m = Math.max(m, Math.max(src[s], Math.max(src[s + 1], src[s + 2])));
            }
            dst[dOff + i] = m;
        }
    }

    /** L outputs from columns {@code c .. c + 2L} of the rows. */
    private static void step(float[] src, int c, int rows, int rowStep, float[] dst, int d) {
        FloatVector a0 = FloatVector.fromArray(S, src, c);
        FloatVector a1 = FloatVector.fromArray(S, src, c + L);
        FloatVector b0 = FloatVector.fromArray(S, src, c + 1);
        FloatVector b1 = FloatVector.fromArray(S, src, c + 1 + L);
        for (int r = 1, s = c + rowStep; r < rows; r++, s += rowStep) {
            a0 = a0.max(FloatVector.fromArray(S, src, s));
            a1 = a1.max(FloatVector.fromArray(S, src, s + L));
            b0 = b0.max(FloatVector.fromArray(S, src, s + 1));
            b1 = b1.max(FloatVector.fromArray(S, src, s + 1 + L));
        }
        FloatVector first = SPLIT_EVEN.selectFrom(a0, a1);
        FloatVector middle = SPLIT_EVEN.selectFrom(b0, b1);
        FloatVector lastTap = SPLIT_ODD.selectFrom(b0, b1);
        first.max(middle).max(lastTap).intoArray(dst, d);
    }

    /** As {@link #step} with half-width vectors. */
    private static void halfStep(float[] src, int c, int rows, int rowStep, float[] dst, int d) {
        FloatVector a0 = FloatVector.fromArray(H, src, c);
        FloatVector a1 = FloatVector.fromArray(H, src, c + LH);
        FloatVector b0 = FloatVector.fromArray(H, src, c + 1);
        FloatVector b1 = FloatVector.fromArray(H, src, c + 1 + LH);
        for (int r = 1, s = c + rowStep; r < rows; r++, s += rowStep) {
            a0 = a0.max(FloatVector.fromArray(H, src, s));
            a1 = a1.max(FloatVector.fromArray(H, src, s + LH));
            b0 = b0.max(FloatVector.fromArray(H, src, s + 1));
            b1 = b1.max(FloatVector.fromArray(H, src, s + 1 + LH));
        }
        FloatVector first = HALF_EVEN.selectFrom(a0, a1);
        FloatVector middle = HALF_EVEN.selectFrom(b0, b1);
        FloatVector lastTap = HALF_ODD.selectFrom(b0, b1);
        first.max(middle).max(lastTap).intoArray(dst, d);
    }
}
