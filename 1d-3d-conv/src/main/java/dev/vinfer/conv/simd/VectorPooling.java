package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import dev.vinfer.conv.PoolReduction;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

/**
 * The pooling primitives of {@link VectorBackend} (see {@code Backend.poolRows} and friends for the definitions).
 *
 * <p>Rows and taps are whole vectors: a row whose length is not a multiple of the step ends with one more step
 * placed flush with its end, overlapping values already done. The recomputed outputs get the very same value (each
 * is a function of the source alone), so no scalar tail runs for rows of at least a step; only rows shorter than a
 * step run scalar code (except {@link #maxRuns} on rows stored back to back, see there). (Masked tails were
 * avoided: they were not always compiled to masked instructions and then ran the Vector API's slow Java fallback.)
 * The stride-2 and stride-4 phase splits use two-source lane permutes ({@code index.selectFrom(a, b)}) on the
 * combined rows while they are still in registers; other strides split in scalar code.
 */
final class VectorPooling {
    /** Lane numbers 0, 1, ..., L - 1 (as floats), for the mask of a sum's overlapping tail. */
    private static final FloatVector IOTA;

    static {
        float[] t = new float[L];
        for (int j = 0; j < L; j++) {
            t[j] = j;
        }
        IOTA = FloatVector.fromArray(S, t, 0);
    }

    private VectorPooling() {
    }

    static void rows(PoolReduction op, float[] src, int sOff, int planes, int planeStep, int rows, int rowStep,
            int len, int phases, float[] dst, int dOff, int pitch) {
        if (len == 0) {
            return;
        }
        if (planes == 0 || rows == 0) {
            for (int x = 0; x < len; x++) {
                dst[dOff + x % phases * pitch + x / phases] = op.identity();
            }
            return;
        }
        boolean max = op == PoolReduction.MAX;
        int step = phases * L;
        boolean vectorSplit = phases == 1 || phases == 2 || phases == 4 && L >= 4;
        if (!vectorSplit || len < step) {
            // Rows too short for a split step, or a stride without a permute: combine the rows into a plain row
            // (in vectors when it is at least one long), then split it in scalar code.
            float[] row = phases == 1 ? dst : temp(len);
            int rOff = phases == 1 ? dOff : 0;
            if (len >= L) {
                for (int x = 0; ; x += L) {
                    x = Math.min(x, len - L);
                    rowStep(max, src, sOff + x, planes, planeStep, rows, rowStep, 1, row, rOff + x, 0);
                    if (x == len - L) {
                        break;
                    }
                }
            } else {
                combineScalar(max, src, sOff, planes, planeStep, rows, rowStep, len, row, rOff);
            }
            if (phases > 1) {
                for (int p = 0; p < phases; p++) {
                    int d = dOff + p * pitch;
                    for (int j = 0, x = p; x < len; j++, x += phases) {
                        dst[d + j] = row[x];
                    }
                }
            }
            return;
        }
        int x = 0;
        for (; x + step <= len; x += step) {
            rowStep(max, src, sOff + x, planes, planeStep, rows, rowStep, phases, dst, dOff + x / phases, pitch);
        }
        int done = x;
        if (x < len) {
            // flush with the end, but on a multiple of phases so that lanes stay in their phase
            int last = (len - step) / phases * phases;
            rowStep(max, src, sOff + last, planes, planeStep, rows, rowStep, phases, dst, dOff + last / phases,
                    pitch);
            done = last + step;
        }
        // at most phases - 1 values are left
        for (x = done; x < len; x++) {
            float acc = src[sOff + x];
            for (int a = 0; a < planes; a++) {
                for (int b = a == 0 ? 1 : 0; b < rows; b++) {
                    float v = src[sOff + a * planeStep + b * rowStep + x];
                    acc = max ? Math.max(acc, v) : acc + v;
                }
            }
            dst[dOff + x % phases * pitch + x / phases] = acc;
        }
    }

