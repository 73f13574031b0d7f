package dev.vinfer.conv;

import static dev.vinfer.conv.TestSupport.assertClose;
import static dev.vinfer.conv.TestSupport.assertCloseThrough;
import static dev.vinfer.conv.TestSupport.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Every forward algorithm, on every backend and with serial and parallel runs, against {@link ConvReference} on
 * randomized geometries (seed in every message). Outputs are written at an offset inside a NaN-filled array, so a
 * value not written, or written out of range, shows.
 */
class ConvAlgorithmsTest {

    /** Runs {@code algorithm} on geometry g with random data on all backends and parallels. */
    static void check(String ctx, ConvGeometry g, ConvAlgorithm algorithm, Random r) {
        int wOff = r.nextInt(5);
        int inOff = r.nextInt(5);
        int outOff = r.nextInt(5);
        float[] w = random(r, wOff + g.weightLength());
        float[] bias = r.nextBoolean() ? random(r, g.outChannels()) : null;
        float[] in = random(r, inOff + g.inputLength());
        Epilogue e = ConvCases.epilogue(r);
        float[] want = new float[g.outputLength()];
        ConvReference.conv(g, in, inOff, w, wOff, bias, e, want, 0);
        float[] convolution = new float[g.outputLength()];
        ConvReference.conv(g, in, inOff, w, wOff, bias, Epilogue.NONE, convolution, 0);
        String where = ctx + " " + algorithm + " " + g + " " + e + (bias == null ? " no bias" : " bias");
        for (Backend be : TestSupport.backends()) {
            ConvKernel k = Convolutions.prepare(g, w, wOff, bias, e, algorithm, be);
            assertEquals(algorithm == ConvAlgorithm.AUTO ? Convolutions.autoAlgorithm(g) : algorithm, k.algorithm());
            for (Parallel p : TestSupport.PARALLELS) {
                float[] out = new float[outOff + g.outputLength() + 3];
                Arrays.fill(out, Float.NaN);
                k.run(in, inOff, out, outOff, p);
                assertCloseThrough(where + " " + be.name() + " " + p, k.algorithm(), g, e, convolution, 0, want, 0,
                        out, outOff, g.outputLength());
                for (int i = 0; i < 3; i++) {
                    assertEquals(Float.NaN, out[outOff + g.outputLength() + i], where + ": wrote past the end");
                }
            }
        }
    }

    private static void randomized(ConvAlgorithm algorithm, ConvCases.Kind kind, long firstSeed, int count) {
        for (long seed = firstSeed; seed < firstSeed + count; seed++) {
            Random r = new Random(seed);
            int rank = 1 + (int) (seed % 3);
            ConvGeometry g = ConvCases.forward(r, rank, kind);
            check("seed=" + seed, g, algorithm, r);
        }
    }

    @Test
    void im2colRandom() {
        randomized(ConvAlgorithm.IM2COL, ConvCases.Kind.GENERAL, 100, 180);
    }

    @Test
    void im2colOnPointwiseAndDepthwiseShapes() {
        randomized(ConvAlgorithm.IM2COL, ConvCases.Kind.POINTWISE, 300, 12);
        randomized(ConvAlgorithm.IM2COL, ConvCases.Kind.DEPTHWISE, 400, 12);
    }

    @Test
    void pointwiseRandom() {
        randomized(ConvAlgorithm.POINTWISE, ConvCases.Kind.POINTWISE, 500, 90);
    }

    @Test
    void depthwiseRandom() {
        randomized(ConvAlgorithm.DEPTHWISE, ConvCases.Kind.DEPTHWISE, 600, 90);
    }

    @Test
    void pixelRowsRandom() {
        randomized(ConvAlgorithm.PIXEL_ROWS, ConvCases.Kind.GENERAL, 1500, 40);
        randomized(ConvAlgorithm.PIXEL_ROWS, ConvCases.Kind.POINTWISE, 1600, 25);
    }

