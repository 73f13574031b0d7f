package dev.vinfer.ops.activation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.ops.testing.TestContext;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Tensor;
import org.junit.jupiter.api.Test;

/** Clip bounds given as inputs: missing ones, integer dtypes, unsigned 64-bit, and min &gt; max. */
class ClipOpTest {
    private static Tensor clip(Tensor... inputs) {
        return ClipOp.boundsFromInputs().run(new TestContext(), inputs)[0];
    }

    @Test
    void missingBoundsLeaveThatSideOpen() {
        Tensor x = Tensor.of(new float[] {-5, 0, 5, Float.NaN}, 4);
        Tensor y = clip(x, null, Tensor.scalar(1f));
        assertArrayEquals(new float[] {-5, 0, 1}, java.util.Arrays.copyOf(y.floats(), 3));
        assertTrue(Float.isNaN(y.floats()[3]));
    }

    @Test
    void minAboveMaxGivesMax() {
        Tensor y = clip(Tensor.of(new float[] {-5, 0, 5}, 3), Tensor.scalar(2f), Tensor.scalar(1f));
        assertArrayEquals(new float[] {1, 1, 1}, y.floats());
    }

    @Test
    void integersClipExactlyAndUint64ComparesUnsigned() {
        Tensor i8 = Tensor.ofBytes(DType.INT8, new byte[] {-128, -1, 100}, 3);
        Tensor lo = Tensor.ofBytes(DType.INT8, new byte[] {-10});
        assertArrayEquals(new byte[] {-10, -1, 100}, clip(i8, lo).bytes());

        long huge = 0xF000_0000_0000_0000L; // above 2^63 as uint64
        Tensor u64 = Tensor.wrap(DType.UINT64, new long[] {huge, 3}, 0, 2);
        Tensor max = Tensor.wrap(DType.UINT64, new long[] {10}, 0);
        Tensor y = clip(u64, null, max);
        assertEquals(10, y.longs()[0]);
        assertEquals(3, y.longs()[1]);
    }
}