    /** A row shorter than a vector: row by row, each a contiguous loop (which C2 may still vectorize). */
    private static void combineScalar(boolean max, float[] src, int sOff, int planes, int planeStep, int rows,
            int rowStep, int len, float[] out, int oOff) {
        System.arraycopy(src, sOff, out, oOff, len);
        for (int a = 0; a < planes; a++) {
            for (int b = a == 0 ? 1 : 0; b < rows; b++) {
                int s = sOff + a * planeStep + b * rowStep;
                if (max) {
                    for (int i = 0; i < len; i++) {
                        out[oOff + i] = Math.max(out[oOff + i], src[s + i]);
                    }
                } else {
                    for (int i = 0; i < len; i++) {
                        out[oOff + i] += src[s + i];
                    }
                }
            }
        }
    }

    private static final ThreadLocal<float[]> TEMP = ThreadLocal.withInitial(() -> new float[256]);

    private static float[] temp(int n) {
        float[] t = TEMP.get();
        if (t.length < n) {
            t = new float[n];
            TEMP.set(t);
        }
        return t;
    }

    // max or add is written out at each site, on the freshly loaded vector, rather than through a shared
    // apply(max, acc, v) helper: C2 inlines the Vector API's virtual methods from each call site's type profile,
    // and one JVM in a few dozen compiled rowStep from a profile that had none for the helper's max site: the
    // compiled code then boxed every vector (100 KB a run for a small CNN, at the interpreter's pace) until exit.

    /** One step: {@code phases} vectors of every row combined, then split into one vector per phase. */
    private static void rowStep(boolean max, float[] src, int s0, int planes, int planeStep, int rows, int rowStep,
            int phases, float[] dst, int d0, int pitch) {
        if (phases == 1) {
            FloatVector acc = FloatVector.fromArray(S, src, s0);
            for (int a = 0; a < planes; a++) {
                for (int b = a == 0 ? 1 : 0; b < rows; b++) {
                    FloatVector xacc = FloatVector.fromArray(S, src, s0 + a * planeStep + b * rowStep);
                    acc = max ? xacc.max(acc) : xacc.add(acc);
                }
            }
            acc.intoArray(dst, d0);
        } else if (phases == 2) {
            FloatVector v0 = FloatVector.fromArray(S, src, s0);
            FloatVector v1 = FloatVector.fromArray(S, src, s0 + L);
            for (int a = 0; a < planes; a++) {
                for (int b = a == 0 ? 1 : 0; b < rows; b++) {
                    int s = s0 + a * planeStep + b * rowStep;
                    FloatVector xv0 = FloatVector.fromArray(S, src, s);
                    v0 = max ? xv0.max(v0) : xv0.add(v0);
                    FloatVector xv1 = FloatVector.fromArray(S, src, s + L);
                    v1 = max ? xv1.max(v1) : xv1.add(v1);
                }
            }
            VectorInterleave.SPLIT2[0].selectFrom(v0, v1).intoArray(dst, d0);
            VectorInterleave.SPLIT2[1].selectFrom(v0, v1).intoArray(dst, d0 + pitch);
        } else {
            FloatVector v0 = FloatVector.fromArray(S, src, s0);
            FloatVector v1 = FloatVector.fromArray(S, src, s0 + L);
            FloatVector v2 = FloatVector.fromArray(S, src, s0 + 2 * L);
            FloatVector v3 = FloatVector.fromArray(S, src, s0 + 3 * L);
            for (int a = 0; a < planes; a++) {
                for (int b = a == 0 ? 1 : 0; b < rows; b++) {
                    int s = s0 + a * planeStep + b * rowStep;
                    FloatVector xv0 = FloatVector.fromArray(S, src, s);
                    v0 = max ? xv0.max(v0) : xv0.add(v0);
                    FloatVector xv1 = FloatVector.fromArray(S, src, s + L);
                    v1 = max ? xv1.max(v1) : xv1.add(v1);
                    FloatVector xv2 = FloatVector.fromArray(S, src, s + 2 * L);
                    v2 = max ? xv2.max(v2) : xv2.add(v2);
                    FloatVector xv3 = FloatVector.fromArray(S, src, s + 3 * L);
                    v3 = max ? xv3.max(v3) : xv3.add(v3);
                }
            }
            for (int p = 0; p < 4; p++) {
                FloatVector lo = VectorInterleave.SPLIT4[p].selectFrom(v0, v1);
                FloatVector hi = VectorInterleave.SPLIT4[p].selectFrom(v2, v3);
                VectorInterleave.LOWER_HALVES.selectFrom(lo, hi).intoArray(dst, d0 + p * pitch);
            }
        }
    }

