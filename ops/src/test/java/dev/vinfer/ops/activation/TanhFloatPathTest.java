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
 * Tanh's two implementations: the double function (float64, and the reference) is within 1e-15 x (1 + |tanh|) of
 * {@link Math#tanh} across the ranges of both of its formulas; the float32 whole-tensor loop ({@link RationalTanh})
 * gives bit for bit what {@link RationalTanh#apply} gives element by element, on special values (NaN, zeros,
 * infinities, the smallest subnormal) and random inputs of random length (past one copy chunk and one 64 K thread
 * chunk) and offset, within one float ulp of {@code (float) Math.tanh}; and the rational function itself is within
 * 2e-9 relative of Math.tanh up to its clamp.
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
    void rationalFunctionIsCloseToMathTanh() {
        long seed = 4713L;
        Random r = new Random(seed);
        double[] special = {0x1p-30, 1e-300, 1e-9, 0.5, 1, 2, 5, 9.99, RationalTanh.CLAMP};
        for (int i = 0; i < 200_000 + special.length; i++) {
            double x = i < special.length ? special[i]
                    : (r.nextBoolean() ? 1 : -1) * RationalTanh.CLAMP * Math.pow(r.nextDouble(), 3);
            double want = Math.tanh(x);
            double got = RationalTanh.apply(x);
            assertTrue(Math.abs(got - want) <= 2e-9 * Math.abs(want), "seed " + seed + " x " + x + ": " + got
                    + " vs " + want);
        }
        assertEquals(1.0f, (float) RationalTanh.apply(RationalTanh.CLAMP), "clamp value rounds to 1 in float");
        assertEquals(1.0f, (float) Math.tanh(RationalTanh.CLAMP));
    }

    @Test
    void floatLoopMatchesTheRationalFunctionWithinOneUlpOfTanh() {
        long seed = 4711L;
        Random r = new Random(seed);
        UnaryOp tanh = Activations.tanh();
        try (TwoThreadContext two = new TwoThreadContext()) {
            for (int trial = 0; trial < 12; trial++) {
                int n = trial < 3 ? trial : trial == 3 ? RationalTanh.CHUNK + 1 : 1 + r.nextInt(200_000);
                int offset = r.nextInt(7);
                float[] backing = new float[offset + n];
                for (int i = 0; i < n; i++) {
                    backing[offset + i] = switch (r.nextInt(40)) {
                        case 0 -> Float.NaN;
                        case 1 -> -0f;
                        case 2 -> Float.NEGATIVE_INFINITY;
                        case 3 -> Float.POSITIVE_INFINITY;
                        case 4 -> Float.MIN_VALUE;
                        case 5 -> (float) (30 * r.nextGaussian());
                        default -> (float) (4 * r.nextGaussian());
                    };
                }
                Tensor x = Tensor.wrap(DType.FLOAT32, backing, offset, 1, n);
                for (OpContext ctx : new OpContext[] {new TestContext(), two}) {
                    Tensor y = tanh.run(ctx, new Tensor[] {x})[0];
                    for (int i = 0; i < n; i++) {
                        float v = backing[offset + i];
                        float expected = (float) RationalTanh.apply(v);
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

    @Test
    void inPlaceLoopEqualsTheCopyingLoop() {
        Random r = new Random(4714L);
        float[] x = new float[3 * RationalTanh.CHUNK + 5];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (3 * r.nextGaussian());
        }
        float[] out = new float[x.length + 2];
        RationalTanh.floats(x, 0, out, 2, x.length);
        RationalTanh.floats(x, 0, x, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            assertEquals(out[2 + i], x[i], "seed 4714 element " + i);
        }
    }
}
