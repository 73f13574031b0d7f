package dev.vinfer.conv;

import static dev.vinfer.conv.TestSupport.assertClose;
import static dev.vinfer.conv.TestSupport.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every backend's GEMM (plain, packed A, packed B) against a double-precision reference, at sizes just below, at and
 * above the vector kernel's tile and block edges: MR = 6 rows, NR = 16 (AVX2) or 32 (AVX-512) columns, MC = 144
 * rows, KC = 256 depth, NC = 2048 columns; with transposes, padded leading dimensions, offsets and accumulation.
 */
class SgemmTest {
    private static final int[] EDGE_M = {1, 5, 6, 7, 12, 13, 143, 144, 145};
    private static final int[] EDGE_N = {1, 15, 16, 17, 31, 32, 33, 48, 65};
    private static final int[] EDGE_K = {1, 7, 255, 256, 257, 513};

    /** One randomized product: operands laid out with offsets and padded strides. */
    private record Case(long seed, int m, int n, int k, boolean ta, boolean tb, boolean acc, float[] a, int aOff,
            int lda, float[] b, int bOff, int ldb, float[] c0, int cOff, int ldc) {

        static Case make(long seed, int m, int n, int k) {
            return make(seed, m, n, k, null);
        }

        /** As {@link #make(long, int, int, int)}, with A's transpose flag fixed unless {@code transA} is null. */
        static Case make(long seed, int m, int n, int k, Boolean transA) {
            return make(seed, m, n, k, transA, false);
        }

        /** As {@link #make(long, int, int, int)} with op(B) = B. */
        static Case makePlainB(long seed, int m, int n, int k) {
            return make(seed, m, n, k, null, true);
        }

        private static Case make(long seed, int m, int n, int k, Boolean transA, boolean plainB) {
            Random r = new Random(seed);
            boolean ta = r.nextBoolean();
            if (transA != null) {
                ta = transA;
            }
            boolean tb = r.nextBoolean() && !plainB;
            int lda = (ta ? m : k) + r.nextInt(3);
            int ldb = (tb ? k : n) + r.nextInt(3);
            int ldc = n + r.nextInt(3);
            int aOff = r.nextInt(4);
            int bOff = r.nextInt(4);
            int cOff = r.nextInt(4);
            float[] a = random(r, aOff + (ta ? k : m) * lda);
            float[] b = random(r, bOff + (tb ? n : k) * ldb);
            float[] c0 = random(r, cOff + m * ldc);
            return new Case(seed, m, n, k, ta, tb, r.nextBoolean(), a, aOff, lda, b, bOff, ldb, c0, cOff, ldc);
        }

        /** The product in double, rounded once, into a copy of C. */
        float[] expected() {
            float[] c = c0.clone();
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = acc ? c0[cOff + i * ldc + j] : 0;
                    for (int p = 0; p < k; p++) {
                        s += (double) (ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p])
                                * (tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j]);
                    }
                    c[cOff + i * ldc + j] = (float) s;
                }
            }
            return c;
        }

        /**
         * Largest |C0| + sum |a_ip * b_pj| of row i (C0 only when accumulating): float rounding errors scale with the
         * magnitudes summed, not with the result, which cancellation can make much smaller than its terms.
         */
        double rowMagnitude(int i) {
            double max = 0;
            for (int j = 0; j < n; j++) {
                double s = acc ? Math.abs(c0[cOff + i * ldc + j]) : 0;
                for (int p = 0; p < k; p++) {
                    s += Math.abs((double) (ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p])
                            * (tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j]));
                }
                max = Math.max(max, s);
            }
            return max;
        }

        /** A fresh C; when not accumulating it is filled with NaN, which must all be overwritten. */
        float[] freshC() {
            float[] c = c0.clone();
            if (!acc) {
                for (int i = 0; i < m; i++) {
                    java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, Float.NaN);
                }
            }
            return c;
        }

        @Override
        public String toString() {
            return "seed=" + seed + " m=" + m + " n=" + n + " k=" + k + " transA=" + ta + " transB=" + tb + " acc="
                    + acc + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc;
        }
    }

    private static void checkAll(Case cs) {
        float[] want = cs.expected();
        List<float[]> results = new ArrayList<>();
        for (Backend be : TestSupport.backends()) {
            Sgemm s = Sgemm.with(be);
            for (Parallel p : TestSupport.PARALLELS) {
                float[] c = cs.freshC();
                s.multiply(cs.ta, cs.tb, cs.m, cs.n, cs.k, cs.a, cs.aOff, cs.lda, cs.b, cs.bOff, cs.ldb, c, cs.cOff,
                        cs.ldc, cs.acc, p);
                assertMatrixClose(be.name() + " " + p + " plain " + cs, cs, want, c);
                results.add(c);
            }
            PackedMatrix pa = s.packA(cs.ta, cs.m, cs.k, cs.a, cs.aOff, cs.lda);
            float[] c = cs.freshC();
            s.multiplyPackedA(pa, cs.tb, cs.n, cs.b, cs.bOff, cs.ldb, c, cs.cOff, cs.ldc, cs.acc, TestSupport.POOL);
            assertMatrixClose(be.name() + " packedA " + cs, cs, want, c);
            PackedMatrix pb = s.packB(cs.tb, cs.k, cs.n, cs.b, cs.bOff, cs.ldb);
            c = cs.freshC();
            s.multiplyPackedB(cs.ta, cs.m, cs.a, cs.aOff, cs.lda, pb, c, cs.cOff, cs.ldc, cs.acc, TestSupport.FIVE);
            assertMatrixClose(be.name() + " packedB " + cs, cs, want, c);
        }
        // Scalar and vector results against each other, with the same rule (both are float sums).
        for (float[] other : results) {
            assertMatrixClose("scalar vs others " + cs, cs, results.get(0), other);
        }
    }

    /** Compares the m x n window and checks that C outside it (padding, offset) is untouched. */
    private static void assertMatrixClose(String ctx, Case cs, float[] want, float[] got) {
        for (int i = 0; i < cs.m; i++) {
            int row = cs.cOff + i * cs.ldc;
            // The declared rule of TestSupport.tolerance (1e-5 sqrt(K) times a magnitude), on the summed magnitudes.
            double tol = 1e-5 * Math.sqrt(cs.k + 1) * Math.max(cs.rowMagnitude(i), Float.MIN_NORMAL);
            assertClose(ctx + " row " + i, tol, cs.k + 1, want, row, got, row, cs.n);
        }
        for (int x = 0; x < got.length; x++) {
            int rel = x - cs.cOff;
            boolean inside = rel >= 0 && rel / cs.ldc < cs.m && rel % cs.ldc < cs.n;
            if (!inside) {
                assertEquals(cs.c0[x], got[x], ctx + ": C outside the product changed at " + x);
            }
        }
    }

    @Test
    void tileEdgesInMAndN() {
        long seed = 1000;
        for (int m : EDGE_M) {
            for (int n : EDGE_N) {
                checkAll(Case.make(seed++, m, n, 37));
            }
        }
    }

    /**
     * Last row panels of two to four rows (m = 6q + 2..4): the vector GEMM runs its four-row kernel for them, storing
     * straight into C when the panel has exactly four rows and full width, else through the edge scratch.
     */
    /**
     * Pinned: accumulating into a C of small values, where the result is much smaller than the summed terms
     * (the scalar backend once exceeded a tolerance taken from |result| here).
     */
    @Test
    void cancellationIntoSmallC() {
        checkAll(Case.make(1090, 145, 1, 37));
    }

    @Test
    void fourRowEdgePanels() {
        long seed = 1700;
        for (int m : new int[] {2, 3, 4, 10, 64}) {
            for (int n : new int[] {16, 32, 33, 65}) {
                checkAll(Case.make(seed++, m, n, 37));
            }
        }
    }

    /**
     * Plain B with at most 256 rows and whole-vector widths (16 lanes: 16, 48, 112, 224 columns; 8 lanes also 64):
     * the vector GEMM reads such a B in place, unpacked, its last panel full or one vector wide.
     */
    @Test
    void shortKPlainBReadInPlace() {
        long seed = 1500;
        for (int m : new int[] {1, 6, 13, 64}) {
            for (int n : new int[] {16, 48, 64, 112, 224}) {
                for (int k : new int[] {1, 37, 256}) {
                    checkAll(Case.makePlainB(seed++, m, n, k));
                }
            }
        }
    }

    @Test
    void blockEdgesInK() {
        long seed = 2000;
        for (int k : EDGE_K) {
            for (int m : new int[] {6, 13}) {
                for (int n : new int[] {17, 32}) {
                    checkAll(Case.make(seed++, m, n, k));
                }
            }
        }
    }

    @Test
    void columnBlockEdge() {
        // NC = 2048 columns: just below, at and above a column block, and two blocks plus a ragged tile.
        long seed = 3000;
        for (int n : new int[] {2047, 2048, 2049, 4111}) {
            checkAll(Case.make(seed++, 7, n, 19));
        }
    }

    @Test
    void blockedPathEdges() {
        // Products whose packed A exceeds VectorGemm.ROW_SWEEP_A (64Ki floats) take the blocked Goto path: edges of
        // MC (145 rows), KC (513 deep) and NC (2049 columns) there. Smaller ones take the row sweep (B packed in
        // strips of 4 panels: 128 columns with 16 lanes, 64 with 8), whose strip edges the column cases cross.
        checkAll(Case.make(3100, 145, 65, 513));
        checkAll(Case.make(3101, 7, 2049, 5500));
        long seed = 3200;
        for (int n : new int[] {63, 64, 65, 127, 128, 129, 257}) {
            checkAll(Case.make(seed++, 13, n, 300));
        }
    }

    @Test
    void unpackedAKernelEdges() {
        // A raw, untransposed A is read in place by the 6-row kernel (VectorGemm's direct path) whenever 6-row panels
        // pad no more than 7-row ones: rows below, at and above whole panels, the packed partial last panel, column
        // tile edges, k-block edges, in the row sweep and (m * k above 64Ki) in the blocked path with its MC edges.
        long seed = 3300;
        for (int m : new int[] {1, 5, 6, 11, 12, 17, 18, 24, 30}) {
            for (int n : new int[] {15, 32, 33}) {
                checkAll(Case.make(seed++, m, n, 1 + (int) (seed % 300), false));
            }
        }
        checkAll(Case.make(3400, 150, 65, 513, false));
        checkAll(Case.make(3401, 149, 33, 600, false));
        checkAll(Case.make(3402, 288, 31, 257, false));
        // Deeper than VectorGemm.DIRECT_KC: three balanced k-blocks of 700, accumulated in C.
        checkAll(Case.make(3403, 36, 70, 2100, false));
    }

    @Test
    void randomShapes() {
        for (long seed = 4000; seed < 4040; seed++) {
            Random r = new Random(seed);
            checkAll(Case.make(seed, 1 + r.nextInt(70), 1 + r.nextInt(90), 1 + r.nextInt(300)));
        }
    }

    @Test
    void largeEnoughToSplitAcrossThreads() {
        checkAll(Case.make(5000, 150, 160, 270));
        checkAll(Case.make(5001, 400, 50, 40));
    }

    @Test
    void emptyReductionZeroesOrKeepsC() {
        for (Backend be : TestSupport.backends()) {
            float[] c = {1, 2, 3, 4};
            Sgemm.with(be).multiply(false, false, 2, 2, 0, new float[0], 0, 1, new float[0], 0, 2, c, 0, 2, true,
                    Parallel.SERIAL);
            assertArrayEquals(new float[] {1, 2, 3, 4}, c, be.name());
            Sgemm.with(be).multiply(false, false, 2, 2, 0, new float[0], 0, 1, new float[0], 0, 2, c, 0, 2, false,
                    Parallel.SERIAL);
            assertArrayEquals(new float[4], c, be.name());
        }
    }

    /**
     * Prepacked B with row counts around one row block (168 rows with 7-row panels, 144 with 6): a count a little
     * past it runs as a single block (the weights streamed once), further past as several; A plain or transposed
     * (pixel rows), K over two k-blocks.
     */
    @Test
    void packedBAroundOneRowBlock() {
        int n = 70;
        int k = 300;
        for (int m : new int[] {143, 144, 145, 167, 168, 169, 180, 196, 210, 211, 215, 240}) {
            long seed = 6100 + m;
            Random r = new Random(seed);
            float[] a = random(r, m * k);
            float[] b = random(r, k * n);
            for (Backend be : TestSupport.backends()) {
                PackedMatrix pb = be.packB(false, k, n, b, 0, n);
                float[] want = new float[m * n];
                be.gemm(false, false, m, n, k, a, 0, k, b, 0, n, want, 0, n, false);
                for (boolean transA : new boolean[] {false, true}) {
                    float[] at = a;
                    if (transA) { // the same A stored transposed: k x m
                        at = new float[k * m];
                        for (int i = 0; i < m; i++) {
                            for (int p = 0; p < k; p++) {
                                at[p * m + i] = a[i * k + p];
                            }
                        }
                    }
                    float[] got = new float[m * n];
                    be.gemmPackedB(transA, m, at, 0, transA ? m : k, pb, 0, n, got, 0, n, false);
                    assertClose(be.name() + " m=" + m + " transA=" + transA + " seed=" + seed, k, want, 0, got, 0,
                            m * n);
                }
            }
        }
    }

    @Test
    void packedSubRanges() {
        Random r = new Random(6000);
        int m = 40;
        int n = 70;
        int k = 300;
        float[] a = random(r, m * k);
        float[] b = random(r, k * n);
        for (Backend be : TestSupport.backends()) {
            PackedMatrix pa = be.packA(false, m, k, a, 0, k);
            PackedMatrix pb = be.packB(false, k, n, b, 0, n);
            float[] full = new float[m * n];
            be.gemm(false, false, m, n, k, a, 0, k, b, 0, n, full, 0, n, false);
            int r0 = pa.alignment() * 2;
            float[] rows = new float[(m - r0 - 3) * n];
            be.gemmPackedA(pa, r0, m - 3, false, n, b, 0, n, rows, 0, n, false);
            assertClose(be.name() + " packed A rows from " + r0 + " seed=6000", k, full, r0 * n, rows, 0,
                    rows.length);
            int c0 = pb.alignment();
            int width = n - c0 - 5;
            float[] cols = new float[m * width];
            be.gemmPackedB(false, m, a, 0, k, pb, c0, c0 + width, cols, 0, width, false);
            for (int i = 0; i < m; i++) {
                assertClose(be.name() + " packed B cols from " + c0 + " row " + i + " seed=6000", k, full,
                        i * n + c0, cols, i * width, width);
            }
            if (pa.alignment() > 1) {
                assertThrows(IllegalArgumentException.class,
                        () -> be.gemmPackedA(pa, 1, m, false, n, b, 0, n, rows, 0, n, false));
            }
        }
    }

    @Test
    void rejectsBadArguments() {
        for (Backend be : TestSupport.backends()) {
            Sgemm s = Sgemm.with(be);
            float[] a = new float[6];
            float[] c = new float[4];
            assertThrows(IllegalArgumentException.class, () -> s.multiply(false, false, 2, 2, 3, a, 0, 3, a, 1, 2, c,
                    0, 2, false, Parallel.SERIAL), "B too short");
            assertThrows(IllegalArgumentException.class, () -> s.multiply(false, false, 2, 2, 3, a, 0, 2, a, 0, 2, c,
                    0, 2, false, Parallel.SERIAL), "lda < k");
            assertThrows(IllegalArgumentException.class, () -> s.multiply(false, false, 2, 2, 1, a, 0, 1, a, 0, 2, c,
                    1, 2, false, Parallel.SERIAL), "C offset past end");
        }
        List<Backend> all = TestSupport.backends();
        if (all.size() > 1) {
            PackedMatrix foreign = all.get(0).packA(false, 2, 2, new float[4], 0, 2);
            assertThrows(IllegalArgumentException.class, () -> all.get(1).gemmPackedA(foreign, 0, 2, false, 2,
                    new float[4], 0, 2, new float[4], 0, 2, false));
        }
    }

    @Test
    void vectorBackendLoadsWhereverTheModuleIs() {
        // The build adds jdk.incubator.vector to the test JVMs; if the backend then fails to load, the SIMD path
        // would silently go untested.
        boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        assertEquals(module, Kernels.simd().isPresent(), "vector backend loaded iff the module is present");
    }
}
