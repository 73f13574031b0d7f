package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * {@code Backend.maxPool3s2Rows} and {@code maxPool3s2Block}: a 3-wide, stride-2 max along W over 1-3 input rows,
 * the window of ResNet's and SqueezeNet's MaxPool, straight from the input rows to the output row.
 *
 * <p>Rows first, then taps. L outputs starting at input column c need columns {@code c .. c + 2L}. A step loads two
 * vectors per input row at c and c + L (columns c .. c + 2L - 1, no other offsets) and takes their element-wise
 * max over the rows; two-source permutes split that pair by parity into the windows' first taps (even lanes) and
 * middle taps (odd lanes). The last taps are the first taps moved down one lane, the top lane being the next
 * step's first tap at column c + 2L: one more permute of this step's and the next step's first-tap vectors, so
 * the steps of a row form a chain that carries one vector pair. The row's last step, flush with the row's end
 * (recomputing a few outputs of the step before with identical values), has no next step: its top lane comes
 * from one more vector of row maxima ending at column 2 * count. Per 16 outputs: 6 loads, 6 maxima, 3 permutes.
 * The kernel of sessions 5-6 combined the rows twice, at c and at c + 1 (12 loads, most of them split over two
 * cache lines, and 10 maxima), and the op scanned each input plane for NaN first (about a fifth of its time).
 *
 * <p>The maximum is a compare and a blend, {@code acc < x ? x : acc}, not {@code FloatVector.max} (Java's NaN and
 * signed-zero rules cost about six instructions on x86 and made the older kernel 1.4 times slower). That form
 * skips a NaN x and keeps a NaN acc. The chain over the rows starts from row 0, so a row maximum is exact (the max
 * of the column's elements that are not NaN) unless row 0's element is NaN, and then it is NaN; the taps are then
 * exact whenever no row maximum the row reads is NaN. Each step adds {@code 0 * v} of its row maxima into two
 * running sums (one fma each; NaN for a NaN or infinite v), and a row whose sums end up NaN is recomputed by
 * {@link #scalar} with NaN taps skipped (MaxPool's reference results: NaN only when every tap is NaN). Inputs
 * without NaN or infinities never take that path. A mask or-ed up across the steps instead (two compares and two
 * mask ors per step) made the kernel 1.2 times slower than the older one: C2 handles a vector carried through a
 * loop well, a mask apparently not.
 *
 * <p>Every vector operation is written out in the method that loops (no helper takes or returns a vector: see
 * bench/README.md, "Vectors boxed by C2"); each row length class has its own method, compiled on its own. Tried
 * and left out (sessions 5-6): half-width vectors for rows shorter than a vector (once the full-width path had
 * run in the same JVM they ran 5 to 150 times slower, as if left uncompiled), and two output rows per step sharing
 * their common input row (a larger block method whose narrow path C2 then compiled without its vector calls
 * inlined in the network).
 */
final class VectorMaxPool3s2 {
    /**
     * Two-source permute indexes (selectFrom(a, b): index i < L is a's lane i, else b's lane i - L), one vector
     * each: EVEN lane j = element 2j of the pair, ODD 2j + 1; NEXT j + 1 (this step's first taps moved down, the
     * next step's first on top); LAST j + 1 for j < L - 1 and the second vector's top lane on top; EVEN_PLUS_TWO
     * 2j + 2 for j < L - 1 (top lane unused: the last taps of a row shorter than L). The methods load the ones
     * they use into locals before their loops. As static final FloatVector constants (sessions 5-6) they were
     * unboxed at each use inside the loop, and since the loop stores to a float[], C2 could not tell their payload
     * arrays from dst and reloaded them every step: 7-17% slower in the paired probe.
     */
    private static final float[] INDEXES = new float[5 * L];
    private static final int EVEN = 0;
    private static final int ODD = L;
    private static final int NEXT = 2 * L;
    private static final int LAST = 3 * L;
    private static final int EVEN_PLUS_TWO = 4 * L;

    static {
        for (int j = 0; j < L; j++) {
            INDEXES[EVEN + j] = 2 * j;
            INDEXES[ODD + j] = 2 * j + 1;
            INDEXES[NEXT + j] = j + 1;
            INDEXES[LAST + j] = j < L - 1 ? j + 1 : 2 * L - 1;
            INDEXES[EVEN_PLUS_TWO + j] = j < L - 1 ? 2 * j + 2 : 0;
        }
    }

    private VectorMaxPool3s2() {
    }

    /**
     * Arguments are assumed checked (PoolChecks.max3s2). Fewer than 3 rows are passed on as 3 with one repeated (a
     * max is the same over a row taken twice), so that one method with the rows written out does every row: the
     * border rows this serves are few. Rows shorter than a vector run scalar code, and the op does them in
     * {@link #block} when it can.
     */
    static void rows(float[] src, int sOff, int rows, int rowStep, int count, int lead, float[] dst, int dOff) {
        int second = rows > 1 ? rowStep : 0;
        int third = rows > 2 ? 2 * rowStep : second;
        if (count >= L) {
            full(src, sOff - lead, second, third, count, lead, dst, dOff);
        } else {
            scalar(src, sOff - lead, second, third, count, lead, dst, dOff);
        }
    }

    /**
     * {@code Backend.maxPool3s2Block}, arguments checked. Rows of at least a vector of outputs run {@link #full}.
     * Shorter rows (SqueezeNet's last pool: 13 outputs from 27 columns) run one step each, whose surplus lanes
     * read past the row's end (into the next row or plane: they only feed the surplus outputs) and are written
     * where the next row's outputs go, which that row then overwrites; the block's last row is stored under a lane
     * mask instead (it went through a per-thread buffer and an array copy until session 8), and a row whose reads
     * would pass the array's end runs scalar code. Before session
     * 6, such rows ran scalar code: 0.18 ms for 256 planes of 27x27 against 0.04 with whole vectors.
     */
    static void block(float[] src, int sOff, int rowStep, int sStep, int count, int n, int lead, float[] dst,
            int dOff, int dStep) {
        if (count == 0) {
            return;
        }
        if (count >= L) {
            for (int k = 0; k < n; k++) {
                full(src, sOff + k * sStep - lead, rowStep, 2 * rowStep, count, lead, dst, dOff + k * dStep);
            }
            return;
        }
        // a step reads 2L columns of each row, writes L outputs: where the surplus lanes would pass the array
        // (reads) or the block's last output (writes), that row goes through the buffer or scalar code
        long lastRead = 2L * rowStep + 2L * L;
        long blockEnd = dOff + (long) (n - 1) * dStep + count;
        // the columns the row's windows read, lead .. 2 * count from the window of output 0, in the two vectors
        // of row maxima; column 0 with a lead is padding (masked off the loads, then -inf)
        VectorMask<Float> cols0 = S.indexInRange(-lead, 2 * count + 1 - lead);
        VectorMask<Float> cols1 = S.indexInRange(L, 2 * count + 1);
        VectorMask<Float> inside = S.indexInRange(-lead, L);
        VectorMask<Float> outputs = S.indexInRange(0, count);
        FloatVector padding = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        FloatVector even = FloatVector.fromArray(S, INDEXES, EVEN);
        FloatVector odd = FloatVector.fromArray(S, INDEXES, ODD);
        FloatVector evenPlusTwo = FloatVector.fromArray(S, INDEXES, EVEN_PLUS_TWO);
        for (int k = 0; k < n; k++) {
            int s = sOff + k * sStep - lead;
            int d = dOff + k * dStep;
            if (s + lastRead > src.length) {
                scalar(src, s, rowStep, 2 * rowStep, count, lead, dst, d);
                continue;
            }
            FloatVector v0 = FloatVector.fromArray(S, src, s, inside);
            FloatVector v1 = FloatVector.fromArray(S, src, s + L);
            FloatVector x0 = FloatVector.fromArray(S, src, s + rowStep, inside);
            FloatVector x1 = FloatVector.fromArray(S, src, s + rowStep + L);
            v0 = v0.blend(x0, v0.compare(VectorOperators.LT, x0));
            v1 = v1.blend(x1, v1.compare(VectorOperators.LT, x1));
            x0 = FloatVector.fromArray(S, src, s + 2 * rowStep, inside);
            x1 = FloatVector.fromArray(S, src, s + 2 * rowStep + L);
            v0 = v0.blend(x0, v0.compare(VectorOperators.LT, x0));
            v1 = v1.blend(x1, v1.compare(VectorOperators.LT, x1));
            // a NaN row maximum (row 0 had NaN there) in the row's own columns: lanes past them read other rows
            boolean bad = v0.compare(VectorOperators.NE, v0, cols0).or(v1.compare(VectorOperators.NE, v1, cols1))
                    .anyTrue();
            v0 = padding.blend(v0, inside);
            FloatVector first = even.selectFrom(v0, v1);
            FloatVector mid = odd.selectFrom(v0, v1);
            FloatVector last = evenPlusTwo.selectFrom(v0, v1);
            FloatVector m = first.blend(mid, first.compare(VectorOperators.LT, mid));
            m = m.blend(last, m.compare(VectorOperators.LT, last));
            if (d + L <= blockEnd) {
                m.intoArray(dst, d);
            } else {
                m.intoArray(dst, d, outputs); // the block's last row: its surplus lanes must not pass the block
            }
            if (bad) {
                scalar(src, s, rowStep, 2 * rowStep, count, lead, dst, d);
            }
        }
    }

    /**
     * A row of at least L outputs over the input rows at {@code sOff}, {@code sOff + second} and {@code sOff +
     * third}, the window of output 0 starting at column 0 (column {@code lead} when column 0 is padding): the chain
     * of steps described in the class comment.
     */
    private static void full(float[] src, int sOff, int second, int third, int count, int lead, float[] dst,
            int dOff) {
        int last = count - L;
        FloatVector even = FloatVector.fromArray(S, INDEXES, EVEN);
        FloatVector odd = FloatVector.fromArray(S, INDEXES, ODD);
        FloatVector next = FloatVector.fromArray(S, INDEXES, NEXT);
        // step 0: row maxima of columns 0 .. 2L - 1; a padding column 0 is masked off the loads (so it may lie
        // before the array's start), then set to -inf
        VectorMask<Float> inside = S.indexInRange(-lead, L);
        FloatVector v0 = FloatVector.fromArray(S, src, sOff, inside);
        FloatVector v1 = FloatVector.fromArray(S, src, sOff + L);
        FloatVector x0 = FloatVector.fromArray(S, src, sOff + second, inside);
        FloatVector x1 = FloatVector.fromArray(S, src, sOff + second + L);
        FloatVector y0 = FloatVector.fromArray(S, src, sOff + third, inside);
        FloatVector y1 = FloatVector.fromArray(S, src, sOff + third + L);
        v0 = v0.blend(x0, v0.compare(VectorOperators.LT, x0));
        v1 = v1.blend(x1, v1.compare(VectorOperators.LT, x1));
        v0 = v0.blend(y0, v0.compare(VectorOperators.LT, y0));
        v1 = v1.blend(y1, v1.compare(VectorOperators.LT, y1));
        // x * 0 is NaN for a NaN or infinite x, else 0: NaN row maxima (row 0 had NaN there) show in these sums
        FloatVector zero = FloatVector.zero(S);
        FloatVector bad0 = v0.mul(zero);
        FloatVector bad1 = v1.mul(zero);
        v0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY).blend(v0, inside);
        FloatVector first = even.selectFrom(v0, v1);
        FloatVector mid = odd.selectFrom(v0, v1);
        int p = 0;
        while (p < last) {
            // the next step, flush with the row's end when fewer than L outputs are left after this one (then
            // this step's top lane is wrong, and the next step overwrites it)
            int q = Math.min(p + L, last);
            int c = sOff + 2 * q;
            FloatVector n0 = FloatVector.fromArray(S, src, c);
            FloatVector n1 = FloatVector.fromArray(S, src, c + L);
            x0 = FloatVector.fromArray(S, src, c + second);
            x1 = FloatVector.fromArray(S, src, c + second + L);
            y0 = FloatVector.fromArray(S, src, c + third);
            y1 = FloatVector.fromArray(S, src, c + third + L);
            n0 = n0.blend(x0, n0.compare(VectorOperators.LT, x0));
            n1 = n1.blend(x1, n1.compare(VectorOperators.LT, x1));
            n0 = n0.blend(y0, n0.compare(VectorOperators.LT, y0));
            n1 = n1.blend(y1, n1.compare(VectorOperators.LT, y1));
            bad0 = n0.fma(zero, bad0);
            bad1 = n1.fma(zero, bad1);
            FloatVector nextFirst = even.selectFrom(n0, n1);
            FloatVector tap3 = next.selectFrom(first, nextFirst);
            FloatVector m = first.blend(mid, first.compare(VectorOperators.LT, mid));
            m.blend(tap3, m.compare(VectorOperators.LT, tap3)).intoArray(dst, dOff + p);
            first = nextFirst;
            mid = odd.selectFrom(n0, n1);
            p = q;
        }
        // the last step's top output needs column 2 * count: row maxima of columns 2 * count - L + 1 .. 2 * count
        int c = sOff + 2 * last + L + 1;
        FloatVector e = FloatVector.fromArray(S, src, c);
        x0 = FloatVector.fromArray(S, src, c + second);
        y0 = FloatVector.fromArray(S, src, c + third);
        e = e.blend(x0, e.compare(VectorOperators.LT, x0));
        e = e.blend(y0, e.compare(VectorOperators.LT, y0));
        bad0 = e.fma(zero, bad0).add(bad1);
        FloatVector tap3 = FloatVector.fromArray(S, INDEXES, LAST).selectFrom(first, e);
        FloatVector m = first.blend(mid, first.compare(VectorOperators.LT, mid));
        m.blend(tap3, m.compare(VectorOperators.LT, tap3)).intoArray(dst, dOff + last);
        if (bad0.compare(VectorOperators.NE, bad0).anyTrue()) {
            // a NaN in row 0 of some window (or an infinite row maximum, which the sums cannot tell from it)
            scalar(src, sOff, second, third, count, lead, dst, dOff);
        }
    }

    /**
     * The reference results over the input rows at {@code sOff}, {@code sOff + second} and {@code sOff + third},
     * the window of output 0 starting at column {@code lead}: the max of each window's taps that are not NaN, NaN
     * when all of them are. Math.max first (branch-free; a compare-and-branch per tap mispredicts half the time on
     * real data), the NaN-skipping loop for an output only when that gave NaN.
     */
    private static void scalar(float[] src, int sOff, int second, int third, int count, int lead, float[] dst,
            int dOff) {
        for (int i = 0; i < count; i++) {
            int s0 = sOff + 2 * i;
            int t0 = i == 0 ? lead : 0;
            float m = Float.NEGATIVE_INFINITY;
            for (int t = t0; t < 3; t++) {
                m = Math.max(m, Math.max(src[s0 + t], Math.max(src[s0 + second + t], src[s0 + third + t])));
            }
            if (m != m) {
                float best = Float.NEGATIVE_INFINITY;
                boolean any = false;
                for (int b = 0; b < 3; b++) {
                    int s = s0 + (b == 0 ? 0 : b == 1 ? second : third);
                    for (int t = t0; t < 3; t++) {
                        if (src[s + t] >= best) {
                            best = src[s + t];
                            any = true;
                        }
                    }
                }
                m = any ? best : Float.NaN;
            }
            dst[dOff + i] = m;
        }
    }
}
