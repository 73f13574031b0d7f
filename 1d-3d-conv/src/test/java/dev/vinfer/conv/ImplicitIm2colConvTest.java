package dev.vinfer.conv;

import static dev.vinfer.conv.TestSupport.assertClose;
import static dev.vinfer.conv.TestSupport.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ConvAlgorithm#IMPLICIT_IM2COL} against {@link ConvReference} (through {@link ConvAlgorithmsTest#check}: every
 * backend, serial and parallel, seed in every message): randomized 1D/2D/3D geometries with strides, dilations, pads,
 * groups and batches; pinned shapes at the kernel's edges (pixel counts around its 32-pixel panels, the shrinking
 * thread ranges and 1024-pixel chunks; output rows shorter than a panel; rows around its 8-row tile); the residual;
 * and the per-thread layout shared by two kernels.
 */
class ImplicitIm2colConvTest {

    @Test
    void randomGeometries() {
        for (long seed = 5000; seed < 5120; seed++) {
            Random r = new Random(seed);
            ConvGeometry g = ConvCases.forward(r, 1 + (int) (seed % 3), ConvCases.Kind.GENERAL);
            ConvAlgorithmsTest.check("seed=" + seed, g, ConvAlgorithm.IMPLICIT_IM2COL, r);
        }
    }

    @Test
    void pinnedEdges() {
        long seed = 5200;
        ConvGeometry[] shapes = {
            // The ResNet stem's kind (7x7/2, pad 3) on a small odd plane: 15 x 12 output, runs across rows.
            ConvGeometry.builder().channels(3, 64).input(29, 23).kernel(7, 7).strides(2, 2).padsOnnx(3, 3, 3, 3)
                    .build(),
            // 3x3x3 video stem kind, 3 -> 13 (rows past the 8-row tile), output rows of 33 (a panel and one).
            ConvGeometry.builder().channels(3, 13).input(3, 5, 33).kernel(3, 3, 3).padsOnnx(1, 1, 1, 1, 1, 1)
                    .build(),
            // 7x7x7 with stride (1, 2, 2): the ResNet3D-10 stem's kind.
            ConvGeometry.builder().channels(3, 9).input(4, 13, 14).kernel(7, 7, 7).strides(1, 2, 2)
                    .padsOnnx(3, 3, 3, 3, 3, 3).build(),
            // 1-D audio front end kind: 80 taps, stride 4, 1 -> 128; 1031 outputs (chunk edge + 7).
            ConvGeometry.builder().channels(1, 128).input(4200).kernel(80).strides(4).build(),
            // Pixel counts 31, 32, 33, 63, 64, 65 in one row (1-D), M = 1, 7, 8, 9.
            ConvGeometry.builder().channels(2, 1).input(33).kernel(3).build(),
            ConvGeometry.builder().channels(2, 7).input(34).kernel(3).build(),
            ConvGeometry.builder().channels(2, 8).input(35).kernel(3).build(),
            ConvGeometry.builder().channels(2, 9).input(65).kernel(3).build(),
            ConvGeometry.builder().channels(2, 16).input(66).kernel(3).build(),
            ConvGeometry.builder().channels(2, 17).input(67).kernel(3).build(),
            // Output rows of 1 and 3 pixels: a panel holds many runs.
            ConvGeometry.builder().channels(2, 8).input(70, 1).kernel(3, 1).padsOnnx(1, 0, 1, 0).build(),
            ConvGeometry.builder().channels(3, 5).input(21, 7).kernel(3, 3).strides(1, 3).dilations(2, 1).build(),
            // Stride 3 and 4 along W with dilation and uneven pads (phases of odd lengths), groups.
            ConvGeometry.builder().channels(4, 6).group(2).input(9, 40).kernel(3, 5).strides(2, 3).dilations(1, 2)
                    .pads(new int[] {0, 4}, new int[] {2, 1}).build(),
            ConvGeometry.builder().batch(2).channels(3, 10).input(5, 8, 41).kernel(2, 3, 6).strides(3, 1, 4)
                    .pads(new int[] {1, 0, 5}, new int[] {0, 2, 3}).build(),
            // 60 x 55 = 3300 output pixels: at 2 and 5 threads, a dozen shrinking pixel ranges (GuidedRanges) that
            // end inside panels and chunks.
            ConvGeometry.builder().channels(3, 16).input(120, 109).kernel(7, 7).strides(2, 2).padsOnnx(3, 3, 3, 3)
                    .build(),
            // SqueezeNet's first expand kind (3x3 p1, 16 input channels, K = 144) on an odd 23 x 21 plane, M = 40:
            // a 32-channel panel and an 8-row rest.
            ConvGeometry.builder().channels(16, 40).input(23, 21).kernel(3, 3).padsOnnx(1, 1, 1, 1).build(),
            // The 3x3/2 stems (k = 27: 32 panels per group, a whole chunk): 38 x 36 = 1368 pixels (a chunk, then a
            // group ending inside a panel), and SqueezeNet's pad-0 kind, 33 x 46 = 1518 pixels, 64 rows.
            ConvGeometry.builder().channels(3, 32).input(75, 71).kernel(3, 3).strides(2, 2).padsOnnx(1, 1, 1, 1)
                    .build(),
            ConvGeometry.builder().channels(3, 64).input(67, 93).kernel(3, 3).strides(2, 2).build(),
            // K = 3 * 121 = 363, above the shared GEMM's KC = 256.
            ConvGeometry.builder().channels(3, 10).input(20, 19).kernel(11, 11).padsOnnx(5, 5, 5, 5).build(),
        };
        for (ConvGeometry g : shapes) {
            assertTrue(ConvAlgorithm.IMPLICIT_IM2COL.supports(g), g.toString());
            ConvAlgorithmsTest.check("seed=" + seed, g, ConvAlgorithm.IMPLICIT_IM2COL, new Random(seed++));
        }
    }

