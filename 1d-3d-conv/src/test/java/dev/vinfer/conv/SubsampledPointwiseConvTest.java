package dev.vinfer.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * 1x1 strided unpadded convolutions ({@link SubsampledPointwiseConv}: the input subsampled once, then the pointwise
 * kernel; and PIXEL_ROWS, which AUTO keeps on small planes) against {@link ConvReference}, on both backends, serial and parallel, through
 * {@link ConvAlgorithmsTest#check} (seed in every message).
 */
class SubsampledPointwiseConvTest {

    /** Random ranks 1-3, strides 1-3 per axis (at least one above 1), odd sizes, groups, batch 1-3. */
    static ConvGeometry random(Random r) {
        int rank = 1 + r.nextInt(3);
        int group = r.nextInt(4) == 0 ? 2 + r.nextInt(2) : 1;
        int cg = 1 + r.nextInt(r.nextBoolean() ? 40 : 6);
        int mg = 1 + r.nextInt(r.nextInt(3) == 0 ? 40 : 9);
        int[] in = new int[rank];
        int[] s = new int[rank];
        int[] ones = new int[rank];
        int maxIn = rank == 1 ? 90 : rank == 2 ? 40 : 9;
        for (int i = 0; i < rank; i++) {
            ones[i] = 1;
            s[i] = 1 + r.nextInt(3);
            in[i] = 1 + r.nextInt(maxIn);
        }
        if (java.util.Arrays.stream(s).allMatch(x -> x == 1)) {
            s[r.nextInt(rank)] = 2;
        }
        return ConvGeometry.builder().batch(1 + r.nextInt(3)).channels(group * cg, group * mg).group(group)
                .input(in).kernel(ones).strides(s).build();
    }

    @Test
    void randomizedPointwiseAndPixelRows() {
        for (long seed = 4200; seed < 4240; seed++) {
            Random r = new Random(seed);
            ConvGeometry g = random(r);
            assertTrue(SubsampledPointwiseConv.applies(g), g::toString);
            ConvAlgorithm a = seed % 2 == 0 ? ConvAlgorithm.POINTWISE : ConvAlgorithm.PIXEL_ROWS;
            ConvAlgorithmsTest.check("seed=" + seed, g, a, r);
        }
    }

    /**
     * Stride-2 rows around the vectorized even/odd split's cases (outW 1, 8, 16 = one masked pair at 16 lanes, 17
     * and 40 = full pairs plus an overlapping tail), odd inputs whose last column is never read, stride (1, 2),
     * (2, 1) and 3, and ResNet's shortcut shapes on small planes.
     */
    @Test
    void pinnedEdges() {
        long seed = 4300;
        ConvGeometry[] shapes = {
            pw(3, 5, 1, 2, 2),
            pw(4, 7, 3, 16, 2),
            pw(5, 6, 5, 31, 2),
            pw(6, 33, 4, 32, 2),
            pw(7, 9, 3, 33, 2),
            pw(8, 20, 2, 34, 2),
            pw(9, 35, 3, 79, 2),
            pw(64, 128, 15, 15, 2),
            pw(256, 96, 14, 14, 2),
            pw(33, 40, 13, 13, 3),
            ConvGeometry.builder().channels(12, 37).input(9, 20).kernel(1, 1).strides(1, 2).build(),
            ConvGeometry.builder().channels(12, 37).input(9, 20).kernel(1, 1).strides(2, 1).build(),
            ConvGeometry.builder().batch(2).channels(10, 18).group(2).input(5, 7, 9).kernel(1, 1, 1)
                    .strides(2, 2, 2).build(),
            ConvGeometry.builder().channels(20, 50).input(101).kernel(1).strides(2).build(),
        };
        for (ConvGeometry g : shapes) {
            for (ConvAlgorithm a : new ConvAlgorithm[] {ConvAlgorithm.POINTWISE, ConvAlgorithm.PIXEL_ROWS,
                ConvAlgorithm.AUTO}) {
                ConvAlgorithmsTest.check("seed=" + seed, g, a, new Random(seed));
                seed++;
            }
        }
    }

    /** The residual input reaches the inner kernel at the output's offsets. */
    @Test
    void residualThroughTheInnerKernel() {
        long seed = 4400;
        for (ConvAlgorithm a : new ConvAlgorithm[] {ConvAlgorithm.POINTWISE, ConvAlgorithm.PIXEL_ROWS}) {
            Random r = new Random(seed);
            ConvGeometry g = pw(40, 64, 11, 12, 2);
            float[] w = TestSupport.random(r, g.weightLength());
            float[] bias = TestSupport.random(r, g.outChannels());
            float[] in = TestSupport.random(r, 3 + g.inputLength());
            float[] res = TestSupport.random(r, 5 + g.outputLength());
            float[] want = new float[g.outputLength()];
            ConvReference.conv(g, in, 3, w, 0, bias, Epilogue.NONE, want, 0);
            for (int i = 0; i < want.length; i++) {
                want[i] = Math.max(0f, want[i] + res[5 + i]);
            }
            for (Backend be : TestSupport.backends()) {
                for (Parallel p : TestSupport.PARALLELS) {
                    ConvKernel k = Convolutions.prepare(g, w, 0, bias, Epilogue.RELU, a, be);
                    float[] out = new float[2 + g.outputLength()];
                    k.run(in, 3, out, 2, res, 5, p);
                    TestSupport.assertClose("seed=" + seed + " " + a + " " + be.name() + " " + p, a, g, want, 0,
                            out, 2, g.outputLength());
                }
            }
            seed++;
        }
    }

    @Test
    void selection() {
        ConvGeometry padded = ConvGeometry.builder().channels(8, 8).input(9, 9).kernel(1, 1).strides(2, 2)
                .padsOnnx(1, 1, 1, 1).build();
        assertFalse(ConvAlgorithm.POINTWISE.supports(padded));
        assertFalse(SubsampledPointwiseConv.applies(pw(8, 8, 9, 9, 1)));
        // ResNet-50's shortcuts: 56 -> 28 pointwise, 28 -> 14 and 14 -> 7 pixel rows (196 pixels or fewer).
        assertEquals(ConvAlgorithm.POINTWISE, ConvAlgorithm.choose(pw(256, 512, 56, 56, 2)));
        assertEquals(ConvAlgorithm.PIXEL_ROWS, ConvAlgorithm.choose(pw(512, 1024, 28, 28, 2)));
        assertEquals(ConvAlgorithm.PIXEL_ROWS, ConvAlgorithm.choose(pw(1024, 2048, 14, 14, 2)));
        assertEquals(ConvAlgorithm.POINTWISE, ConvAlgorithm.choose(pw(64, 128, 56, 56, 2)));
        assertEquals(ConvAlgorithm.PIXEL_ROWS, ConvAlgorithm.choose(pw(128, 256, 28, 28, 2)));
        assertEquals(ConvAlgorithm.POINTWISE, ConvAlgorithm.choose(pw(8, 16, 9, 9, 2))); // fewer than 32 outputs
    }

    private static ConvGeometry pw(int c, int m, int h, int w, int stride) {
        return ConvGeometry.builder().channels(c, m).input(h, w).kernel(1, 1).strides(stride, stride).build();
    }
}