    /**
     * The transposed GEMM's edges: output pixels (its rows) around the 6-row register tile and the 144-row A
     * block, output channels (its vector columns) around one and two vectors at 8 and 16 lanes (16, 32) and around a
     * 32-channel panel split over threads, K around the 256-long k-block, a pixel tile of im2col columns split by the
     * scratch budget, and ResNet-like small planes with a 3x3 stride-2 and a 1x1 stride-2 kernel.
     */
    @Test
    void pixelRowsTileEdges() {
        long seed = 1700;
        ConvGeometry[] shapes = {
            ConvGeometry.builder().channels(5, 16).input(1, 5).kernel(1, 1).build(),
            ConvGeometry.builder().channels(7, 17).input(2, 3).kernel(1, 1).build(),
            ConvGeometry.builder().channels(9, 31).input(1, 7).kernel(1, 1).build(),
            ConvGeometry.builder().channels(12, 33).input(7, 7).kernel(1, 1).build(),
            ConvGeometry.builder().channels(256, 64).input(12, 12).kernel(1, 1).build(),
            ConvGeometry.builder().channels(257, 65).input(145).kernel(1).build(),
            ConvGeometry.builder().channels(255, 96).input(5, 29).kernel(1, 1).build(),
            ConvGeometry.builder().channels(3, 40).input(14, 14).kernel(3, 3).strides(2, 2).padsOnnx(1, 1, 1, 1)
                    .build(),
            ConvGeometry.builder().channels(32, 64).input(14, 14).kernel(3, 3).strides(2, 2).padsOnnx(1, 1, 1, 1)
                    .build(),
            ConvGeometry.builder().channels(29, 70).input(13, 13).kernel(1, 1).strides(2, 2).build(),
            ConvGeometry.builder().batch(2).channels(30, 24).group(2).input(10, 9).kernel(3, 3).padsOnnx(1, 1, 1, 1)
                    .build(),
            // Output rows longer than PixelRowsConv.SHORT_ROW: im2col's block copies of phase-split rows.
            ConvGeometry.builder().channels(5, 33).input(4, 71).kernel(3, 3).strides(1, 2).padsOnnx(1, 1, 1, 1)
                    .build(),
            // 3x3x3 (rank 3) with dilation: the short-row columns' depth axis.
            ConvGeometry.builder().channels(4, 32).input(5, 6, 7).kernel(3, 3, 3).strides(2, 1, 2)
                    .dilations(1, 2, 1).padsOnnx(1, 1, 0, 1, 2, 1).build(),
            // 4096 output channels: the scratch budget cuts the 81 pixels into tiles of 64 (+ 17).
            ConvGeometry.builder().channels(4, 4096).input(9, 9).kernel(1, 1).build(),
            // One output pixel (the row-times-matrix kernel): a 5x5 kernel on a 5x5 plane, a padded 3x3 on 1x1 with
            // two groups and two images, a 1x1 on one pixel with 33 outputs (a tail past the panels).
            ConvGeometry.builder().channels(64, 128).input(5, 5).kernel(5, 5).build(),
            ConvGeometry.builder().batch(2).channels(6, 10).group(2).input(1, 1).kernel(3, 3).padsOnnx(1, 1, 1, 1)
                    .build(),
            ConvGeometry.builder().channels(40, 33).input(1, 1).kernel(1, 1).build(),
        };
        for (ConvGeometry g : shapes) {
            check("seed=" + seed, g, ConvAlgorithm.PIXEL_ROWS, new Random(seed));
            seed++;
        }
    }

    /** Winograd tiles: random sizes put the plane ends anywhere inside a tile; pads 0-2, groups, ranks 1-3. */
    @Test
    void winogradRandom() {
        randomized(ConvAlgorithm.WINOGRAD_F2_3, ConvCases.Kind.WINOGRAD, 1000, 36);
        randomized(ConvAlgorithm.WINOGRAD_F4_3, ConvCases.Kind.WINOGRAD, 1100, 36);
        randomized(ConvAlgorithm.WINOGRAD_F6_3, ConvCases.Kind.WINOGRAD, 1200, 36);
    }