    /** The residual is added after the bias and before the activation (ReLU then runs after the GEMM, not in it). */
    @Test
    void residualBeforeTheActivation() {
        for (long seed = 5300; seed < 5320; seed++) {
            Random r = new Random(seed);
            ConvGeometry g = ConvCases.forward(r, 1 + (int) (seed % 3), ConvCases.Kind.GENERAL);
            float[] w = random(r, g.weightLength());
            float[] bias = r.nextBoolean() ? random(r, g.outChannels()) : null;
            float[] in = random(r, g.inputLength());
            float[] res = random(r, 1 + g.outputLength());
            Epilogue e = seed % 2 == 0 ? Epilogue.RELU : ConvCases.epilogue(r);
            float[] want = new float[g.outputLength()];
            ConvReference.conv(g, in, 0, w, 0, bias, e, want, 0, res, 1);
            for (Backend be : TestSupport.backends()) {
                ConvKernel k = Convolutions.prepare(g, w, 0, bias, e, ConvAlgorithm.IMPLICIT_IM2COL, be);
                for (Parallel p : TestSupport.PARALLELS) {
                    float[] out = new float[g.outputLength()];
                    k.run(in, 0, out, 0, res, 1, p);
                    assertClose("seed=" + seed + " " + g + " " + e + " " + be.name() + " " + p,
                            g.reductionLength() + 1, want, 0, out, 0, out.length);
                }
            }
        }
    }

    /**
     * Clip (Relu6 and an asymmetric one) is applied in the GEMM's registers: outputs spread well past both bounds, so
     * a wrong bound, a missing min or a missing max shows.
     */
    @Test
    void clipInTheKernel() {
        ConvGeometry g = ConvGeometry.builder().channels(3, 20).input(31, 26).kernel(7, 7).strides(2, 2)
                .padsOnnx(3, 3, 3, 3).build();
        TestSupport.clipInTheKernel(g, ConvAlgorithm.IMPLICIT_IM2COL, 5500, 4f, false);
    }

