package dev.vinfer.ops.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.ops.testing.TestContext;
import dev.vinfer.ops.nn.TwoThreadContext;
import dev.vinfer.ops.unary.UnaryOp;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Tanh's whole-tensor float32 loop gives bit for bit what its double function gives element by element, on
 * special values (NaN, zeros, infinities, the smallest subnormal) and random inputs of random length (past one 64 K
 * chunk so that two threads split them) and offset; and that function is within 1e-15 x (1 + |tanh|) of
 * {@link Math#tanh} (so float results at most one ulp off) across the ranges of both of its formulas.
 */
class TanhFloatPathTest {

    @Test
    void doubleFunctionIsCloseToMathTanh() {
        Random r = new Random(4712L);
        double[] special = {0, -0.0, 0x1p-7, -0x1p-7, Math.nextDown(0x1p-7), 1e-300, 20, -20, 400, -400, 1e-9};
        for (int i = 0; i < 200_000 + special.length; i++) {
            double x = i < special.length ? special[i]
                    : (r.nextBoolean() ? 1 : -1) * Math.pow(2, -30 + 36 * r.nextDouble());
            double want = Math.tanh(x);
            double got = Activations.tanh(x);
            assertTrue(Math.abs(got - want) <= 1e-15 * (1 + Math.abs(want)) || got == want,
                    "seed 4712 x " + x + ": " + got + " vs " + want);
            assertEquals(Math.copySign(1.0, want), Math.copySign(1.0, got), "sign at " + x);
        }
    }

    @Test
    void matchesTheElementFunction() {
        long seed = 4711L;
        Random r = new Random(seed);
        UnaryOp tanh = Activations.tanh();
        try (TwoThreadContext two = new TwoThreadContext()) {
            for (int trial = 0; trial < 12; trial++) {
                int n = trial < 3 ? trial : 1 + r.nextInt(200_000);
                int offset = r.nextInt(7);
                float[] backing = new float[offset + n];
                for (int i = 0; i < n; i++) {
                    backing[offset + i] = switch (r.nextInt(40)) {
                        case 0 -> Float.NaN;
                        case 1 -> -0f;
                        case 2 -> Float.NEGATIVE_INFINITY;
                        case 3 -> Float.POSITIVE_INFINITY;
                        case 4 -> Float.MIN_VALUE;
                        default -> (float) (4 * r.nextGaussian());
                    };
                }
                Tensor x = Tensor.wrap(DType.FLOAT32, backing, offset, 1, n);
                for (OpContext ctx : new OpContext[] {new TestContext(), two}) {
                    Tensor y = tanh.run(ctx, new Tensor[] {x})[0];
                    for (int i = 0; i < n; i++) {
                        float v = backing[offset + i];
                        float expected = (float) tanh.floatFunction().applyAsDouble(v);
                        String what = "seed " + seed + " trial " + trial + " element " + i + " input " + v;
                        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(y.getFloat(i)), what);
                        float exact = (float) Math.tanh(v);
                        assertTrue(Float.isNaN(exact) ? Float.isNaN(expected)
                                : Math.abs(expected - exact) <= Math.ulp(exact), what + ": " + expected + " vs " + exact);
                    }
                }
            }
        }
    }
}
