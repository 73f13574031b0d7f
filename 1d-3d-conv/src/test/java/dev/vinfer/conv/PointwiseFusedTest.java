package dev.vinfer.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Backend#pointwiseFused} of the vector backend against a double-precision reference: random sizes around the
 * register tile's edges (rows not a multiple of 6, columns not a multiple of 32, K past one k-block of 256), row
 * ranges starting inside the packed A, row strides wider than the rows, with and without residual and bias, for the
 * three epilogues it fuses; other epilogues must be declined without writing.
 */
class PointwiseFusedTest {
    private static final Epilogue[] FUSED = {Epilogue.NONE, Epilogue.RELU, Epilogue.clip(0f, 6f)};

    @Test
    void matchesReferenceOnRandomShapes() {
        Backend be = vector();
        long seed = 20261128L;
        Random r = new Random(seed);
        int[] ms = {1, 5, 6, 7, 13, 16, 24, 37};
        int[] ks = {1, 3, 16, 24, 96, 256, 257, 300};
        int[] ns = {1, 15, 31, 32, 33, 49, 130, 196};
        for (int trial = 0; trial < 120; trial++) {
            int m = ms[r.nextInt(ms.length)];
            int k = ks[r.nextInt(ks.length)];
            int n = ns[r.nextInt(ns.length)];
            check(be, r, m, k, n, FUSED[trial % 3], trial % 2 == 0, trial % 4 < 2, "seed " + seed + " trial "
                    + trial + " m=" + m + " k=" + k + " n=" + n);
        }
    }

    @Test
    void pinnedTileEdges() {
        Backend be = vector();
        Random r = new Random(7);
        // A whole strip of 4 panels plus a tail, a 2-row edge (32 = 5 x 6 + 2), K over two k-blocks.
        check(be, r, 32, 512, 4 * 32 * 2 + 5, Epilogue.clip(0f, 6f), true, true, "pinned 32x512x261");
        check(be, r, 96, 16, 12544 / 16, Epilogue.RELU, false, true, "pinned 96x16x784");
        check(be, r, 6, 1, 32, Epilogue.NONE, true, false, "pinned one tile");
        // Rows past the last whole six-row tile, finished in vectors: 16 = 2 x 6 + 4, 32 = 5 x 6 + 2, 11 = 6 + 5.
        check(be, r, 16, 32, 3 * 32 * 4 + 7, Epilogue.NONE, false, true, "pinned 16x32 (conv_3 shape)");
        check(be, r, 32, 16, 2 * 32, Epilogue.clip(0f, 6f), true, true, "pinned 32x16, residual");
        check(be, r, 11, 24, 4 * 32 + 1, Epilogue.RELU, true, false, "pinned 11x24");
        // Column tails: exactly one vector (784 = 24 x 32 + 16) and a few columns past K's first k-block.
        check(be, r, 12, 32, 784, Epilogue.clip(0f, 6f), true, true, "pinned 12x32x784");
        check(be, r, 7, 300, 196, Epilogue.RELU, true, true, "pinned 7x300x196");
        check(be, r, 6, 8, 32 + 17, Epilogue.NONE, true, true, "pinned 6x8x49");
        // Small K: strips of 64 KiB of packed B (K = 16: 32 panels); two whole strips, a partial one and a tail.
        check(be, r, 13, 16, 2 * 1024 + 3 * 32 + 5, Epilogue.clip(0f, 6f), true, true, "pinned 13x16x2149");
        // K = 96-256: strips widened to 8 panels (256 columns), packed row by row; two whole strips, a partial
        // one of three panels and a tail, rows ending in a 4-row tile (64 = 10 x 6 + 4).
        check(be, r, 64, 256, 2 * 256 + 3 * 32 + 9, Epilogue.RELU, true, true, "pinned 64x256x617");
        check(be, r, 24, 96, 256 + 32 + 1, Epilogue.NONE, true, false, "pinned 24x96x289");
    }