    /** Sizes at and around whole tiles for each m, with the chunking of long 1D rows (several W chunks). */
    @Test
    void winogradTileEdges() {
        long seed = 1300;
        for (ConvAlgorithm a : new ConvAlgorithm[] {ConvAlgorithm.WINOGRAD_F2_3, ConvAlgorithm.WINOGRAD_F4_3,
            ConvAlgorithm.WINOGRAD_F6_3}) {
            for (int w : new int[] {1, 2, 5, 6, 7, 12, 13}) {
                check("seed=" + seed, ConvGeometry.builder().channels(3, 5).input(w + 2, w).kernel(3, 3)
                        .padsOnnx(0, 1, 0, 1).build(), a, new Random(seed++));
            }
            // Long rows with many channels: the strip budget splits the row into chunks.
            check("seed=" + seed, ConvGeometry.builder().channels(40, 40).input(2000).kernel(3).padsOnnx(2, 1)
                    .build(), a, new Random(seed++));
            check("seed=" + seed, ConvGeometry.builder().channels(4, 6).input(7, 6, 9).kernel(3, 3, 3)
                    .padsOnnx(1, 2, 0, 2, 1, 1).build(), a, new Random(seed++));
        }
    }

    /** Depthwise "same" stride-1 planes (the flat path), with dilation and uneven pads that keep the plane size. */
    @Test
    void depthwiseSamePlanes() {
        randomized(ConvAlgorithm.DEPTHWISE, ConvCases.Kind.DEPTHWISE_SAME, 1400, 45);
    }

    @Test
    void directRandom() {
        randomized(ConvAlgorithm.DIRECT, ConvCases.Kind.GENERAL, 700, 15);
    }

    @Test
    void autoRandom() {
        randomized(ConvAlgorithm.AUTO, ConvCases.Kind.GENERAL, 800, 10);
        randomized(ConvAlgorithm.AUTO, ConvCases.Kind.POINTWISE, 810, 5);
        randomized(ConvAlgorithm.AUTO, ConvCases.Kind.DEPTHWISE, 820, 5);
    }

    /**
     * Shapes whose GEMMs sit at the vector kernel's edges: M/G around MR = 6 and MC = 144, K = C/G * kernel around
     * KC = 256, and output planes around NR (16/32), the 32-pixel minimum tile and several column tiles.
     */
    @Test
    void gemmEdgeShapes() {
        long seed = 900;
        ConvGeometry[] shapes = {
            // K = 64 * 2 * 2 = 256 (at KC); 33 output pixels; M = 13.
            ConvGeometry.builder().channels(64, 13).input(4, 12).kernel(2, 2).strides(1, 1).padsOnnx(0, 0, 0, 0)
                    .build(),
            // K = 257 via 1x1 strided (not pointwise), M = 6.
            ConvGeometry.builder().channels(257, 6).input(9, 9).kernel(1, 1).strides(2, 2).build(),
            // K = 255, M = 145, rank 1, 31 outputs.
            ConvGeometry.builder().channels(85, 145).input(33).kernel(3).build(),
            // K = 9 * 30 = 270; 40 x 40 = 1600 output pixels: the column buffer needs several tiles.
            ConvGeometry.builder().batch(2).channels(30, 7).input(40, 40).kernel(3, 3).padsOnnx(1, 1, 1, 1).build(),
            // Rank 3 with groups and asymmetric pads; M/G = 12.
            ConvGeometry.builder().channels(6, 24).group(2).input(5, 6, 7).kernel(2, 3, 2).strides(1, 2, 1)
                    .dilations(2, 1, 1).pads(new int[] {1, 0, 2}, new int[] {0, 2, 1}).build(),
            // Pointwise with K = 256 and 17 pixels, M = 144.
            ConvGeometry.builder().channels(256, 144).input(17).kernel(1).build(),
            // Small planes (7x7, 9x11) with many output channels: split over output channels, not pixels, when
            // several threads share one image (WorkGrid.ROW_SPLIT_PIXELS); 61 and 50 rows end mid-panel.
            ConvGeometry.builder().channels(16, 61).input(7, 7).kernel(3, 3).padsOnnx(1, 1, 1, 1).build(),
            ConvGeometry.builder().channels(32, 50).input(9, 11).kernel(1, 1).build(),
            // Depthwise rows exactly one vector and one vector plus one long (stride 1), and strided.
            ConvGeometry.builder().channels(3, 3).group(3).input(6, 16).kernel(3, 3).padsOnnx(1, 1, 1, 1).build(),
            ConvGeometry.builder().channels(2, 4).group(2).input(5, 35).kernel(3, 5).strides(2, 3)
                    .dilations(1, 2).padsOnnx(2, 0, 1, 3).build(),
        };
        for (ConvGeometry g : shapes) {
            for (ConvAlgorithm a : ConvAlgorithm.values()) {
                if (a != ConvAlgorithm.GEMM_COL2IM && a.supports(g)) {
                    check("seed=" + seed, g, a, new Random(seed));
                }
            }
            seed++;
        }
    }