    /** See {@code Backend#maxRuns}; arguments checked by the caller. */
    static void maxRuns(int k, float[] src, int sOff, int sPitch, int rows, int cols, float[] dst, int dOff,
            int dPitch) {
        // Rows shorter than a vector, stored back to back (M5's last pool: 512 rows of 15 outputs from 62 samples):
        // one whole vector step a row, its lanes past the row's end landing on the next rows' outputs, which their
        // own steps (in order) write again. Only while those lanes stay inside this call's output (another thread
        // may own what follows) and the loads inside the input array; the last rows, and rows stored apart, run
        // the scalar loop, which took 44 of that pool's 46 microseconds (one thread, this Xeon).
        boolean backToBack = cols < L && dPitch == cols;
        int end = dOff + rows * dPitch;
        for (int r = 0; r < rows; r++) {
            int s = sOff + r * sPitch;
            int d = dOff + r * dPitch;
            int n = backToBack && d + L <= end && s + k * L <= src.length ? L : cols;
            if (k == 4) {
                maxRuns4Row(src, s, n, dst, d);
            } else {
                maxRuns2Row(src, s, n, dst, d);
            }
        }
    }

    /**
     * One row of runs of 4: per L outputs, the even and odd lanes of each pair of input vectors (two-source permutes)
     * give the maxima of pairs, and the even and odd lanes of those the maxima of fours. A method per row, so that
     * it is compiled with C2 early (see {@link #tapsRow}).
     */
    private static void maxRuns4Row(float[] src, int s, int cols, float[] dst, int d) {
        FloatVector even = FloatVector.fromArray(S, VectorInterleave.INDEXES, VectorInterleave.I_SPLIT2);
        FloatVector odd = FloatVector.fromArray(S, VectorInterleave.INDEXES, VectorInterleave.I_SPLIT2 + L);
        if (cols < L) {
            for (int i = 0; i < cols; i++) {
                int x = s + 4 * i;
                dst[d + i] = Math.max(Math.max(src[x], src[x + 1]), Math.max(src[x + 2], src[x + 3]));
            }
            return;
        }
        // whole steps, the last one flush with the row's end (overlapping outputs get the same values again)
        for (int i = 0; ; i += L) {
            i = Math.min(i, cols - L);
            int x = s + 4 * i;
            FloatVector v0 = FloatVector.fromArray(S, src, x);
            FloatVector v1 = FloatVector.fromArray(S, src, x + L);
            FloatVector v2 = FloatVector.fromArray(S, src, x + 2 * L);
            FloatVector v3 = FloatVector.fromArray(S, src, x + 3 * L);
            FloatVector m01 = even.selectFrom(v0, v1).max(odd.selectFrom(v0, v1));
            FloatVector m23 = even.selectFrom(v2, v3).max(odd.selectFrom(v2, v3));
            even.selectFrom(m01, m23).max(odd.selectFrom(m01, m23)).intoArray(dst, d + i);
            if (i == cols - L) {
                return;
            }
        }
    }

