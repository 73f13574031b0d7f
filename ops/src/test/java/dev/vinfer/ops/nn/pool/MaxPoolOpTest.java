package dev.vinfer.ops.nn.pool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vinfer.ops.testing.TestContext;
import dev.vinfer.runtime.Tensor;
import org.junit.jupiter.api.Test;

class MaxPoolOpTest {

    /** Two planes of 2x2x2, each with its max at (d, h, w) = (1, 1, 0): row-major 6, column-major 3. */
    private static Tensor input() {
        float[] x = new float[16];
        for (int i = 0; i < 16; i++) {
            x[i] = -i;
        }
        x[6] = 10;
        x[8 + 6] = 20;
        return Tensor.of(x, 1, 2, 2, 2, 2);
    }

    @Test
    void indicesAreFlatOverTheWholeInputInEitherStorageOrder() {
        Tensor[] rowMajor = new MaxPoolOp(PoolWindow.of(2, 2, 2), true, false).run(new TestContext(),
                new Tensor[] {input()});
        assertArrayEquals(new float[] {10, 20}, rowMajor[0].toFloatArray());
        assertArrayEquals(new long[] {6, 8 + 6}, rowMajor[1].toLongArray());
        Tensor[] columnMajor = new MaxPoolOp(PoolWindow.of(2, 2, 2), true, true).run(new TestContext(),
                new Tensor[] {input()});
        assertArrayEquals(new long[] {3, 8 + 3}, columnMajor[1].toLongArray());
    }

    @Test
    void skipsNaNAndKeepsTheFirstOfEqualMaxima() {
        Tensor x = Tensor.of(new float[] {Float.NaN, 2, 2, 1}, 1, 1, 4);
        Tensor[] out = new MaxPoolOp(PoolWindow.of(4), true, false).run(new TestContext(), new Tensor[] {x});
        assertEquals(2f, out[0].getFloat(0));
        assertEquals(1L, out[1].getLong(0));
    }
}