    @Test
    void concurrentRunsOnOneKernel() throws Exception {
        Random r = new Random(950);
        ConvGeometry g3 = ConvGeometry.builder().batch(2).channels(8, 20).input(15, 13).kernel(3, 3)
                .padsOnnx(1, 0, 2, 1).build();
        ConvGeometry g1 = ConvGeometry.builder().batch(2).channels(8, 20).input(15, 13).kernel(1, 1).build();
        // Each kernel keeps one reusable call object; concurrent calls must not share it.
        for (ConvAlgorithm a : new ConvAlgorithm[] {ConvAlgorithm.IM2COL, ConvAlgorithm.WINOGRAD_F4_3,
            ConvAlgorithm.POINTWISE, ConvAlgorithm.STEM_DIRECT})
        for (Backend be : TestSupport.backends()) {
            ConvGeometry g = a == ConvAlgorithm.POINTWISE ? g1 : g3;
            float[] w = random(r, g.weightLength());
            ConvKernel k = Convolutions.prepare(g, w, 0, null, Epilogue.RELU, a, be);
            float[][] ins = new float[4][];
            float[][] want = new float[4][];
            for (int i = 0; i < 4; i++) {
                ins[i] = random(r, g.inputLength());
                want[i] = new float[g.outputLength()];
                ConvReference.conv(g, ins[i], 0, w, 0, null, Epilogue.RELU, want[i], 0);
            }
            CompletableFuture<?>[] runs = new CompletableFuture<?>[8];
            for (int t = 0; t < runs.length; t++) {
                int i = t % 4;
                runs[t] = CompletableFuture.runAsync(() -> {
                    for (int rep = 0; rep < 5; rep++) {
                        float[] out = new float[g.outputLength()];
                        k.run(ins[i], 0, out, 0, TestSupport.POOL);
                        assertClose("seed=950 concurrent " + a + " " + be.name(), g.reductionLength(), want[i], 0, out, 0,
                                out.length);
                    }
                });
            }
            CompletableFuture.allOf(runs).get();
        }
    }

    @Test
    void winogradDeclinesWeightsTooLargeToTransform() {
        // F(6,3) in 3D: 512 positions x 512 x 512 = 134M floats (537 MB) of transformed weights: not supported, so a
        // forced F(6,3) falls back to AUTO instead of running the JVM out of memory; F(2,3)'s 64 positions fit.
        ConvGeometry big = ConvGeometry.builder().channels(512, 512).input(4, 4, 4).kernel(3, 3, 3).build();
        assertEquals(false, ConvAlgorithm.WINOGRAD_F6_3.supports(big));
        assertEquals(true, ConvAlgorithm.WINOGRAD_F2_3.supports(big));
        assertThrows(IllegalArgumentException.class, () -> Convolutions.prepare(big, new float[big.weightLength()], 0,
                null, Epilogue.NONE, ConvAlgorithm.WINOGRAD_F6_3));
    }

