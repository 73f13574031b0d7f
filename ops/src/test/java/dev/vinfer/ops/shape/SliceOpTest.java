package dev.vinfer.ops.shape;

import dev.vinfer.ops.testing.TestContext;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.vinfer.runtime.Tensor;
import org.junit.jupiter.api.Test;

/** Slice clamping with extreme starts, ends and steps (INT64_MIN / INT64_MAX as exporters write them). */
class SliceOpTest {
    private static final Tensor DATA = Tensor.of(new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 10);

    private static long[] slice(long start, long end, long step) {
        Tensor[] in = {DATA, Tensor.of(new long[] {start}, 1), Tensor.of(new long[] {end}, 1),
                Tensor.of(new long[] {0}, 1), Tensor.of(new long[] {step}, 1)};
        return new SliceOp().run(new TestContext(), in)[0].toLongArray();
    }

    @Test
    void reversesWholeAxisWithExtremeBounds() {
        assertArrayEquals(new long[] {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}, slice(Long.MAX_VALUE, Long.MIN_VALUE, -1));
        assertArrayEquals(new long[] {9, 6, 3, 0}, slice(-1, Long.MIN_VALUE, -3));
    }

    @Test
    void hugeStepsTakeOneElement() {
        assertArrayEquals(new long[] {2}, slice(2, Long.MAX_VALUE, Long.MAX_VALUE));
        assertArrayEquals(new long[] {7}, slice(7, 0, Long.MIN_VALUE));
    }

    @Test
    void emptyWhenBoundsCross() {
        assertArrayEquals(new long[0], slice(5, 2, 1));
        assertArrayEquals(new long[0], slice(2, 5, -1));
        assertArrayEquals(new long[0], slice(-100, -50, 1));
    }
}