    /**
     * K of at most 32: a row tile runs over a whole strip of panels in one call. Against the reference, and bit for
     * bit against the per-panel tiles ({@code -Dvinfer.pointwisePanelLoopK=0}, read when A is packed): the same FMA
     * chain and epilogue in the same order. Columns around whole strips (K = 16: 1024, K = 24: 672, K = 32: 512
     * columns at 16 lanes; half that at 8), panel and column tails; K just past the bound takes the other path.
     */
    @Test
    void smallKStripsMatchPerPanelTiles() {
        Backend be = vector();
        long seed = Long.getLong("vinfer.test.seed", 20261129L);
        Random r = new Random(seed);
        int[] ms = {6, 7, 12, 13, 18, 24, 96};
        int[] ks = {1, 8, 16, 17, 24, 31, 32, 33};
        int[] ns = {32, 33, 64, 95, 256, 511, 512, 513, 672, 700, 1024, 1056, 2149};
        for (int trial = 0; trial < 30; trial++) {
            int m = ms[r.nextInt(ms.length)];
            int k = ks[r.nextInt(ks.length)];
            int n = ns[r.nextInt(ns.length)];
            String what = "seed " + seed + " trial " + trial + " m=" + m + " k=" + k + " n=" + n;
            Epilogue e = FUSED[trial % 3];
            boolean residual = trial % 2 == 0;
            boolean withBias = trial % 4 < 2;
            long caseSeed = r.nextLong();
            float[] loop = check(be, new Random(caseSeed), m, k, n, e, residual, withBias, what);
            String before = System.getProperty("vinfer.pointwisePanelLoopK");
            System.setProperty("vinfer.pointwisePanelLoopK", "0");
            float[] perPanel;
            try {
                perPanel = check(be, new Random(caseSeed), m, k, n, e, residual, withBias, what + " per panel");
            } finally {
                if (before == null) {
                    System.clearProperty("vinfer.pointwisePanelLoopK");
                } else {
                    System.setProperty("vinfer.pointwisePanelLoopK", before);
                }
            }
            for (int i = 0; i < loop.length; i++) {
                assertEquals(Float.floatToRawIntBits(perPanel[i]), Float.floatToRawIntBits(loop[i]),
                        what + ": strip loop differs from per-panel tiles at " + i);
            }
        }
    }

    @Test
    void declinesOtherEpilogues() {
        Backend be = vector();
        float[] w = new float[6 * 4];
        PackedMatrix a = be.packA(false, 6, 4, w, 0, 4);
        float[] c = new float[6 * 8];
        java.util.Arrays.fill(c, 5f);
        assertFalse(be.pointwiseFused(a, 0, 6, 8, new float[4 * 8], 0, 8, c, 0, 8, null, 0, Epilogue.SIGMOID, null,
                0));
        for (float v : c) {
            assertEquals(5f, v, "declined call wrote C");
        }
        assertFalse(Kernels.scalar().pointwiseFused(Kernels.scalar().packA(false, 6, 4, w, 0, 4), 0, 6, 8,
                new float[4 * 8], 0, 8, c, 0, 8, null, 0, Epilogue.RELU, null, 0), "the scalar backend has no fused form");
    }

    private static Backend vector() {
        assumeTrue(Kernels.simd().isPresent(), "no Vector API backend");
        return Kernels.simd().get();
    }

    private static float[] check(Backend be, Random r, int m, int k, int n, Epilogue e, boolean residual,
            boolean withBias, String what) {
        float[] w = fill(r, 3 + m * k);
        PackedMatrix a = be.packA(false, m, k, w, 3, k);
        int ldb = n + r.nextInt(5);
        int bOff = r.nextInt(4);
        float[] b = fill(r, bOff + k * ldb);
        int ldc = n + r.nextInt(5);
        int cOff = r.nextInt(4);
        float[] bias = withBias ? fill(r, m + 2) : null;
        // Rows from an aligned start inside A (as the threads' row slices are).
        int r0 = m > 6 && r.nextBoolean() ? 6 : 0;
        int rows = m - r0;
        int resDelta = 7;
        float[] res = residual ? fill(r, cOff + rows * ldc + resDelta) : null;
        float[] c = new float[cOff + rows * ldc];
        java.util.Arrays.fill(c, Float.NaN); // C is write-only: stale values must not leak in
        assertTrue(be.pointwiseFused(a, r0, m, n, b, bOff, ldb, c, cOff, ldc, bias, 2, e, res, resDelta), what);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                double mag = 0;
                for (int p = 0; p < k; p++) {
                    double t = (double) w[3 + (r0 + i) * k + p] * b[bOff + p * ldb + j];
                    sum += t;
                    mag += Math.abs(t);
                }
                int o = cOff + i * ldc + j;
                if (residual) {
                    sum += res[o + resDelta];
                    mag += Math.abs(res[o + resDelta]);
                }
                if (withBias) {
                    sum += bias[2 + r0 + i];
                    mag += Math.abs(bias[2 + r0 + i]);
                }
                double want = e.apply(sum);
                // Float sums: about k + 2 roundings of at most half an ulp of the magnitude each.
                double tol = (k + 3) * Math.ulp((float) mag) + 1e-30;
                assertEquals(want, c[o], tol, what + " at row " + i + " col " + j);
            }
            for (int j = n; j < ldc && cOff + i * ldc + j < c.length; j++) {
                assertTrue(Float.isNaN(c[cOff + i * ldc + j]), what + ": wrote past the row at " + i + "," + j);
            }
        }
        return c;
    }

    private static float[] fill(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return v;
    }
}