    @Test
    void forcingAnUnsupportedAlgorithmFails() {
        ConvGeometry g = ConvGeometry.builder().channels(4, 4).input(5, 5).kernel(3, 3).build();
        float[] w = new float[g.weightLength()];
        assertThrows(IllegalArgumentException.class,
                () -> Convolutions.prepare(g, w, 0, null, Epilogue.NONE, ConvAlgorithm.POINTWISE));
        assertThrows(IllegalArgumentException.class,
                () -> Convolutions.prepare(g, w, 0, null, Epilogue.NONE, ConvAlgorithm.DEPTHWISE));
        assertThrows(IllegalArgumentException.class,
                () -> Convolutions.prepare(g, w, 0, null, Epilogue.NONE, ConvAlgorithm.GEMM_COL2IM));
        assertThrows(IndexOutOfBoundsException.class,
                () -> Convolutions.prepare(g, new float[3], 0, null, Epilogue.NONE, ConvAlgorithm.IM2COL));
        assertThrows(IllegalArgumentException.class,
                () -> Convolutions.prepare(g, w, 0, new float[3], Epilogue.NONE, ConvAlgorithm.IM2COL));
        ConvKernel k = Convolutions.prepare(g, w, 0, null, null, ConvAlgorithm.AUTO);
        float[] buf = new float[g.inputLength() + g.outputLength()];
        assertThrows(IllegalArgumentException.class, () -> k.run(buf, 0, buf, 10, Parallel.SERIAL));
        assertThrows(IndexOutOfBoundsException.class,
                () -> k.run(new float[3], 0, new float[g.outputLength()], 0, Parallel.SERIAL));
        k.run(buf, 0, buf, g.inputLength(), Parallel.SERIAL); // adjacent ranges in one array are fine
    }

