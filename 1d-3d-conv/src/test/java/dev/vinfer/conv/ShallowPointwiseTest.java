package dev.vinfer.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The vector backend's fused pointwise product on the shapes its shallow kernel takes (K at most 32, at most 24
 * output rows, at least 1024 columns: MobileNetV2's 32->16 at 112x112): the result must equal, bit for bit, the
 * FMA chain in order p = 0..K-1 followed by {@code + res}, {@code + bias} and the clamp, which is also what the
 * packed-strip kernel computes for one k-block (so turning the shallow kernel off, {@code
 * -Dvinfer.shallowPointwiseK=0}, keeps this test green). Row counts around the 8-row groups, columns past the last
 * whole pair of vectors, row ranges starting inside the packed A, strides wider than the rows.
 */
class ShallowPointwiseTest {
    private static final Epilogue[] FUSED = {Epilogue.NONE, Epilogue.RELU, Epilogue.clip(0f, 6f)};

    @Test
    void equalsTheInOrderFmaChain() {
        assumeTrue(Kernels.simd().isPresent(), "no Vector API backend");
        Backend be = Kernels.simd().get();
        long seed = 20261129L;
        Random r = new Random(seed);
        int[] ms = {1, 7, 8, 9, 16, 17, 24};
        int[] ks = {1, 3, 8, 16, 31, 32};
        int[] ns = {1024, 1031, 1055, 2 * 1024 + 17};
        for (int trial = 0; trial < 40; trial++) {
            int m = ms[r.nextInt(ms.length)];
            int k = ks[r.nextInt(ks.length)];
            int n = ns[r.nextInt(ns.length)];
            check(be, r, m, k, n, FUSED[trial % 3], trial % 2 == 0, trial % 4 < 2, "seed " + seed + " trial " + trial
                    + " m=" + m + " k=" + k + " n=" + n);
        }
        // MobileNetV2's conv_3: 32 -> 16 at 112x112, no activation.
        check(be, r, 16, 32, 112 * 112, Epilogue.NONE, false, true, "pinned 16x32x12544");
    }

    private static void check(Backend be, Random r, int m, int k, int n, Epilogue e, boolean residual,
            boolean withBias, String what) {
        float[] w = fill(r, 3 + m * k);
        PackedMatrix a = be.packA(false, m, k, w, 3, k);
        int ldb = n + r.nextInt(5);
        int bOff = r.nextInt(4);
        float[] b = fill(r, bOff + k * ldb);
        int ldc = n + r.nextInt(5);
        int cOff = r.nextInt(4);
        float[] bias = withBias ? fill(r, m + 2) : null;
        int r0 = m > 6 && r.nextBoolean() ? 6 : 0;
        int rows = m - r0;
        int resDelta = 5;
        float[] res = residual ? fill(r, cOff + rows * ldc + resDelta) : null;
        float[] c = new float[cOff + rows * ldc];
        java.util.Arrays.fill(c, Float.NaN);
        assertTrue(be.pointwiseFused(a, r0, m, n, b, bOff, ldb, c, cOff, ldc, bias, 2, e, res, resDelta), what);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    s = Math.fma(w[3 + (r0 + i) * k + p], b[bOff + p * ldb + j], s);
                }
                int o = cOff + i * ldc + j;
                if (residual) {
                    s += res[o + resDelta];
                }
                if (withBias) {
                    s += bias[2 + r0 + i];
                }
                assertEquals(e.apply(s), c[o], 0f, what + " at row " + i + " col " + j);
            }
            for (int j = n; j < ldc && cOff + i * ldc + j < c.length; j++) {
                assertTrue(Float.isNaN(c[cOff + i * ldc + j]), what + ": wrote past the row at " + i + "," + j);
            }
        }
    }

    private static float[] fill(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextFloat() * 2 - 1;
        }
        return a;
    }
}
