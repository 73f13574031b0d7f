package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * {@code Backend.maxPool3s2Rows}: a 3-wide, stride-2 max along W over 1-3 input rows, the window of ResNet's and
 * SqueezeNet's MaxPool, straight from the input rows to the output row with no intermediate buffer.
 *
 * <p>L outputs starting at input column c need columns {@code c .. c + 2L}. The rows are combined element-wise in
 * two vector pairs, at c (columns c .. c + 2L - 1) and at c + 1 (c + 1 .. c + 2L), and two-source permutes split
 * them by parity: the even lanes of the first pair are the windows' first taps, the even lanes of the second pair
 * their middle taps, its odd lanes their last taps. Every column read is one the outputs need, so the last step
 * sits flush with the row's end, recomputing a few outputs with identical values instead of running a scalar
 * tail. Rows with fewer outputs than a vector run scalar code. Tried and left out: half-width vectors for such
 * rows (fast in isolation, but once the full-width path had run in the same JVM they ran 5 to 150 times slower,
 * as if left uncompiled; not understood), and combining each column across the rows only once, the next step's
 * first vector carried over and shifted by a lane (1.3 times slower: 0.23 against 0.17 ms for 64@112, load 15).
 *
 * <p>The maximum is a compare and a blend ({@code a < b ? b : a}), not {@code FloatVector.max}: with Java's NaN and
 * signed-zero rules that is a sequence of about six instructions on x86, and it made this kernel 1.4 times slower.
 * A NaN may therefore be dropped or kept, so the backend contract leaves windows with NaN unspecified and the
 * caller (ops.nn.pool.MaxPool3x3s2) checks its planes for NaN first.
 *
 * <p>The method is called once per output row (thousands of times per model run), so C2 compiles it after a few
 * runs; see {@code VectorPooling.tapsRow} for why that matters for Vector API code.
 */
final class VectorMaxPool3s2 {
    /** Two-source permute indexes (selectFrom(a, b)): lane j = element 2j or 2j + 1 of the pair. */
    private static final FloatVector EVEN = VectorInterleave.SPLIT2[0];
    private static final FloatVector ODD = VectorInterleave.SPLIT2[1];

    private VectorMaxPool3s2() {
    }

    /**
     * Arguments are assumed checked (PoolChecks.max3s2); windows holding a NaN get an unspecified value. Each row
     * length class has its own method, compiled on its own. Rows shorter than a vector run scalar code, and the
     * op keeps its general path for them (see ops.nn.pool.MaxPool3x3s2).
     */
    static void rows(float[] src, int sOff, int rows, int rowStep, int count, float[] dst, int dOff) {
        if (count >= L) {
            full(src, sOff, rows, rowStep, count, dst, dOff);
        } else {
            scalar(src, sOff, rows, rowStep, count, dst, dOff);
        }
    }

    /**
     * {@code Backend.maxPool3s2Block}, arguments checked. Rows of at least a vector of outputs run {@link #full}.
     * Shorter rows (SqueezeNet's last pool: 13 outputs from 27 columns) run one {@link #pairStep} each, whose
     * surplus lanes read past the row's end (into the next row or plane: they only feed the surplus outputs) and
     * are written where the next row's outputs go, which that row then overwrites; the block's last row, and any
     * row whose reads would pass the array's end, go through a small per-thread buffer instead. Before this, such
     * rows ran scalar code: 0.18 ms for 256 planes of 27x27 against 0.04 with whole vectors.
     */
    static void block(float[] src, int sOff, int rowStep, int sStep, int count, int n, float[] dst, int dOff,
            int dStep) {
        if (count == 0) {
            return;
        }
        if (count >= L) {
            for (int k = 0; k < n; k++) {
                full(src, sOff + k * sStep, 3, rowStep, count, dst, dOff + k * dStep);
            }
            return;
        }
        // a step reads 2L + 1 columns of each row, writes L outputs: where the surplus lanes would pass the array
        // (reads) or the block's last output (writes), that row goes through the buffer or scalar code
        long lastRead = 2L * rowStep + 2L * L;
        long blockEnd = dOff + (long) (n - 1) * dStep + count;
        float[] tmp = null;
        for (int k = 0; k < n; k++) {
            int s = sOff + k * sStep;
            int d = dOff + k * dStep;
            if (s + lastRead >= src.length) {
                scalar(src, s, 3, rowStep, count, dst, d);
            } else if (d + L <= blockEnd) {
                pairStep(src, s, 3, rowStep, dst, d);
            } else {
                if (tmp == null) {
                    tmp = TEMP.get();
                }
                pairStep(src, s, 3, rowStep, tmp, 0);
                System.arraycopy(tmp, 0, dst, d, count);
            }
        }
    }

    /** One vector of outputs for the block's last row (its surplus lanes must not pass the block). */
    private static final ThreadLocal<float[]> TEMP = ThreadLocal.withInitial(() -> new float[L]);

    private static void full(float[] src, int sOff, int rows, int rowStep, int count, float[] dst, int dOff) {
        int last = count - L;
        for (int i = 0; ; i += L) {
            i = Math.min(i, last);
            pairStep(src, sOff + 2 * i, rows, rowStep, dst, dOff + i);
            if (i == last) {
                return;
            }
        }
    }

    private static void scalar(float[] src, int sOff, int rows, int rowStep, int count, float[] dst, int dOff) {
        for (int i = 0; i < count; i++) {
            float m = Float.NEGATIVE_INFINITY;
            for (int b = 0; b < rows; b++) {
                int s = sOff + b * rowStep + 2 * i;
                m = Math.max(m, Math.max(src[s], Math.max(src[s + 1], src[s + 2])));
            }
            dst[dOff + i] = m;
        }
    }

    /** L outputs from columns {@code c .. c + 2L} only: two vector pairs, at c and at c + 1, split by parity. */
    private static void pairStep(float[] src, int c, int rows, int rowStep, float[] dst, int d) {
        FloatVector a0 = FloatVector.fromArray(S, src, c);
        FloatVector a1 = FloatVector.fromArray(S, src, c + L);
        FloatVector b0 = FloatVector.fromArray(S, src, c + 1);
        FloatVector b1 = FloatVector.fromArray(S, src, c + 1 + L);
        // The larger of two by compare and blend (neither is NaN), written out at each site on the fresh vector
        // rather than through a max(a, b) helper: see VectorPooling.rowStep on shared helpers and C2's profiles.
        for (int r = 1, s = c + rowStep; r < rows; r++, s += rowStep) {
            FloatVector x0 = FloatVector.fromArray(S, src, s);
            FloatVector x1 = FloatVector.fromArray(S, src, s + L);
            FloatVector y0 = FloatVector.fromArray(S, src, s + 1);
            FloatVector y1 = FloatVector.fromArray(S, src, s + 1 + L);
            a0 = x0.blend(a0, x0.compare(VectorOperators.LT, a0));
            a1 = x1.blend(a1, x1.compare(VectorOperators.LT, a1));
            b0 = y0.blend(b0, y0.compare(VectorOperators.LT, b0));
            b1 = y1.blend(b1, y1.compare(VectorOperators.LT, b1));
        }
        FloatVector first = EVEN.selectFrom(a0, a1);
        FloatVector middle = EVEN.selectFrom(b0, b1);
        FloatVector last = ODD.selectFrom(b0, b1);
        FloatVector m = middle.blend(first, middle.compare(VectorOperators.LT, first));
        last.blend(m, last.compare(VectorOperators.LT, m)).intoArray(dst, d);
    }
}