    /**
     * Kernels with different padding share the calling thread's layout buffer: whichever ran last, the next one's
     * padding must read as zeros (its input positions differ), so alternating them must not change results.
     */
    @Test
    void kernelsSharingTheLayoutKeepTheirPaddingZero() {
        Random r = new Random(5400);
        ConvGeometry a = ConvGeometry.builder().channels(2, 8).input(12, 12).kernel(3, 3).padsOnnx(1, 1, 1, 1).build();
        ConvGeometry b = ConvGeometry.builder().channels(2, 8).input(12, 12).kernel(5, 5).padsOnnx(2, 2, 2, 2).build();
        // Strided (phases, asymmetric pads, rounding past the padded extent) and 3-D: only their padding is cleared.
        ConvGeometry c = ConvGeometry.builder().channels(3, 8).input(13, 15).kernel(7, 7).strides(2, 2)
                .padsOnnx(3, 2, 1, 3).build();
        ConvGeometry d = ConvGeometry.builder().channels(2, 8).input(5, 6, 7).kernel(3, 3, 3).strides(1, 2, 2)
                .padsOnnx(1, 1, 0, 2, 1, 1).build();
        int[] order = {0, 1, 0, 2, 3, 2, 0, 3, 1, 2};
        for (Backend be : TestSupport.backends()) {
            ConvGeometry[] gs = {a, b, c, d};
            ConvKernel[] ks = new ConvKernel[gs.length];
            float[][] ins = new float[gs.length][];
            float[][] wants = new float[gs.length][];
            for (int i = 0; i < gs.length; i++) {
                float[] w = random(r, gs[i].weightLength());
                ins[i] = random(r, gs[i].inputLength());
                for (int j = 0; j < ins[i].length; j++) {
                    ins[i][j] += 5f; // far from zero: a stale input value in the padding would show
                }
                wants[i] = new float[gs[i].outputLength()];
                ConvReference.conv(gs[i], ins[i], 0, w, 0, null, Epilogue.NONE, wants[i], 0);
                ks[i] = Convolutions.prepare(gs[i], w, 0, null, Epilogue.NONE, ConvAlgorithm.IMPLICIT_IM2COL, be);
            }
            for (int rep = 0; rep < order.length; rep++) {
                int i = order[rep];
                float[] out = new float[gs[i].outputLength()];
                Arrays.fill(out, Float.NaN);
                ks[i].run(ins[i], 0, out, 0, Parallel.SERIAL);
                assertClose("seed=5400 rep " + rep + " " + be.name(), gs[i].reductionLength(), wants[i], 0, out, 0,
                        out.length);
            }
            assertEquals(ConvAlgorithm.IMPLICIT_IM2COL, ks[0].algorithm());
        }
    }

    /** AUTO's rule ({@link AutoImplicitIm2colRules#implicitIm2col}) on the layers it was measured on and its limits. */
    @Test
    void autoTakesItForFewInputChannelsOnLargePlanes() {
        ConvGeometry stem = ConvGeometry.builder().channels(3, 64).input(224, 224).kernel(7, 7).strides(2, 2)
                .padsOnnx(3, 3, 3, 3).build();
        ConvGeometry video = ConvGeometry.builder().channels(3, 64).input(16, 112, 112).kernel(3, 3, 3)
                .padsOnnx(1, 1, 1, 1, 1, 1).build();
        ConvGeometry video7 = ConvGeometry.builder().channels(3, 64).input(16, 112, 112).kernel(7, 7, 7)
                .strides(1, 2, 2).padsOnnx(3, 3, 3, 3, 3, 3).build();
        ConvGeometry audio = ConvGeometry.builder().channels(1, 128).input(16000).kernel(80).strides(4).build();
        ConvGeometry candyStem = ConvGeometry.builder().channels(3, 16).input(400, 400).kernel(9, 9)
                .padsOnnx(4, 4, 4, 4).build();
        ConvGeometry fewOut = ConvGeometry.builder().channels(3, 8).input(224, 224).kernel(3, 3).padsOnnx(1, 1, 1, 1)
                .build();
        ConvGeometry manyIn = ConvGeometry.builder().channels(8, 64).input(112, 112).kernel(3, 3).strides(2, 2)
                .padsOnnx(1, 1, 1, 1).build();
        for (ConvGeometry g : new ConvGeometry[] {video, audio}) {
            assertEquals(ConvAlgorithm.IMPLICIT_IM2COL, ConvAlgorithm.choose(g), g.toString());
        }
        // The 2-D stride-2 stems pass this rule and then go to the direct kernel (AutoStemDirectRule, session 9).
        assertTrue(AutoImplicitIm2colRules.implicitIm2col(stem));
        assertEquals(ConvAlgorithm.STEM_DIRECT, ConvAlgorithm.choose(stem));
        // The 7-deep 3-D stem passes this rule and then goes to Winograd along depth
        // (AutoImplicitIm2colRules.depthWinograd).
        assertTrue(AutoImplicitIm2colRules.implicitIm2col(video7));
        assertEquals(ConvAlgorithm.WINOGRAD_DEPTH, ConvAlgorithm.choose(video7));
        // Few output channels at stride 1: the direct kernel since session 40 (AutoStemDirectRule.fewOutputChannels).
        assertEquals(ConvAlgorithm.STEM_DIRECT, ConvAlgorithm.choose(candyStem));
        assertEquals(ConvAlgorithm.STEM_DIRECT, ConvAlgorithm.choose(fewOut));
        assertEquals(ConvAlgorithm.IM2COL, ConvAlgorithm.choose(manyIn));
        // Session 5: 3x3 stride-1 layers with 5-23 input channels on 256+ pixels; since session 9 5-15 (SqueezeNet's
        // 16 -> 64 expands run faster on Winograd inside the network).
        assertEquals(ConvAlgorithm.WINOGRAD_F4_3, ConvAlgorithm.choose(fire(16, 64, 55)));
        assertEquals(ConvAlgorithm.IMPLICIT_IM2COL, ConvAlgorithm.choose(fire(15, 64, 27)));
        assertEquals(ConvAlgorithm.IMPLICIT_IM2COL, ConvAlgorithm.choose(fire(8, 64, 16)));
        assertEquals(ConvAlgorithm.STEM_DIRECT, ConvAlgorithm.choose(fire(8, 32, 16)), "32 outputs: direct");
        assertEquals(ConvAlgorithm.WINOGRAD_F4_3, ConvAlgorithm.choose(fire(16, 64, 13)), "169 pixels: Winograd");
        assertEquals(ConvAlgorithm.WINOGRAD_F4_3, ConvAlgorithm.choose(fire(24, 96, 28)), "24 channels: Winograd");
        assertEquals(ConvAlgorithm.WINOGRAD_F4_3, ConvAlgorithm.choose(fire(32, 128, 27)));
        assertEquals(ConvAlgorithm.IM2COL, ConvAlgorithm.choose(fire(16, 8, 55)), "8 outputs: not this rule");
    }

