package dev.vinfer.ops.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.ops.nn.TwoThreadContext;
import dev.vinfer.ops.testing.TestContext;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Gemm with a constant B against a plain double loop, at batch 1 (the packed GEMV) and batch 3 (the packed GEMM),
 * with either transpose, alpha, beta and a bias row, on one and two threads. Tolerance: a float dot product of
 * length k is within {@code k * eps * sum |a b|} of the exact one.
 */
class GemmOpTest {
    private static final TwoThreadContext TWO = new TwoThreadContext();

    @AfterAll
    static void stop() {
        TWO.close();
    }

    private static float[] random(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextFloat() * 2 - 1;
        }
        return x;
    }

    @Test
    void constantWeightsMatchAPlainProduct() {
        long seed = 20261130L;
        Random r = new Random(seed);
        for (int trial = 0; trial < 40; trial++) {
            int m = trial % 4 == 3 ? 3 : 1;
            int k = 1 + r.nextInt(trial < 30 ? 200 : 1100);
            int n = 1 + r.nextInt(trial < 30 ? 100 : 1100);
            boolean transA = r.nextBoolean();
            boolean transB = r.nextBoolean();
            float alpha = r.nextBoolean() ? 1f : 0.5f;
            float beta = r.nextBoolean() ? 1f : 2f;
            float[] a = random(r, m * k);
            float[] b = random(r, k * n);
            float[] c = random(r, n);
            Tensor ta = transA ? Tensor.of(a, k, m) : Tensor.of(a, m, k);
            Tensor tb = transB ? Tensor.of(b, n, k) : Tensor.of(b, k, n);
            Tensor tc = Tensor.of(c, n);
            GemmOp op = new GemmOp(transA, transB, alpha, beta, tb);
            String what = "seed " + seed + " trial " + trial + " m=" + m + " k=" + k + " n=" + n + " transA=" + transA
                    + " transB=" + transB;
            for (boolean two : new boolean[] {false, true}) {
                OpContext ctx = two ? TWO : new TestContext();
                Tensor y = op.run(ctx, new Tensor[] {ta, tb, tc})[0];
                assertArrayEquals(new int[] {m, n}, y.shape(), what);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double s = 0;
                        for (int p = 0; p < k; p++) {
                            s += (double) (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n
                                    + j]);
                        }
                        double want = alpha * s + beta * c[j];
                        assertEquals(want, y.getFloat(i * n + j), 2.0 * k * Math.ulp(1f) * k + 1e-5, what + " at "
                                + i + "," + j + (two ? " (two threads)" : ""));
                    }
                }
            }
        }
    }

    /**
     * A C that does not broadcast to [m, n] (a fuzzed model had C of 2 values for 3 columns: read past its end) is a
     * clear error; the shapes ONNX allows (a scalar, [n], [1, n], [m, 1], [m, n]) still add.
     */
    @Test
    void cMustBroadcastToTheOutput() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor b = Tensor.of(new float[] {1, 0, 0, 1, 1, 1}, 2, 3);
        GemmOp op = new GemmOp(false, false, 1f, 1f, null);
        for (Tensor bad : new Tensor[] {Tensor.of(new float[] {1, 2}, 2), Tensor.zeros(DType.FLOAT32, 1, 1, 3),
            Tensor.zeros(DType.FLOAT32, 3, 3), Tensor.zeros(DType.INT32, 3)}) {
            VinferException e = assertThrows(VinferException.class,
                    () -> op.run(new TestContext(), new Tensor[] {a, b, bad}), bad.toString());
            assertTrue(e.getMessage().contains("does not broadcast"), e.getMessage());
        }
        for (Tensor ok : new Tensor[] {Tensor.of(new float[] {5}, 1), Tensor.of(new float[] {1, 2, 3}, 1, 3),
            Tensor.of(new float[] {10, 20}, 2, 1), Tensor.zeros(DType.FLOAT32, 2, 3)}) {
            Tensor y = op.run(new TestContext(), new Tensor[] {a, b, ok})[0];
            float c01 = ok.size() == 1 ? 5 : ok.size() == 3 ? 2 : ok.size() == 2 ? 10 : 0;
            assertEquals(2 + c01, y.getFloat(1), ok.toString()); // row 0, column 1: 1*0 + 2*1 + C
        }
    }
}
