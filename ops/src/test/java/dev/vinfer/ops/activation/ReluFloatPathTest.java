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
 * Relu's whole-tensor float32 loop gives what its double function gives element by element, equal as floats
 * (the same NaN bits for NaN; -0 may come out as +0), including infinities and the smallest negative, on inputs of random length (up to several 64 K-element chunks, so that two
 * threads split them) and offset.
 */
class ReluFloatPathTest {

    @Test
    void matchesTheElementFunction() {
        long seed = 777L;
        Random r = new Random(seed);
        UnaryOp relu = Activations.relu();
        try (TwoThreadContext two = new TwoThreadContext()) {
            for (int trial = 0; trial < 30; trial++) {
                int n = trial < 5 ? trial : 1 + r.nextInt(300_000);
                int offset = r.nextInt(7);
                float[] backing = new float[offset + n];
                for (int i = 0; i < n; i++) {
                    int pick = r.nextInt(40);
                    backing[offset + i] = switch (pick) {
                        case 0 -> Float.NaN;
                        case 1 -> -0f;
                        case 2 -> Float.NEGATIVE_INFINITY;
                        case 3 -> Float.POSITIVE_INFINITY;
                        case 4 -> -Float.MIN_VALUE;
                        default -> (float) r.nextGaussian();
                    };
                }
                Tensor x = Tensor.wrap(DType.FLOAT32, backing, offset, 1, n);
                for (OpContext ctx : new OpContext[] {new TestContext(), two}) {
                    Tensor y = relu.run(ctx, new Tensor[] {x})[0];
                    for (int i = 0; i < n; i++) {
                        float v = backing[offset + i];
                        float expected = (float) relu.floatFunction().applyAsDouble(v);
                        float got = y.getFloat(i);
                        String what = "seed " + seed + " trial " + trial + " element " + i + " input " + v;
                        if (Float.isNaN(expected)) {
                            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(got), what);
                        } else {
                            assertTrue(expected == got, what + ": expected " + expected + " got " + got);
                        }
                    }
                }
            }
        }
    }
}