    /**
     * Session 39: where the geometry-only rule leaves a 2-D layer of at least 64 output pixels to im2col, AUTO on any
     * thread count runs it implicit; smaller planes, 3-D layers, {@code -Dvinfer.implicitForIm2col=false} and what
     * the rule chose otherwise stay as they were.
     */
    @Test
    void layersLeftToIm2colRunImplicitOnThreadCounts() {
        ConvGeometry lenet1 = ConvGeometry.builder().channels(1, 6).input(32, 32).kernel(5, 5).build();
        ConvGeometry lenet2 = ConvGeometry.builder().channels(6, 16).input(14, 14).kernel(5, 5).build();
        ConvGeometry alexGrouped = ConvGeometry.builder().channels(96, 256).group(2).input(27, 27).kernel(5, 5)
                .padsOnnx(2, 2, 2, 2).build();
        ConvGeometry small7 = ConvGeometry.builder().channels(12, 24).input(11, 11).kernel(5, 5).build();
        ConvGeometry manyIn = ConvGeometry.builder().channels(8, 64).input(112, 112).kernel(3, 3).strides(2, 2)
                .padsOnnx(1, 1, 1, 1).build();
        for (ConvGeometry g : new ConvGeometry[] {lenet1, lenet2, alexGrouped, small7, manyIn}) {
            assertEquals(ConvAlgorithm.IM2COL, ConvAlgorithm.choose(g), "the geometry rule: " + g);
            // LeNet's stride-1 layers have at most 32 output channels: the direct kernel (session 40)
            ConvAlgorithm want = g == small7 ? ConvAlgorithm.IM2COL
                    : g == lenet1 || g == lenet2 ? ConvAlgorithm.STEM_DIRECT : ConvAlgorithm.IMPLICIT_IM2COL;
            for (int threads : new int[] {1, 2, 5}) {
                assertEquals(want, ConvAlgorithm.choose(g, threads), threads + " threads: " + g);
            }
        }
        ConvGeometry cube = ConvGeometry.builder().channels(16, 32).input(6, 10, 10).kernel(3, 3, 3)
                .padsOnnx(1, 1, 1, 1, 1, 1).build();
        assertEquals(ConvAlgorithm.choose(cube), ConvAlgorithm.choose(cube, 1), "3-D: unchanged");
        assertEquals(ConvAlgorithm.WINOGRAD_F4_3, ConvAlgorithm.choose(fire(16, 64, 55), 1), "not im2col: unchanged");
        String key = "vinfer.implicitForIm2col";
        System.setProperty(key, "false");
        try {
            assertEquals(ConvAlgorithm.IM2COL, ConvAlgorithm.choose(lenet2, 1));
        } finally {
            System.clearProperty(key);
        }
    }

    private static ConvGeometry fire(int c, int m, int plane) {
        return ConvGeometry.builder().channels(c, m).input(plane, plane).kernel(3, 3).padsOnnx(1, 1, 1, 1).build();
    }
}