    @Test
    void chooseIsDocumentedRule() {
        ConvGeometry dw = ConvGeometry.builder().channels(8, 16).group(8).input(9, 9).kernel(3, 3).build();
        ConvGeometry pw = ConvGeometry.builder().channels(8, 16).input(9, 9).kernel(1, 1).build();
        ConvGeometry pwStrided = ConvGeometry.builder().channels(8, 16).input(9, 9).kernel(1, 1).strides(2, 2)
                .build();
        ConvGeometry general = ConvGeometry.builder().channels(8, 16).group(2).input(9, 9).kernel(3, 3).build();
        ConvGeometry oneToMany = ConvGeometry.builder().channels(1, 128).input(400).kernel(80).strides(4).build();
        ConvGeometry wide = ConvGeometry.builder().channels(64, 64).input(56, 56).kernel(3, 3).padsOnnx(1, 1, 1, 1)
                .build();
        ConvGeometry small = ConvGeometry.builder().channels(256, 256).input(14, 14).kernel(3, 3)
                .padsOnnx(1, 1, 1, 1).build();
        ConvGeometry tiny = ConvGeometry.builder().channels(512, 512).input(7, 7).kernel(3, 3)
                .padsOnnx(1, 1, 1, 1).build();
        ConvGeometry stem = ConvGeometry.builder().channels(3, 64).input(16, 16, 16).kernel(3, 3, 3).build();
        assertEquals(ConvAlgorithm.IM2COL, ConvAlgorithm.choose(oneToMany));
        assertEquals(ConvAlgorithm.WINOGRAD_F4_3, ConvAlgorithm.choose(wide));
        assertEquals(ConvAlgorithm.WINOGRAD_F4_3, ConvAlgorithm.choose(small));
        assertEquals(ConvAlgorithm.WINOGRAD_F2_3, ConvAlgorithm.choose(tiny));
        assertEquals(ConvAlgorithm.IMPLICIT_IM2COL, ConvAlgorithm.choose(stem));
        assertEquals(ConvAlgorithm.DEPTHWISE, ConvAlgorithm.choose(dw));
        assertEquals(ConvAlgorithm.POINTWISE, ConvAlgorithm.choose(pw));
        assertEquals(ConvAlgorithm.POINTWISE, ConvAlgorithm.choose(pwStrided)); // on the subsampled input
        assertEquals(ConvAlgorithm.IM2COL, ConvAlgorithm.choose(general));
        // Small planes with a full 32-channel panel: pixels as the GEMM's rows (pointwise at 14x14 only from 256
        // input channels).
        ConvGeometry pw7 = ConvGeometry.builder().channels(512, 2048).input(7, 7).kernel(1, 1).build();
        ConvGeometry pw14 = ConvGeometry.builder().channels(128, 1024).input(14, 14).kernel(1, 1).build();
        ConvGeometry pw14deep = ConvGeometry.builder().channels(256, 1024).input(14, 14).kernel(1, 1).build();
        ConvGeometry strided14 = ConvGeometry.builder().channels(128, 256).input(28, 28).kernel(3, 3).strides(2, 2)
                .padsOnnx(1, 1, 1, 1).build();
        ConvGeometry strided28 = ConvGeometry.builder().channels(64, 128).input(56, 56).kernel(3, 3).strides(2, 2)
                .padsOnnx(1, 1, 1, 1).build();
        ConvGeometry narrow7 = ConvGeometry.builder().channels(512, 16).input(7, 7).kernel(1, 1).build();
        ConvGeometry wino7 = ConvGeometry.builder().channels(512, 512).input(7, 7).kernel(3, 3).padsOnnx(1, 1, 1, 1)
                .build();
        assertEquals(ConvAlgorithm.PIXEL_ROWS, ConvAlgorithm.choose(pw7));
        assertEquals(ConvAlgorithm.POINTWISE, ConvAlgorithm.choose(pw14));
        assertEquals(ConvAlgorithm.PIXEL_ROWS, ConvAlgorithm.choose(pw14deep));
        assertEquals(ConvAlgorithm.CHANNELS_LAST, ConvAlgorithm.choose(strided14)); // channelsLast
        assertEquals(ConvAlgorithm.CHANNELS_LAST, ConvAlgorithm.choose(strided28));
        assertEquals(ConvAlgorithm.POINTWISE, ConvAlgorithm.choose(narrow7));
        assertEquals(ConvAlgorithm.WINOGRAD_F2_3, ConvAlgorithm.choose(wino7));
        // Session 5: pointwise on 65-196 pixels with fewer than 96 output channels stays POINTWISE (SqueezeNet's
        // 384 -> 64 squeeze at 13x13); at 49 pixels PIXEL_ROWS as before.
        ConvGeometry squeeze13 = ConvGeometry.builder().channels(384, 64).input(13, 13).kernel(1, 1).build();
        ConvGeometry squeeze7 = ConvGeometry.builder().channels(384, 64).input(7, 7).kernel(1, 1).build();
        ConvGeometry wide13 = ConvGeometry.builder().channels(384, 96).input(13, 13).kernel(1, 1).build();
        assertEquals(ConvAlgorithm.POINTWISE, ConvAlgorithm.choose(squeeze13));
        assertEquals(ConvAlgorithm.PIXEL_ROWS, ConvAlgorithm.choose(squeeze7));
        assertEquals(ConvAlgorithm.PIXEL_ROWS, ConvAlgorithm.choose(wide13));
        // Session 32: 1-D Winograd layers take the channels-last GEMM on two or more threads; nothing else moves.
        ConvGeometry m5 = ConvGeometry.builder().channels(128, 128).input(995).kernel(3).padsOnnx(1, 1).build();
        assertEquals(ConvAlgorithm.WINOGRAD_F4_3, ConvAlgorithm.choose(m5));
        assertEquals(ConvAlgorithm.WINOGRAD_F4_3, ConvAlgorithm.choose(m5, 1));
        assertEquals(ConvAlgorithm.CHANNELS_LAST, ConvAlgorithm.choose(m5, 2));
        assertEquals(ConvAlgorithm.CHANNELS_LAST, Convolutions.autoAlgorithm(m5, 5));
        assertEquals(ConvAlgorithm.CHANNELS_LAST,
                Convolutions.prepare(m5, new float[m5.weightLength()], 0, null, null, ConvAlgorithm.AUTO, 2)
                        .algorithm());
        assertEquals(ConvAlgorithm.IM2COL, ConvAlgorithm.choose(oneToMany, 2));
        for (ConvGeometry twoD : new ConvGeometry[] {wide, small, tiny, strided14, pw7, squeeze13}) {
            assertEquals(ConvAlgorithm.choose(twoD), ConvAlgorithm.choose(twoD, 2), twoD.toString());
        }
        assertEquals(ConvAlgorithm.IM2COL, ConvAlgorithm.parse(" Im2Col "));
        assertEquals(ConvAlgorithm.DIRECT, ConvAlgorithm.parse("direct"));
        assertThrows(IllegalArgumentException.class, () -> ConvAlgorithm.parse("winograd"));
    }
}
