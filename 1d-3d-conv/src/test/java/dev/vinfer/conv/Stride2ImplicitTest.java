package dev.vinfer.conv;

import static dev.vinfer.conv.TestSupport.assertClose;
import static dev.vinfer.conv.TestSupport.random;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * 3x3 stride-2 layers with many input channels, which AUTO now sends to {@link ConvAlgorithm#IMPLICIT_IM2COL}
 * ({@link AutoImplicitIm2colRules#stride2Implicit}), against {@link ConvReference} through
 * {@link ConvAlgorithmsTest#check}
 * (every backend, serial and parallel, seed in every message): K of several hundred to 2304 (the last in a pinned shape) (the implicit GEMM runs
 * all of K per panel), output channels around its 8-row tile, odd and even planes, pads 0-2 (asymmetric), batches,
 * and the residual before the activation.
 */
class Stride2ImplicitTest {

    static ConvGeometry random3x3s2(Random r) {
        int c = 16 + r.nextInt(r.nextBoolean() ? 20 : 120);
        int m = 1 + r.nextInt(r.nextBoolean() ? 20 : 70);
        int pb = r.nextInt(3);
        int pe = r.nextInt(3);
        int h = Math.max(1, 3 - pb - pe) + r.nextInt(24);
        int w = Math.max(1, 3 - pb - pe) + r.nextInt(24);
        return ConvGeometry.builder().batch(1 + r.nextInt(2)).channels(c, m).input(h, w).kernel(3, 3).strides(2, 2)
                .pads(new int[] {pb, pe}, new int[] {pe, pb}).build();
    }

    @Test
    void randomized() {
        for (long seed = 6100; seed < 6118; seed++) {
            Random r = new Random(seed);
            ConvGeometry g = random3x3s2(r);
            ConvAlgorithmsTest.check("seed=" + seed, g, seed % 3 == 0 ? ConvAlgorithm.AUTO
                    : ConvAlgorithm.IMPLICIT_IM2COL, r);
        }
    }

    /** ResNet-like shapes on small planes: the first through AUTO (which takes the implicit form), the rest forced. */
    @Test
    void pinned() {
        long seed = 6200;
        ConvGeometry[] shapes = {
            s2(64, 40, 34, 34, 1), // 17 x 17 = 289 output pixels
            s2(128, 21, 29, 31, 1), // K = 1152, odd plane
            s2(256, 9, 24, 20, 1), // K = 2304, one partial row tile
            s2(16, 65, 40, 37, 0),
            s2(17, 8, 5, 6, 2),
        };
        ConvGeometry first = shapes[0];
        for (ConvGeometry g : shapes) {
            ConvAlgorithmsTest.check("seed=" + seed, g, g == first ? ConvAlgorithm.AUTO
                    : ConvAlgorithm.IMPLICIT_IM2COL, new Random(seed++));
        }
    }

    @Test
    void residualBeforeTheRelu() {
        for (long seed = 6300; seed < 6306; seed++) {
            Random r = new Random(seed);
            ConvGeometry g = random3x3s2(r);
            float[] w = random(r, g.weightLength());
            float[] bias = random(r, g.outChannels());
            float[] in = random(r, g.inputLength());
            float[] res = random(r, 1 + g.outputLength());
            float[] want = new float[g.outputLength()];
            ConvReference.conv(g, in, 0, w, 0, bias, Epilogue.RELU, want, 0, res, 1);
            for (Backend be : TestSupport.backends()) {
                ConvKernel k = Convolutions.prepare(g, w, 0, bias, Epilogue.RELU, ConvAlgorithm.IMPLICIT_IM2COL, be);
                for (Parallel p : TestSupport.PARALLELS) {
                    float[] out = new float[g.outputLength()];
                    k.run(in, 0, out, 0, res, 1, p);
                    assertClose("seed=" + seed + " " + g + " " + be.name() + " " + p, g.reductionLength() + 1, want,
                            0, out, 0, out.length);
                }
            }
        }
    }

    @Test
    void selection() {
        // Session 6: ResNet's strided 3x3 layers moved to CHANNELS_LAST (AutoPixelRowsRules.channelsLast).
        assertEquals(ConvAlgorithm.CHANNELS_LAST, ConvAlgorithm.choose(s2(128, 128, 56, 56, 1)));
        assertEquals(ConvAlgorithm.CHANNELS_LAST, ConvAlgorithm.choose(s2(64, 128, 56, 56, 1)));
        assertEquals(ConvAlgorithm.CHANNELS_LAST, ConvAlgorithm.choose(s2(64, 40, 34, 34, 1)));
        assertEquals(ConvAlgorithm.CHANNELS_LAST, ConvAlgorithm.choose(s2(256, 256, 28, 28, 1)));
        assertEquals(ConvAlgorithm.CHANNELS_LAST, ConvAlgorithm.choose(s2(512, 512, 14, 14, 1)));
        assertEquals(ConvAlgorithm.IMPLICIT_IM2COL, ConvAlgorithm.choose(s2(64, 16, 56, 56, 1))); // < 32 outputs
        assertEquals(ConvAlgorithm.IM2COL, ConvAlgorithm.choose(s2(8, 64, 112, 112, 1))); // fewer than 16 inputs
        // K = 4608 (past stride2Implicit): im2col before session 6, CHANNELS_LAST now (7.6 vs 19.6 ms, load 14).
        assertEquals(ConvAlgorithm.CHANNELS_LAST, ConvAlgorithm.choose(s2(512, 64, 56, 56, 1)));
    }

    private static ConvGeometry s2(int c, int m, int h, int w, int pad) {
        return ConvGeometry.builder().channels(c, m).input(h, w).kernel(3, 3).strides(2, 2)
                .padsOnnx(pad, pad, pad, pad).build();
    }
}
