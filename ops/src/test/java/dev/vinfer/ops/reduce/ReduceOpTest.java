package dev.vinfer.ops.reduce;

import dev.vinfer.ops.testing.TestContext;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Tensor;
import org.junit.jupiter.api.Test;

class ReduceOpTest {
    private static Tensor run(ReduceOp op, Tensor... inputs) {
        return op.run(new TestContext(), inputs)[0];
    }

    @Test
    void integerMaxOfEmptySetIsTheDtypeMinimum() {
        Tensor x = Tensor.of(new int[0], 2, 0);
        Tensor y = run(new ReduceOp(ReduceOp.Kind.MAX, new long[] {1}, false, false), x);
        assertArrayEquals(new int[] {2}, y.shape());
        assertArrayEquals(new int[] {Integer.MIN_VALUE, Integer.MIN_VALUE}, y.toIntArray());
    }

    @Test
    void int8SumWrapsToItsWidth() {
        Tensor x = Tensor.ofBytes(DType.INT8, new byte[] {100, 100}, 2);
        Tensor y = run(new ReduceOp(ReduceOp.Kind.SUM, null, true, false), x);
        assertEquals((byte) 200, y.getLong(0));
    }

    @Test
    void logSumExpDoesNotOverflowForLargeInputs() {
        Tensor x = Tensor.of(new float[] {1000f, 1000f}, 2);
        Tensor y = run(new ReduceOp(ReduceOp.Kind.LOG_SUM_EXP, null, false, false), x);
        assertEquals(1000 + Math.log(2), y.getDouble(0), 1e-3);
    }

    @Test
    void reducesNonAdjacentAxes() {
        // shape [2,2,2], values 0..7; summing axes 0 and 2 leaves axis 1: {0+1+4+5, 2+3+6+7}
        Tensor x = Tensor.of(new float[] {0, 1, 2, 3, 4, 5, 6, 7}, 2, 2, 2);
        Tensor y = run(new ReduceOp(ReduceOp.Kind.SUM, null, true, false), x, Tensor.of(new long[] {0, -1}, 2));
        assertArrayEquals(new int[] {1, 2, 1}, y.shape());
        assertArrayEquals(new float[] {10, 18}, y.toFloatArray());
    }

    @Test
    void emptyAxesWithNoopReturnsTheInput() {
        Tensor x = Tensor.of(new float[] {1, 2}, 2);
        assertSame(x, run(new ReduceOp(ReduceOp.Kind.SUM, null, true, true), x, Tensor.of(new long[0], 0)));
    }

    @Test
    void uint64MinComparesUnsigned() {
        Tensor x = Tensor.zeros(DType.UINT64, 2);
        x.setLong(0, -1L); // 2^64 - 1
        x.setLong(1, 5L);
        Tensor y = run(new ReduceOp(ReduceOp.Kind.MIN, null, false, false), x);
        assertEquals(5L, y.getLong(0));
    }
}
