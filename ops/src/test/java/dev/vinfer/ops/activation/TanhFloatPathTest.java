package dev.vinfer.ops.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vinfer.ops.nn.TestContext;
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
 * chunk so that two threads split them) and offset.
 */
class TanhFloatPathTest {

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
                        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(y.getFloat(i)),
                                "seed " + seed + " trial " + trial + " element " + i + " input " + v);
                    }
                }
            }
        }
    }
}
