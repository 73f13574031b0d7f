package dev.vinfer.ops.reduce;

import dev.vinfer.ops.testing.TestContext;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.vinfer.runtime.Tensor;
import org.junit.jupiter.api.Test;

class TopKOpTest {
    @Test
    void smallestKeepsLowerIndexFirstOnTiesAlongAxisZero() {
        // columns are the slices: column 0 = {3, 1, 1}, column 1 = {0, 2, 0}
        Tensor x = Tensor.of(new float[] {3, 0, 1, 2, 1, 0}, 3, 2);
        Tensor[] out = new TopKOp(2, 0, false).run(new TestContext(), new Tensor[] {x});
        assertArrayEquals(new float[] {1, 0, 1, 0}, out[0].toFloatArray());
        assertArrayEquals(new long[] {1, 0, 2, 2}, out[1].toLongArray());
    }

    @Test
    void nanRanksAboveNumbers() {
        Tensor x = Tensor.of(new float[] {1, Float.NaN, 5}, 3);
        Tensor[] out = new TopKOp(-1, -1, true).run(new TestContext(),
                new Tensor[] {x, Tensor.of(new long[] {2}, 1)});
        assertArrayEquals(new long[] {1, 2}, out[1].toLongArray());
    }
}
