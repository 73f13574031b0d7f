package dev.vinfer.conv;

import static dev.vinfer.conv.TestSupport.assertClose;
import static dev.vinfer.conv.TestSupport.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The channel-blocked depthwise kernel ({@link ConvAlgorithm#DEPTHWISE_BLOCKED}) against the double reference
 * ({@link ConvAlgorithmsTest#check}: every backend (blocks of 8 scalar, 16 or 8 vector lanes), serial, two threads
 * and a five-way split; NaN-filled output so unwritten or out-of-range values show). Channel counts around the
 * block sizes (a last, partial block), output planes below, at and above one transpose tile (16 positions: the
 * scalar tail, the overlapping last tile), stride 1/2/3, 3x3 (with the four-at-a-time stride-1 row), 5x5, the 7x7
 * global depthwise of MobileFaceNet, dilation, asymmetric and oversized pads, ranks 1-3, batch 2, residual. Seeds
 * are in every failure message.
 */
class BlockedDepthwiseConvTest {

    private static void check(long seed, ConvGeometry.Builder b) {
        ConvAlgorithmsTest.check("seed=" + seed, b.build(), ConvAlgorithm.DEPTHWISE_BLOCKED, new Random(seed));
    }

    private static ConvGeometry.Builder dw2d(int c, int h, int w, int k, int s, int p) {
        return ConvGeometry.builder().channels(c, c).group(c).input(h, w).kernel(k, k).strides(s, s)
                .padsOnnx(p, p, p, p);
    }

    /** MobileNet-style 3x3 pad 1, stride 1 and 2, with channel counts around 8 and 16. */
    @Test
    void threeByThreeAroundBlockAndTileSizes() {
        long seed = 5000;
        int[] channels = {1, 7, 8, 9, 16, 17, 33};
        int[] sizes = {1, 2, 3, 4, 5, 7, 9, 14, 17};
        for (int i = 0; i < sizes.length; i++) {
            int c = channels[i % channels.length];
            check(seed++, dw2d(c, sizes[i], sizes[i], 3, 1, 1));
            check(seed++, dw2d(channels[(i + 3) % channels.length], sizes[i] + 1, sizes[i], 3, 2, 1));
        }
    }

    /** MobileFaceNet's global depthwise (the kernel covers the plane, one output), 5x5, dilation, odd pads, 1D, 3D. */
    @Test
    void otherKernelsAndGeometries() {
        long seed = 5100;
        check(seed++, dw2d(40, 7, 7, 7, 1, 0));
        check(seed++, dw2d(17, 19, 21, 5, 1, 2));
        check(seed++, dw2d(9, 19, 33, 5, 2, 2));
        check(seed++, dw2d(5, 11, 40, 7, 3, 3));
        check(seed++, dw2d(10, 17, 18, 1, 2, 0));
        check(seed++, ConvGeometry.builder().batch(2).channels(19, 19).group(19).input(13, 29).kernel(3, 5)
                .strides(2, 1).dilations(2, 1).padsOnnx(0, 2, 3, 1));
        check(seed++, ConvGeometry.builder().channels(6, 6).group(6).input(9, 35).kernel(3, 3).strides(1, 2)
                .dilations(1, 3).padsOnnx(4, 0, 1, 5));
        // Pads larger than the kernel: whole output rows and columns see only zeros.
        check(seed++, dw2d(3, 5, 20, 3, 1, 4));
        // 3x3 with dilation 2 at stride 1: not the four-at-a-time row (its taps are not adjacent).
        check(seed++, ConvGeometry.builder().channels(16, 16).group(16).input(12, 23).kernel(3, 3).dilations(2, 2)
                .padsOnnx(2, 2, 2, 2));
        check(seed++, ConvGeometry.builder().channels(12, 12).group(12).input(301).kernel(3).strides(2)
                .padsOnnx(1, 1));
        check(seed++, ConvGeometry.builder().channels(3, 3).group(3).input(5, 9, 18).kernel(3, 3, 3)
                .strides(1, 2, 2).padsOnnx(1, 1, 1, 1, 1, 1));
    }

    /** Random multiplier-1 depthwise geometries, planes up to 30 x 40, channels up to 40. */
    @Test
    void randomGeometries() {
        for (long seed = 5200; seed < 5240; seed++) {
            Random r = new Random(seed);
            int c = 1 + r.nextInt(40);
            int k = 1 + r.nextInt(5);
            int s = 1 + r.nextInt(2);
            int d = 1 + r.nextInt(2);
            int pb = r.nextInt(k + 1);
            int pe = r.nextInt(k + 1);
            int h = Math.max(1, d * (k - 1) + 1 - 2 * pb) + r.nextInt(30);
            int w = Math.max(1, d * (k - 1) + 1 - pb - pe) + r.nextInt(40);
            check(seed, ConvGeometry.builder().batch(1 + r.nextInt(2)).channels(c, c).group(c).input(h, w)
                    .kernel(k, k).strides(s, s).dilations(d, d).padsOnnx(pb, pb, pb, pe));
        }
    }

    /** A residual is added before the activation, with and without a clamp the row kernel would have fused. */
    @Test
    void residualBeforeTheActivation() {
        for (long seed = 5300; seed < 5312; seed++) {
            Random r = new Random(seed);
            int c = 1 + r.nextInt(35);
            int size = 1 + r.nextInt(20);
            ConvGeometry g = dw2d(c, size, size + r.nextInt(5), 3, 1 + r.nextInt(2), 1).build();
            float[] w = random(r, g.weightLength());
            float[] bias = r.nextBoolean() ? random(r, c) : null;
            float[] in = random(r, g.inputLength());
            float[] res = random(r, g.outputLength());
            Epilogue e = seed % 2 == 0 ? Epilogue.clip(0f, 6f) : ConvCases.epilogue(r);
            float[] want = new float[g.outputLength()];
            ConvReference.conv(g, in, 0, w, 0, bias, e, want, 0, res, 0);
            for (Backend be : TestSupport.backends()) {
                ConvKernel k = Convolutions.prepare(g, w, 0, bias, e, ConvAlgorithm.DEPTHWISE_BLOCKED, be);
                for (Parallel p : TestSupport.PARALLELS) {
                    float[] out = new float[g.outputLength() + 1];
                    Arrays.fill(out, Float.NaN);
                    k.run(in, 0, out, 0, res, 0, p);
                    assertClose("seed=" + seed + " " + g + " " + e + " " + be.name() + " " + p,
                            g.reductionLength() + 1, want, 0, out, 0, g.outputLength());
                    assertEquals(Float.NaN, out[g.outputLength()], "seed=" + seed + ": wrote past the end");
                }
            }
        }
    }

    /** AUTO's rule ({@link AutoDepthwiseRule#depthwise}): blocked when strided or the output rows are short. */
    @Test
    void autoTakesTheBlockedKernelOnStridedLayersAndShortRows() {
        assertEquals(ConvAlgorithm.DEPTHWISE, ConvAlgorithm.choose(dw2d(144, 56, 56, 3, 1, 1).build()));
        assertEquals(ConvAlgorithm.DEPTHWISE, ConvAlgorithm.choose(dw2d(192, 28, 28, 3, 1, 1).build()));
        // Session 4: 3x3 s1 p1 rows of 16 to 23 read in place by DEPTHWISE. Session 6: rows of 14 and 15 too (the
        // flat run, unless -Dvinfer.depthwiseFlat=false); 7 stays blocked.
        ConvAlgorithm narrow = DepthwiseConv.NARROW_IN_PLACE ? ConvAlgorithm.DEPTHWISE : ConvAlgorithm.DEPTHWISE_BLOCKED;
        assertEquals(narrow, ConvAlgorithm.choose(dw2d(576, 14, 14, 3, 1, 1).build()));
        assertEquals(ConvAlgorithm.DEPTHWISE, ConvAlgorithm.choose(dw2d(256, 16, 16, 3, 1, 1).build()));
        assertEquals(narrow, ConvAlgorithm.choose(dw2d(256, 15, 15, 3, 1, 1).build()));
        assertEquals(ConvAlgorithm.DEPTHWISE_BLOCKED, ConvAlgorithm.choose(dw2d(960, 7, 7, 3, 1, 1).build()));
        // Session 9: 3x3 s2 p1 rows of 7 to 15 read in place too (the masked narrow strip).
        assertEquals(narrow, ConvAlgorithm.choose(dw2d(144, 28, 28, 3, 2, 1).build()));
        assertEquals(narrow, ConvAlgorithm.choose(dw2d(576, 14, 14, 3, 2, 1).build()));
        assertEquals(ConvAlgorithm.DEPTHWISE_BLOCKED, ConvAlgorithm.choose(dw2d(144, 12, 12, 3, 2, 1).build()));
        assertEquals(ConvAlgorithm.DEPTHWISE, ConvAlgorithm.choose(dw2d(144, 56, 56, 3, 2, 1).build())); // session 4
        assertEquals(ConvAlgorithm.DEPTHWISE_BLOCKED, ConvAlgorithm.choose(dw2d(144, 57, 57, 3, 2, 1).build()));
        assertEquals(ConvAlgorithm.DEPTHWISE_BLOCKED, ConvAlgorithm.choose(dw2d(512, 7, 7, 7, 1, 0).build()));
        assertEquals(ConvAlgorithm.DEPTHWISE, ConvAlgorithm.choose(ConvGeometry.builder().channels(8, 8).group(8)
                .input(4000).kernel(3).padsOnnx(1, 1).build()));
        // Strided, but a padded extent past 65536 positions: the per-thread interleaved plane would pass 4 MiB.
        assertEquals(ConvAlgorithm.DEPTHWISE_BLOCKED, ConvAlgorithm.choose(ConvGeometry.builder().channels(8, 8)
                .group(8).input(16000).kernel(3).strides(2).padsOnnx(1, 1).build()));
        assertEquals(ConvAlgorithm.DEPTHWISE, ConvAlgorithm.choose(ConvGeometry.builder().channels(8, 8).group(8)
                .input(200000).kernel(3).strides(2).padsOnnx(1, 1).build()));
    }

    @Test
    void supportsOnlyOneOutputChannelPerInputChannel() {
        ConvGeometry twice = ConvGeometry.builder().channels(4, 8).group(4).input(9, 9).kernel(3, 3).build();
        assertFalse(ConvAlgorithm.DEPTHWISE_BLOCKED.supports(twice));
        assertEquals(ConvAlgorithm.DEPTHWISE, ConvAlgorithm.choose(twice));
        assertThrows(IllegalArgumentException.class, () -> Convolutions.prepare(twice,
                new float[twice.weightLength()], 0, null, Epilogue.NONE, ConvAlgorithm.DEPTHWISE_BLOCKED));
    }
}