    /** One row of runs of 2: the even and odd lanes of each pair of input vectors. */
    private static void maxRuns2Row(float[] src, int s, int cols, float[] dst, int d) {
        FloatVector even = FloatVector.fromArray(S, VectorInterleave.INDEXES, VectorInterleave.I_SPLIT2);
        FloatVector odd = FloatVector.fromArray(S, VectorInterleave.INDEXES, VectorInterleave.I_SPLIT2 + L);
        if (cols < L) {
            for (int i = 0; i < cols; i++) {
                dst[d + i] = Math.max(src[s + 2 * i], src[s + 2 * i + 1]);
            }
            return;
        }
        for (int i = 0; ; i += L) {
            i = Math.min(i, cols - L); // the last step flush with the row's end, as maxRuns4Row
            int x = s + 2 * i;
            FloatVector v0 = FloatVector.fromArray(S, src, x);
            FloatVector v1 = FloatVector.fromArray(S, src, x + L);
            even.selectFrom(v0, v1).max(odd.selectFrom(v0, v1)).intoArray(dst, d + i);
            if (i == cols - L) {
                return;
            }
        }
    }

    static void taps(PoolReduction op, int taps, int[] tapOff, float[] src, int sOff, int sPitch, int rows,
            int cols, float[] dst, int dOff, int dPitch) {
        boolean max = op == PoolReduction.MAX;
        if (cols < L) {
            // tap by tap across the row: contiguous loops instead of a short dependent chain per output
            for (int r = 0; r < rows; r++) {
                int s = sOff + r * sPitch;
                int d = dOff + r * dPitch;
                System.arraycopy(src, s + tapOff[0], dst, d, cols);
                for (int t = 1; t < taps; t++) {
                    int st = s + tapOff[t];
                    if (max) {
                        for (int i = 0; i < cols; i++) {
                            dst[d + i] = Math.max(dst[d + i], src[st + i]);
                        }
                    } else {
                        for (int i = 0; i < cols; i++) {
                            dst[d + i] += src[st + i];
                        }
                    }
                }
            }
            return;
        }
        for (int r = 0; r < rows; r++) {
            tapsRow(max, taps, tapOff, src, sOff + r * sPitch, cols, dst, dOff + r * dPitch);
        }
    }

    /**
     * One row of {@link #taps} ({@code cols >= L}). A method per row on purpose: it is called thousands of times per
     * model run, so HotSpot compiles it with C2 after a few runs; vector code in a method called once per layer
     * stays for hundreds of runs in C1 code, where every vector is an object (30-300 times slower).
     */
    private static void tapsRow(boolean max, int taps, int[] tapOff, float[] src, int s, int cols, float[] dst,
            int d) {
        int last = cols - L;
        if (taps == 3) {
            int s0 = s + tapOff[0];
            int s1 = s + tapOff[1];
            int s2 = s + tapOff[2];
            for (int i = 0; ; i += L) {
                i = Math.min(i, last);
                FloatVector x0 = FloatVector.fromArray(S, src, s0 + i);
                FloatVector x1 = FloatVector.fromArray(S, src, s1 + i);
                FloatVector x2 = FloatVector.fromArray(S, src, s2 + i);
                FloatVector acc = max ? x1.max(x0) : x1.add(x0);
                (max ? x2.max(acc) : x2.add(acc)).intoArray(dst, d + i);
                if (i == last) {
                    break;
                }
            }
        } else {
            for (int i = 0; ; i += L) {
                i = Math.min(i, last);
                FloatVector acc = FloatVector.fromArray(S, src, s + tapOff[0] + i);
                for (int t = 1; t < taps; t++) {
                    FloatVector xacc = FloatVector.fromArray(S, src, s + tapOff[t] + i);
                    acc = max ? xacc.max(acc) : xacc.add(acc);
                }
                acc.intoArray(dst, d + i);
                if (i == last) {
                    break;
                }
            }
        }
    }

    /**
     * Rows per {@link #reduceBlock} call. A global pool runs once per model run, so a loop over all its rows in one
     * method stays in C1 code (calling the row kernel at about 35 ns a row) until HotSpot's tier-4 thresholds are
     * reached after several hundred runs: ResNet-50's 2048 rows took 70 us per run for the first 400 runs, 16 us
     * from run 800. A method called once per 32 rows gets to C2 (with the row kernel inlined) within a few dozen
     * runs.
     */
    private static final int BLOCK_ROWS = 32;

