package dev.vinfer.ops.unary;

import dev.vinfer.ops.testing.TestContext;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import org.junit.jupiter.api.Test;

/** Integer semantics and rounding of the element-wise math ops (the conformance set covers floats only). */
class UnaryOpTest {
    private static Tensor run(UnaryOp op, Tensor x) {
        return op.run(new TestContext(), new Tensor[] {x})[0];
    }

    @Test
    void roundGoesHalfToEven() {
        Tensor y = run(MathOps.round(), Tensor.of(new float[] {0.5f, 1.5f, 2.5f, -0.5f, -2.5f, 2.4f, -2.6f}, 7));
        assertArrayEquals(new float[] {0f, 2f, 2f, -0f, -2f, 2f, -3f}, y.floats());
    }

    @Test
    void absAndSignOnSignedIntegers() {
        byte[] v = {-128, -3, 0, 5};
        assertArrayEquals(new byte[] {-128, 3, 0, 5}, run(MathOps.abs(), Tensor.ofBytes(DType.INT8, v, 4)).bytes());
        assertArrayEquals(new byte[] {-1, -1, 0, 1}, run(MathOps.sign(), Tensor.ofBytes(DType.INT8, v, 4)).bytes());
    }

    @Test
    void unsignedValuesAreNeverNegative() {
        long big = 0x8000_0000_0000_0005L; // 2^63 + 5 as uint64
        Tensor x = Tensor.wrap(DType.UINT64, new long[] {big, 0, 7}, 0, 3);
        assertArrayEquals(new long[] {big, 0, 7}, run(MathOps.abs(), x).longs());
        assertArrayEquals(new long[] {1, 0, 1}, run(MathOps.sign(), x).longs());
    }

    @Test
    void negRejectsUnsignedAndSqrtRejectsIntegers() {
        Tensor u8 = Tensor.ofBytes(DType.UINT8, new byte[] {1}, 1);
        assertThrows(VinferException.class, () -> run(MathOps.neg(), u8));
        assertThrows(VinferException.class, () -> run(MathOps.sqrt(), Tensor.of(new long[] {4}, 1)));
        assertArrayEquals(new long[] {-4, Long.MIN_VALUE}, run(MathOps.neg(),
                Tensor.of(new long[] {4, Long.MIN_VALUE}, 2)).longs());
    }
}
