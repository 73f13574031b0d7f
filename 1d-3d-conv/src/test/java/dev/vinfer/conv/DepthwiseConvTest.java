package dev.vinfer.conv;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The depthwise kernel's paths against the double reference ({@link ConvAlgorithmsTest#check}: every backend,
 * serial, two threads and a five-way split; NaN-filled output so unwritten or out-of-range values show): planes
 * narrower than a vector (one flat run, rows copied out), rows of at least {@link DepthwiseConv#ROW_MIN} (straight
 * into the output, last vector overlapping), stride 1/2/3 (phase split; stride 2 through the vector
 * deinterleave, with rows shorter and longer than two vectors), 3x3, 5x5 and other kernels, dilation, asymmetric
 * and oversized pads, channel multipliers, ranks 1-3. Seeds are in every failure message.
 */
class DepthwiseConvTest {

    private static void check(long seed, ConvGeometry.Builder b) {
        ConvAlgorithmsTest.check("seed=" + seed, b.build(), ConvAlgorithm.DEPTHWISE, new Random(seed));
    }

    private static ConvGeometry.Builder dw2d(int c, int h, int w, int k, int s, int p) {
        return ConvGeometry.builder().channels(c, c).group(c).input(h, w).kernel(k, k).strides(s, s)
                .padsOnnx(p, p, p, p);
    }

    /** MobileNet-style 3x3 pad 1 layers at the widths around the vector length and the 16-column row switch. */
    @Test
    void threeByThreeAroundVectorWidths() {
        long seed = 3000;
        for (int size : new int[] {1, 2, 3, 7, 8, 9, 14, 15, 16, 17, 23, 31, 32, 33, 40, 57}) {
            check(seed++, dw2d(3, size, size, 3, 1, 1));
            check(seed++, dw2d(2, size + 1, size, 3, 2, 1));
        }
    }

    /** 5x5 and other kernels, dilation, odd strides, uneven pads, multiplier 2 and 3, batch 2. */
    @Test
    void otherKernelsAndGeometries() {
        long seed = 3100;
        check(seed++, dw2d(4, 19, 21, 5, 1, 2));
        check(seed++, dw2d(4, 19, 33, 5, 2, 2));
        check(seed++, dw2d(3, 11, 40, 7, 3, 3));
        check(seed++, dw2d(3, 17, 18, 1, 2, 0));
        check(seed++, ConvGeometry.builder().batch(2).channels(3, 6).group(3).input(13, 29).kernel(3, 5)
                .strides(2, 1).dilations(2, 1).padsOnnx(0, 2, 3, 1));
        check(seed++, ConvGeometry.builder().channels(2, 6).group(2).input(9, 35).kernel(3, 3).strides(1, 2)
                .dilations(1, 3).padsOnnx(4, 0, 1, 5));
        // Pads larger than the kernel: whole output rows and columns see only zeros.
        check(seed++, dw2d(2, 5, 20, 3, 1, 4));
        // 1D (audio-style long rows, stride 2 and 4) and 3D.
        check(seed++, ConvGeometry.builder().channels(5, 5).group(5).input(301).kernel(3).strides(2)
                .padsOnnx(1, 1));
        check(seed++, ConvGeometry.builder().channels(2, 4).group(2).input(157).kernel(9).strides(4)
                .padsOnnx(4, 0));
        check(seed++, ConvGeometry.builder().channels(3, 3).group(3).input(5, 9, 18).kernel(3, 3, 3)
                .strides(1, 2, 2).padsOnnx(1, 1, 1, 1, 1, 1));
    }

    /** Random depthwise geometries with planes up to 40 wide, so the row path is drawn as well as the flat one. */
    @Test
    void randomWideAndNarrow() {
        for (long seed = 3200; seed < 3230; seed++) {
            Random r = new Random(seed);
            int c = 1 + r.nextInt(5);
            int k = 1 + r.nextInt(5);
            int s = 1 + r.nextInt(2);
            int d = 1 + r.nextInt(2);
            int pb = r.nextInt(k + 1);
            int pe = r.nextInt(k + 1);
            int h = Math.max(1, d * (k - 1) + 1 - 2 * pb) + r.nextInt(20);
            int w = Math.max(1, d * (k - 1) + 1 - pb - pe) + r.nextInt(40);
            check(seed, ConvGeometry.builder().channels(c, c * (1 + r.nextInt(2))).group(c).input(h, w).kernel(k, k)
                    .strides(s, s).dilations(d, d).padsOnnx(pb, pb, pb, pe));
        }
    }
}
