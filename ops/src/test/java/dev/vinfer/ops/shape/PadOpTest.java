package dev.vinfer.ops.shape;

import dev.vinfer.ops.testing.TestContext;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import org.junit.jupiter.api.Test;

/** Pad cases the ONNX node tests do not reach: negative pads, pads longer than the axis, int64 data. */
class PadOpTest {
    private static final Tensor ROW = Tensor.of(new long[] {1, 2, 3, 4}, 1, 4);

    private static long[] pad(PadOp.Mode mode, long... pads) {
        Tensor y = new PadOp(mode).run(new TestContext(), new Tensor[] {ROW, Tensor.of(pads, pads.length)})[0];
        return y.toLongArray();
    }

    @Test
    void negativePadsCropBeforeReflecting() {
        // Crop one element at the start; reflect the kept [2, 3, 4] by two at the end.
        assertArrayEquals(new long[] {2, 3, 4, 3, 2}, pad(PadOp.Mode.REFLECT, 0, -1, 0, 2));
        assertArrayEquals(new long[] {0, 1, 2}, pad(PadOp.Mode.CONSTANT, 0, 1, 0, -2));
    }

    @Test
    void padsLongerThanTheAxisRepeat() {
        // numpy: np.pad([1, 2, 3, 4], (7, 0), 'reflect') and 'wrap'.
        assertArrayEquals(new long[] {2, 1, 2, 3, 4, 3, 2, 1, 2, 3, 4}, pad(PadOp.Mode.REFLECT, 0, 7, 0, 0));
        assertArrayEquals(new long[] {2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4}, pad(PadOp.Mode.WRAP, 0, 7, 0, 0));
        assertArrayEquals(new long[] {1, 1, 1, 2, 3, 4, 4}, pad(PadOp.Mode.EDGE, 0, 2, 0, 1));
    }

    @Test
    void croppingMoreThanTheAxisFails() {
        assertThrows(VinferException.class, () -> pad(PadOp.Mode.CONSTANT, 0, -3, 0, -2));
        assertThrows(VinferException.class, () -> pad(PadOp.Mode.EDGE, 0, -4, 0, 1));
    }

    @Test
    void hugePadsAreRejectedBeforeAllocating() {
        TestContext small = TestContext.withMaxElements(1000);
        Tensor pads = Tensor.of(new long[] {0, 0, 0, 1_000_000_000L}, 4);
        assertThrows(VinferException.class,
                () -> new PadOp(PadOp.Mode.REFLECT).run(small, new Tensor[] {ROW, pads}));
    }
}
