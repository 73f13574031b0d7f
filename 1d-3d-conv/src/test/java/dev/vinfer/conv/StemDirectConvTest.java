package dev.vinfer.conv;

import static dev.vinfer.conv.TestSupport.assertClose;
import static dev.vinfer.conv.TestSupport.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ConvAlgorithm#STEM_DIRECT} ({@link StemDirectConv}, {@link StemTiles}) against {@link ConvReference}
 * (through {@link ConvAlgorithmsTest#check}: every backend, serial and parallel, a random epilogue, bias or none,
 * offsets, the seed in every message): randomized few-channel 1D/2D/3D geometries with strides, dilations, pads 0-3
 * and batches; pinned output widths around the slot (16 lanes; 8 in the scalar backend) and the 3-slot tile (48),
 * channel counts around the 8-channel tile, 1-4 input channels, every epilogue; the residual; Clip in the kernel;
 * kernels alternating on one thread's layout buffer. Seeds are fixed (9000 on).
 */
class StemDirectConvTest {

    /** A random few-input-channel geometry whose last axis spans from under one slot to several tiles. */
    private static ConvGeometry stem(Random r, int rank) {
        int[] in = new int[rank];
        int[] k = new int[rank];
        int[] s = new int[rank];
        int[] d = new int[rank];
        int[] pb = new int[rank];
        int[] pe = new int[rank];
        for (int i = 0; i < rank; i++) {
            k[i] = 1 + r.nextInt(rank == 3 ? 3 : 7);
            s[i] = 1 + r.nextInt(3);
            d[i] = r.nextInt(4) == 0 ? 2 : 1;
            pb[i] = r.nextInt(4);
            pe[i] = r.nextInt(4);
            int extent = d[i] * (k[i] - 1) + 1;
            int span = i == rank - 1 ? r.nextInt(rank == 1 ? 160 : 120) : r.nextInt(rank == 3 ? 5 : 12);
            in[i] = Math.max(1, extent - pb[i] - pe[i]) + span;
        }
        int batch = r.nextInt(4) == 0 ? 2 : 1;
        int c = 1 + r.nextInt(4);
        int m = 1 + r.nextInt(r.nextBoolean() ? 20 : 70);
        return ConvGeometry.of(batch, c, m, 1, in, k, s, d, pb, pe);
    }

    @Test
    void randomGeometries() {
        for (long seed = Long.getLong("vinfer.test.seed", 9000), end = seed + 60; seed < end; seed++) {
            Random r = new Random(seed);
            ConvGeometry g = stem(r, 1 + (int) (seed % 3));
            assertTrue(ConvAlgorithm.STEM_DIRECT.supports(g), g.toString());
            ConvAlgorithmsTest.check("seed=" + seed, g, ConvAlgorithm.STEM_DIRECT, r);
        }
    }

    /**
     * The layers AUTO gives it since session 40 ({@link AutoStemDirectRule#fewOutputChannels}): 2-D, 1-D and 3-D,
     * stride 1, many input channels (5-40; 5-24 in 3-D) and 1-32 outputs, kernels 1-9 (1-11 in 1-D, 1-3 in 3-D) with
     * dilation 1 or 2 and pads 0-4, rows from under one slot to several tiles; plus LeNet-5's second layer and the
     * style-transfer head's 32 -> 3 9x9 on a small plane.
     */
    @Test
    void strideOneLayersWithManyInputChannels() {
        for (long seed = 9500; seed < 9530; seed++) {
            Random r = new Random(seed);
            int kh = 1 + r.nextInt(9);
            int kw = 1 + r.nextInt(9);
            int d = r.nextInt(4) == 0 ? 2 : 1;
            int[] pads = {r.nextInt(5), r.nextInt(5), r.nextInt(5), r.nextInt(5)};
            int h = Math.max(1, d * (kh - 1) + 1 - pads[0] - pads[2]) + r.nextInt(8);
            int w = Math.max(1, d * (kw - 1) + 1 - pads[1] - pads[3]) + r.nextInt(90);
            ConvGeometry g = ConvGeometry.builder().batch(1 + r.nextInt(2))
                    .channels(5 + r.nextInt(36), 1 + r.nextInt(32)).input(h, w).kernel(kh, kw).dilations(d, d)
                    .padsOnnx(pads[0], pads[1], pads[2], pads[3]).build();
            ConvAlgorithmsTest.check("seed=" + seed, g, ConvAlgorithm.STEM_DIRECT, r);
        }
        // 1-D: 5-40 input channels, 1-32 outputs, kernels 1-11, lengths from under one slot to several tiles
        for (long seed = 9540; seed < 9560; seed++) {
            Random r = new Random(seed);
            int k = 1 + r.nextInt(11);
            int d = r.nextInt(4) == 0 ? 2 : 1;
            int pb = r.nextInt(5);
            int pe = r.nextInt(5);
            int len = Math.max(1, d * (k - 1) + 1 - pb - pe) + r.nextInt(200);
            ConvGeometry g = ConvGeometry.builder().batch(1 + r.nextInt(2))
                    .channels(5 + r.nextInt(36), 1 + r.nextInt(32)).input(len).kernel(k).dilations(d)
                    .padsOnnx(pb, pe).build();
            ConvAlgorithmsTest.check("seed=" + seed, g, ConvAlgorithm.STEM_DIRECT, r);
        }
        // 3-D: 5-24 input channels, 1-32 outputs, kernels 1-3 per axis, dilation 1 or 2 (MeshNet's kind), pads 0-2
        for (long seed = 9560; seed < 9572; seed++) {
            Random r = new Random(seed);
            int[] in = new int[3];
            int[] k = new int[3];
            int[] d = new int[3];
            int[] pads = new int[6];
            for (int i = 0; i < 3; i++) {
                k[i] = 1 + r.nextInt(3);
                d[i] = r.nextInt(3) == 0 ? 2 : 1;
                pads[i] = r.nextInt(3);
                pads[3 + i] = r.nextInt(3);
                in[i] = Math.max(1, d[i] * (k[i] - 1) + 1 - pads[i] - pads[3 + i]) + r.nextInt(i == 2 ? 40 : 6);
            }
            ConvGeometry g = ConvGeometry.builder().channels(5 + r.nextInt(20), 1 + r.nextInt(32)).input(in).kernel(k)
                    .dilations(d).padsOnnx(pads).build();
            ConvAlgorithmsTest.check("seed=" + seed, g, ConvAlgorithm.STEM_DIRECT, r);
        }
        long seed = 9530;
        for (ConvGeometry g : new ConvGeometry[] {
            ConvGeometry.builder().channels(6, 16).input(14, 14).kernel(5, 5).build(),
            ConvGeometry.builder().channels(32, 3).input(24, 40).kernel(9, 9).build(),
        }) {
            ConvAlgorithmsTest.check("seed=" + seed, g, ConvAlgorithm.STEM_DIRECT, new Random(seed++));
        }
    }

    /** A 2-D stride-2 stem of c -> m channels whose output row is {@code outW} wide (and 5 rows high). */
    private static ConvGeometry s2(int c, int m, int kernel, int pad, int outW) {
        int inW = (outW - 1) * 2 + kernel - 2 * pad;
        return ConvGeometry.builder().channels(c, m).input(9 + kernel - 2 * pad, inW).kernel(kernel, kernel)
                .strides(2, 2).padsOnnx(pad, pad, pad, pad).build();
    }

    @Test
    void pinnedEdges() {
        long seed = 9100;
        for (int outW : new int[] {1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 48, 49, 63, 64, 65, 111, 112}) {
            int c = 1 + (outW % 4);
            int m = new int[] {1, 7, 8, 9, 13, 16, 32, 64}[outW % 8];
            int kernel = outW % 2 == 0 ? 7 : 3;
            int pad = outW % 4;
            ConvGeometry g = s2(c, m, kernel, Math.min(pad, kernel - 1), outW);
            assertEquals(outW, g.outputDim(1), g.toString());
            ConvAlgorithmsTest.check("seed=" + seed, g, ConvAlgorithm.STEM_DIRECT, new Random(seed++));
        }
        ConvGeometry[] shapes = {
            // the three stems' kinds on smaller planes: ResNet 7x7/2 p3, MobileNetV2 3x3/2 p1 (Relu6 drawn at random),
            // SqueezeNet 3x3/2 p0 (odd output width 31)
            ConvGeometry.builder().channels(3, 64).input(40, 64).kernel(7, 7).strides(2, 2).padsOnnx(3, 3, 3, 3).build(),
            ConvGeometry.builder().channels(3, 32).input(33, 50).kernel(3, 3).strides(2, 2).padsOnnx(1, 1, 1, 1).build(),
            ConvGeometry.builder().channels(3, 64).input(27, 63).kernel(3, 3).strides(2, 2).build(),
            // stride 1 and 3, asymmetric pads, dilation, a batch of 2
            ConvGeometry.builder().batch(2).channels(4, 9).input(11, 37).kernel(5, 3).strides(1, 3).dilations(2, 1)
                    .pads(new int[] {3, 0}, new int[] {1, 2}).build(),
            // 1-D (one output row) and 3-D
            ConvGeometry.builder().channels(1, 24).input(300).kernel(11).strides(4).padsOnnx(5, 5).build(),
            ConvGeometry.builder().channels(2, 17).input(4, 9, 40).kernel(3, 3, 3).strides(1, 2, 2)
                    .padsOnnx(1, 1, 1, 1, 1, 1).build(),
        };
        for (ConvGeometry g : shapes) {
            ConvAlgorithmsTest.check("seed=" + seed, g, ConvAlgorithm.STEM_DIRECT, new Random(seed++));
        }
    }

    /**
     * Every epilogue, with and without a residual (added after the bias and before the activation; ReLU and Clip
     * then run after the kernel, not in it), with and without a bias.
     */
    @Test
    void everyEpilogueWithAndWithoutResidual() {
        long seed = 9200;
        ConvGeometry g = ConvGeometry.builder().channels(3, 20).input(23, 71).kernel(7, 7).strides(2, 2)
                .padsOnnx(3, 2, 3, 1).build();
        for (Epilogue e : ConvCases.EPILOGUES) {
            for (boolean withRes : new boolean[] {false, true}) {
                Random r = new Random(seed);
                float[] w = random(r, g.weightLength());
                float[] bias = seed % 2 == 0 ? random(r, g.outChannels()) : null;
                float[] in = random(r, g.inputLength());
                float[] res = withRes ? random(r, 1 + g.outputLength()) : null;
                float[] want = new float[g.outputLength()];
                ConvReference.conv(g, in, 0, w, 0, bias, e, want, 0, res, 1);
                for (Backend be : TestSupport.backends()) {
                    ConvKernel k = Convolutions.prepare(g, w, 0, bias, e, ConvAlgorithm.STEM_DIRECT, be);
                    for (Parallel p : TestSupport.PARALLELS) {
                        float[] out = new float[g.outputLength()];
                        Arrays.fill(out, Float.NaN);
                        k.run(in, 0, out, 0, res, 1, p);
                        assertClose("seed=" + seed + " " + e + (withRes ? " residual " : " ") + be.name() + " " + p,
                                ConvAlgorithm.STEM_DIRECT, g, want, 0, out, 0, out.length);
                    }
                }
                seed++;
            }
        }
    }

    /** Clip (Relu6 and an asymmetric one) in the registers: many outputs at each bound, so a wrong bound shows. */
    @Test
    void clipInTheKernel() {
        ConvGeometry g = ConvGeometry.builder().channels(3, 20).input(31, 70).kernel(3, 3).strides(2, 2)
                .padsOnnx(1, 1, 1, 1).build();
        TestSupport.clipInTheKernel(g, ConvAlgorithm.STEM_DIRECT, 9300, 8f, true);
    }

    /**
     * Kernels with different padding share the calling thread's layout buffer: whichever ran last, the next one's
     * padding must read as zeros, so alternating them must not change results.
     */
    @Test
    void kernelsSharingTheLayoutKeepTheirPaddingZero() {
        Random r = new Random(9400);
        ConvGeometry[] gs = {
            ConvGeometry.builder().channels(3, 8).input(30, 40).kernel(7, 7).strides(2, 2).padsOnnx(3, 3, 3, 3)
                    .build(),
            ConvGeometry.builder().channels(3, 8).input(30, 40).kernel(3, 3).strides(2, 2).build(),
            ConvGeometry.builder().channels(2, 8).input(13, 15).kernel(5, 5).padsOnnx(2, 1, 0, 3).build(),
        };
        int[] order = {0, 1, 0, 2, 1, 2, 0};
        for (Backend be : TestSupport.backends()) {
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
                ks[i] = Convolutions.prepare(gs[i], w, 0, null, Epilogue.NONE, ConvAlgorithm.STEM_DIRECT, be);
            }
            for (int rep = 0; rep < order.length; rep++) {
                int i = order[rep];
                float[] out = new float[gs[i].outputLength()];
                ks[i].run(ins[i], 0, out, 0, Parallel.SERIAL);
                assertClose("seed=9400 rep " + rep + " " + be.name(), ConvAlgorithm.STEM_DIRECT, gs[i], wants[i], 0,
                        out, 0, out.length);
            }
        }
    }

    /** Groups are not supported: forcing it says so. */
    @Test
    void groupsAreRefused() {
        ConvGeometry g = ConvGeometry.builder().channels(4, 8).group(2).input(9, 9).kernel(3, 3).build();
        assertTrue(!ConvAlgorithm.STEM_DIRECT.supports(g));
        float[] w = new float[g.weightLength()];
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Convolutions.prepare(g, w, 0, null, null, ConvAlgorithm.STEM_DIRECT));
        assertTrue(e.getMessage().contains("STEM_DIRECT"), e.getMessage());
    }

    /** AUTO's rule ({@link AutoStemDirectRule#stemDirect}) on the stems it was measured on and next to its limits. */
    @Test
    void autoTakesItForTheStrideTwoStems() {
        ConvGeometry resnet = ConvGeometry.builder().channels(3, 64).input(224, 224).kernel(7, 7).strides(2, 2)
                .padsOnnx(3, 3, 3, 3).build();
        ConvGeometry mobilenet = ConvGeometry.builder().channels(3, 32).input(224, 224).kernel(3, 3).strides(2, 2)
                .padsOnnx(1, 1, 1, 1).build();
        ConvGeometry squeezenet = ConvGeometry.builder().channels(3, 64).input(224, 224).kernel(3, 3).strides(2, 2)
                .build();
        for (ConvGeometry g : new ConvGeometry[] {resnet, mobilenet, squeezenet}) {
            assertEquals(ConvAlgorithm.STEM_DIRECT, ConvAlgorithm.choose(g), g.toString());
        }
        // 5 input channels, a 1-D or 3-D kernel, 8 outputs: not this rule
        ConvGeometry fiveIn = ConvGeometry.builder().channels(5, 32).input(224, 224).kernel(3, 3).strides(2, 2)
                .padsOnnx(1, 1, 1, 1).build();
        ConvGeometry video = ConvGeometry.builder().channels(3, 64).input(16, 112, 112).kernel(3, 3, 3)
                .strides(1, 2, 2).padsOnnx(1, 1, 1, 1, 1, 1).build();
        ConvGeometry fewOut = ConvGeometry.builder().channels(3, 8).input(224, 224).kernel(3, 3).strides(2, 2)
                .padsOnnx(1, 1, 1, 1).build();
        for (ConvGeometry g : new ConvGeometry[] {fiveIn, video, fewOut}) {
            assertTrue(ConvAlgorithm.choose(g) != ConvAlgorithm.STEM_DIRECT, g.toString());
        }
    }

    /**
     * Session 40 ({@link AutoStemDirectRule#fewOutputChannels}): one-group stride-1 layers with at most 32 output
     * channels that AUTO gave to implicit im2col (directly or instead of im2col), to the row-direct kernel or (1-D,
     * 3-D) to im2col, on any thread count (MeshNet's dilated 5-channel 3-D layers among them); 64 output channels, a
     * stride of 2, groups and the switch keep their earlier choice.
     */
    @Test
    void autoTakesItForStrideOneLayersWithFewOutputChannels() {
        ConvGeometry lenet = ConvGeometry.builder().channels(6, 16).input(14, 14).kernel(5, 5).build();
        ConvGeometry styleHead = ConvGeometry.builder().channels(32, 3).input(232, 232).kernel(9, 9).build();
        ConvGeometry styleStem = ConvGeometry.builder().channels(3, 32).input(232, 232).kernel(9, 9).build();
        ConvGeometry fcnStem = ConvGeometry.builder().channels(3, 32).input(32, 32).kernel(3, 3)
                .padsOnnx(1, 1, 1, 1).build();
        ConvGeometry signal = ConvGeometry.builder().channels(8, 16).input(4000).kernel(9).padsOnnx(4, 4).build();
        ConvGeometry signalHead = ConvGeometry.builder().channels(32, 1).input(4000).kernel(9).padsOnnx(4, 4)
                .build();
        ConvGeometry audioFront = ConvGeometry.builder().channels(1, 16).input(16000).kernel(9).padsOnnx(4, 4)
                .build();
        ConvGeometry meshnet = ConvGeometry.builder().channels(5, 5).input(24, 24, 24).kernel(3, 3, 3)
                .dilations(4, 4, 4).padsOnnx(4, 4, 4, 4, 4, 4).build();
        ConvGeometry volumeHead = ConvGeometry.builder().channels(32, 2).input(8, 16, 16).kernel(3, 3, 3)
                .padsOnnx(1, 1, 1, 1, 1, 1).build();
        for (ConvGeometry g : new ConvGeometry[] {lenet, styleHead, styleStem, fcnStem, signal, signalHead,
            audioFront, meshnet, volumeHead}) {
            for (int threads : new int[] {1, 2}) {
                assertEquals(ConvAlgorithm.STEM_DIRECT, ConvAlgorithm.choose(g, threads), threads + " threads: " + g);
            }
        }
        ConvGeometry wide = ConvGeometry.builder().channels(8, 64).input(56, 56).kernel(3, 3).padsOnnx(1, 1, 1, 1)
                .build();
        ConvGeometry strided = ConvGeometry.builder().channels(6, 16).input(29, 29).kernel(5, 5).strides(2, 2).build();
        ConvGeometry grouped = ConvGeometry.builder().channels(6, 16).group(2).input(14, 14).kernel(5, 5).build();
        ConvGeometry audio = ConvGeometry.builder().channels(8, 64).input(4000).kernel(9).build();
        ConvGeometry audioStrided = ConvGeometry.builder().channels(8, 16).input(4000).kernel(9).strides(2).build();
        ConvGeometry cube = ConvGeometry.builder().channels(8, 64).input(8, 30, 30).kernel(3, 3, 3)
                .padsOnnx(1, 1, 1, 1, 1, 1).build();
        for (ConvGeometry g : new ConvGeometry[] {wide, strided, grouped, audio, audioStrided, cube}) {
            assertTrue(ConvAlgorithm.choose(g, 1) != ConvAlgorithm.STEM_DIRECT, g.toString());
        }
        String key = "vinfer.directForFewOutputs";
        System.setProperty(key, "false");
        try {
            assertEquals(ConvAlgorithm.IMPLICIT_IM2COL, ConvAlgorithm.choose(lenet, 1));
            assertEquals(ConvAlgorithm.ROW_DIRECT, ConvAlgorithm.choose(styleHead, 1));
            assertEquals(ConvAlgorithm.IM2COL, ConvAlgorithm.choose(signal, 1));
            assertEquals(ConvAlgorithm.IM2COL, ConvAlgorithm.choose(meshnet, 1));
        } finally {
            System.clearProperty(key);
        }
    }
}
