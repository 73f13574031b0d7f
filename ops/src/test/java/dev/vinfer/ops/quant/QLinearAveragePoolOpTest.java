package dev.vinfer.ops.quant;

import dev.vinfer.ops.testing.TestContext;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Tensor;
import org.junit.jupiter.api.Test;

/** QLinearAveragePool window arithmetic on a 3x3 image 0..8 (scale 1, zero point 0), worked out by hand. */
class QLinearAveragePoolOpTest {
    private static final byte[] IMAGE = {0, 1, 2, 3, 4, 5, 6, 7, 8};

    /** Ceil mode adds a partial last window; without count_include_pad it averages only the real values. */
    @Test
    void ceilModeAveragesPartialWindowsOverTheirOwnSize() {
        // Windows {0,1,3,4}=2, {2,5}=3.5->4 (ties to even), {6,7}=6.5->6, {8}=8.
        assertArrayEquals(new long[] {2, 4, 6, 8}, pool(false, false, 1, 1, 3, 3));
    }

    /** With count_include_pad the divisor is the whole kernel, also for windows overhanging the input. */
    @Test
    void countIncludePadDividesByTheKernelSize() {
        // 8/4=2, 7/4=1.75->2, 13/4=3.25->3, 8/4=2.
        assertArrayEquals(new long[] {2, 2, 3, 2}, pool(true, false, 1, 1, 3, 3));
    }

    /** The same image laid out N,H,W,C gives the same result. */
    @Test
    void channelsLastReadsTheSameWindows() {
        assertArrayEquals(new long[] {2, 4, 6, 8}, pool(false, true, 1, 3, 3, 1));
    }

    private static long[] pool(boolean countIncludePad, boolean channelsLast, int... shape) {
        QLinearAveragePoolOp op = new QLinearAveragePoolOp(new int[] {2, 2}, new int[] {2, 2}, null,
                ConvGeometry.PadMode.EXPLICIT, true, countIncludePad, channelsLast);
        Tensor x = Tensor.ofBytes(DType.UINT8, IMAGE.clone(), shape);
        Tensor one = Tensor.scalar(1f);
        Tensor zero = Tensor.ofBytes(DType.UINT8, new byte[] {0});
        return op.run(new TestContext(), new Tensor[] {x, one, zero, one, zero})[0].toLongArray();
    }
}