    static void reduce(PoolReduction op, float[] src, int sOff, int rows, int len, float[] dst, int dOff) {
        boolean max = op == PoolReduction.MAX;
        for (int r = 0; r < rows; r += BLOCK_ROWS) {
            reduceBlock(max, false, src, sOff + r * len, Math.min(BLOCK_ROWS, rows - r), len, dst, dOff + r);
        }
    }

    /** Row sums divided by {@code len} ({@code Backend.averageRows}): the sums exactly as {@link #reduce}'s. */
    static void average(float[] src, int sOff, int rows, int len, float[] dst, int dOff) {
        for (int r = 0; r < rows; r += BLOCK_ROWS) {
            reduceBlock(false, true, src, sOff + r * len, Math.min(BLOCK_ROWS, rows - r), len, dst, dOff + r);
        }
    }

    private static void reduceBlock(boolean max, boolean divide, float[] src, int sOff, int rows, int len,
            float[] dst, int dOff) {
        for (int r = 0; r < rows; r++) {
            int s = sOff + r * len;
            float acc;
            if (len < L) {
                acc = src[s];
                for (int i = 1; i < len; i++) {
                    acc = max ? Math.max(acc, src[s + i]) : acc + src[s + i];
                }
            } else {
                acc = reduceRow(max, src, s, len);
            }
            dst[dOff + r] = divide ? acc / len : acc;
        }
    }

    /** One row of {@link #reduce} ({@code len >= L}); a method per row so that C2 compiles it early (see tapsRow). */
    private static float reduceRow(boolean max, float[] src, int s, int len) {
        int rem = len % L;
        FloatVector a0 = FloatVector.fromArray(S, src, s);
        FloatVector a1 = FloatVector.broadcast(S, max ? Float.NEGATIVE_INFINITY : 0f);
        int i = L;
        for (; i + 2 * L <= len; i += 2 * L) {
            FloatVector xa0 = FloatVector.fromArray(S, src, s + i);
            a0 = max ? xa0.max(a0) : xa0.add(a0);
            FloatVector xa1 = FloatVector.fromArray(S, src, s + i + L);
            a1 = max ? xa1.max(a1) : xa1.add(a1);
        }
        if (i + L <= len) {
            FloatVector xa0 = FloatVector.fromArray(S, src, s + i);
            a0 = max ? xa0.max(a0) : xa0.add(a0);
        }
        if (rem > 0) {
            FloatVector t = FloatVector.fromArray(S, src, s + len - L);
            if (!max) {
                // the last vector sits flush with the row's end: its first L - rem lanes were counted already
                t = t.blend(0f, IOTA.compare(VectorOperators.LT, L - rem));
            }
            a1 = max ? t.max(a1) : t.add(a1);
        }
        FloatVector a = max ? a1.max(a0) : a1.add(a0);
        if (max) {
            return a.reduceLanes(VectorOperators.MAX);
        }
        // The lanes' sum in a fixed tree order. reduceLanes(ADD) leaves the order open, and C2's intrinsic and the
        // Java fallback (code not yet compiled) add in different orders: a session's results then changed in the
        // last bit between its first and later runs (seen by the Flink job test, which wants identical results).
        for (VectorShuffle<Float> r : ROTATE) {
            a = a.add(a.rearrange(r));
        }
        return a.lane(0);
    }

    /** Rotations by L/2, L/4, ..., 1 lanes, for the sums of lanes. */
    @SuppressWarnings("unchecked")
    private static final VectorShuffle<Float>[] ROTATE = new VectorShuffle[Integer.numberOfTrailingZeros(L)];

    static {
        for (int i = 0, w = L / 2; w >= 1; i++, w /= 2) {
            ROTATE[i] = VectorShuffle.iota(S, w, 1, true);
        }
    }

    static boolean anyNaN(float[] a, int off, int len) {
        int i = 0;
        for (int bound = S.loopBound(len); i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, a, off + i);
            if (v.compare(VectorOperators.NE, v).anyTrue()) {
                return true;
            }
        }
        for (; i < len; i++) {
            if (Float.isNaN(a[off + i])) {
                return true;
            }
        }
        return false;
    }
}
