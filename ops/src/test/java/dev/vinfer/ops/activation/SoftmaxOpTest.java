package dev.vinfer.ops.activation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vinfer.ops.testing.TestContext;
import dev.vinfer.runtime.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The two grouping modes of Softmax: single axis (opset 13+) and the older 2-D coercion, which the conformance
 * set (all opset 13) does not exercise.
 */
class SoftmaxOpTest {
    private static final int[] SHAPE = {2, 3, 4};

    private static Tensor input() {
        float[] v = new float[24];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) Math.sin(i * 1.7) * 3;
        }
        return Tensor.of(v, SHAPE);
    }

    private static float[] run(SoftmaxOp op, Tensor x) {
        return op.run(new TestContext(), new Tensor[] {x})[0].floats();
    }

    @Test
    void coercedFormNormalizesOverAllTrailingAxes() {
        Tensor x = input();
        float[] y = run(new SoftmaxOp(SoftmaxOp.Kind.SOFTMAX, 1, true), x);
        float[] v = x.floats();
        for (int b = 0; b < 2; b++) {
            double sum = 0;
            for (int i = 0; i < 12; i++) {
                sum += Math.exp(v[b * 12 + i]);
            }
            for (int i = 0; i < 12; i++) {
                assertEquals(Math.exp(v[b * 12 + i]) / sum, y[b * 12 + i], 1e-6);
            }
        }
    }

    @Test
    void singleAxisFormNormalizesAlongThatAxisOnly() {
        Tensor x = input();
        float[] y = run(new SoftmaxOp(SoftmaxOp.Kind.SOFTMAX, -2, false), x);
        float[] v = x.floats();
        for (int b = 0; b < 2; b++) {
            for (int j = 0; j < 4; j++) {
                double sum = 0;
                for (int k = 0; k < 3; k++) {
                    sum += Math.exp(v[b * 12 + k * 4 + j]);
                }
                for (int k = 0; k < 3; k++) {
                    int i = b * 12 + k * 4 + j;
                    assertEquals(Math.exp(v[i]) / sum, y[i], 1e-6);
                }
            }
        }
    }

    @Test
    void logSoftmaxIsLogOfSoftmaxAndHardmaxPicksFirstMaximum() {
        Tensor x = input();
        float[] soft = run(new SoftmaxOp(SoftmaxOp.Kind.SOFTMAX, 1, true), x);
        float[] log = run(new SoftmaxOp(SoftmaxOp.Kind.LOG_SOFTMAX, 1, true), x);
        for (int i = 0; i < soft.length; i++) {
            assertEquals(Math.log(soft[i]), log[i], 1e-5);
        }
        Tensor ties = Tensor.of(new float[] {1, 3, 3, 2}, 1, 4);
        assertArrayEquals(new float[] {0, 1, 0, 0}, run(new SoftmaxOp(SoftmaxOp.Kind.HARDMAX, -1, false), ties));
    }
}
