package dev.vinfer.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link NchwcWinogradConv} against {@link ConvReference} (double sums) through the blocked layout, within the
 * algorithm's declared bound ({@link ConvAlgorithm#errorBound}): the input reordered to NCHWc, the kernel run into
 * a NaN-filled output with a float of margin on each side, the output reordered back and compared; the lanes past
 * the last channel must be zero. F(2,3), F(4,3) and F(6,3); both backends; 1, 2 and 5 threads; planes cut into one
 * and into several strips, and run with the strip's phases shared by the threads.
 */
class NchwcWinogradConvTest {
    private static final long SEED = Long.getLong("vinfer.test.seed", 20261130L);
    private static final int[] CHANNELS = {1, 15, 16, 17, 33, 64};
    private static final int[] TILE_OUTPUTS = {2, 4, 6};

    @Test
    void randomGeometriesMatchReference() {
        Random r = new Random(SEED);
        for (int trial = 0; trial < 60; trial++) {
            int[] begin = {r.nextInt(3), r.nextInt(3)};
            int[] end = r.nextInt(2) == 0 ? begin.clone() : new int[] {r.nextInt(3), r.nextInt(3)};
            int h = Math.max(1, 3 - begin[0] - end[0]) + r.nextInt(20);
            int w = Math.max(1, 3 - begin[1] - end[1]) + r.nextInt(26);
            int c = CHANNELS[r.nextInt(CHANNELS.length)];
            int m = CHANNELS[r.nextInt(CHANNELS.length)];
            ConvGeometry g = ConvGeometry.builder().batch(1 + trial % 2).channels(c, m).input(h, w).kernel(3, 3)
                    .pads(begin, end).build();
            Epilogue e = NchwcConvTest.ALL_EPILOGUES[trial % NchwcConvTest.ALL_EPILOGUES.length];
            int tile = TILE_OUTPUTS[trial % TILE_OUTPUTS.length];
            for (Backend be : TestSupport.backends()) {
                check(r, "trial " + trial, be, g, tile, e, trial % 3 == 0, trial % 4 != 1,
                        TestSupport.PARALLELS[trial % TestSupport.PARALLELS.length]);
            }
        }
    }

    /** Output widths and heights 1 to 14 around the 2-, 4- and 6-wide tiles, pad 1 (ResNet's 3x3 layers). */
    @Test
    void everyOutputSize() {
        Random r = new Random(SEED + 1);
        for (int tile : TILE_OUTPUTS) {
            for (int size = 1; size <= 14; size++) {
                ConvGeometry g = ConvGeometry.builder().channels(16, 32).input(size, 15 - size).kernel(3, 3)
                        .pads(new int[] {1, 1}, new int[] {1, 1}).build();
                for (Backend be : TestSupport.backends()) {
                    check(r, "size " + size, be, g, tile, NchwcConvTest.ALL_EPILOGUES[size % 5], size % 2 == 0, true,
                            TestSupport.PARALLELS[(size + tile) % TestSupport.PARALLELS.length]);
                }
            }
        }
    }

    /**
     * Planes large enough to be cut into several strips (64 channels at 56x56: four strips of F(4,3) tile rows), on
     * one thread (strips in turn), two threads (strips shared) and five (a strip's phases shared).
     */
    @Test
    void stripsCutTheLargePlanes() {
        Random r = new Random(SEED + 2);
        ConvGeometry g = ConvGeometry.builder().channels(64, 48).input(56, 56).kernel(3, 3)
                .pads(new int[] {1, 1}, new int[] {1, 1}).build();
        NchwcWinogradConv k = NchwcWinogradConv.prepare(g, 4, new float[g.weightLength()], 0, null, null);
        assertTrue(k.stripRows() < 14, "expected several strips: " + k);
        for (Parallel p : TestSupport.PARALLELS) {
            for (Backend be : TestSupport.backends()) {
                check(r, "strips", be, g, 4, Epilogue.RELU, true, true, p);
            }
        }
    }

    /**
     * Planes whose strips several threads would share (one strip, or strips that do not divide among the threads),
     * run both ways: each strip's three phases shared, and each thread all strips for its own output blocks
     * ({@code vinfer.nchwcWinograd.byOutputs}: where there are at least threads x as many output blocks as input
     * blocks); batches of 1 and 2, output blocks that do not divide evenly, 2 and 5 threads (the last case splits five
     * ways).
     */
    @Test
    void sharedStripsAndOutputBlockRanges() {
        Random r = new Random(SEED + 5);
        int[][] cases = {{64, 256, 13, 2, 1}, {32, 128, 27, 4, 1}, {40, 112, 11, 4, 2}, {16, 40, 14, 6, 1},
            {16, 160, 9, 4, 1}};
        String key = "vinfer.nchwcWinograd.byOutputs";
        String before = System.getProperty(key);
        try {
            for (String mode : new String[] {"false", "true"}) {
                System.setProperty(key, mode);
                for (int[] q : cases) {
                    ConvGeometry g = ConvGeometry.builder().batch(q[4]).channels(q[0], q[1]).input(q[2], q[2])
                            .kernel(3, 3).pads(new int[] {1, 1}, new int[] {1, 1}).build();
                    NchwcWinogradConv plan = NchwcWinogradConv.prepare(g, q[3], new float[g.weightLength()], 0,
                            null, null);
                    assertEquals(mode.equals("true"), plan.splitsOutputBlocks(2), "output-block ranges: " + g);
                    for (Parallel p : new Parallel[] {TestSupport.POOL, TestSupport.FIVE}) {
                        for (Backend be : TestSupport.backends()) {
                            check(r, "byOutputs=" + mode, be, g, q[3], Epilogue.RELU, q[1] != 40, true, p);
                        }
                    }
                }
            }
        } finally {
            if (before == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, before);
            }
        }
    }

    /** The residual and the epilogue in every lane, and zeros past M even when Clip's low bound is positive. */
    @Test
    void padLanesStayZero() {
        Random r = new Random(SEED + 3);
        ConvGeometry g = ConvGeometry.builder().channels(20, 18).input(9, 11).kernel(3, 3)
                .pads(new int[] {1, 0}, new int[] {0, 1}).build();
        for (Backend be : TestSupport.backends()) {
            check(r, "pad lanes", be, g, 4, Epilogue.clip(0.1f, 0.6f), true, true, Parallel.SERIAL);
        }
    }

    /**
     * {@link NchwcReorderedConv}, the NCHW kernel on blocked tensors that takes the planes too small for this one
     * (fewer tiles than fill a register tile), with and without a residual, on 1 and 2 threads.
     */
    @Test
    void reorderedNchwKernelOnSmallPlanes() {
        Random r = new Random(SEED + 4);
        int[][] cases = {{256, 256, 5}, {64, 96, 3}, {40, 24, 9}, {256, 272, 7}}; // the last: weight-bound 7x7
        for (int[] q : cases) {
            ConvGeometry g = ConvGeometry.builder().channels(q[0], q[1]).input(q[2], q[2]).kernel(3, 3)
                    .pads(new int[] {1, 1}, new int[] {1, 1}).build();
            // the weight-bound 7x7 takes the blocked F(2,3) where that was measured faster
            int auto = q[2] == 7 && NchwcWeightBoundRule.blockedWhenWeightBound() ? 2 : 0;
            assertEquals(auto, NchwcWinogradConv.autoTileOutputs(g), "a plane for the NCHW kernel: " + g);
            for (boolean residual : new boolean[] {false, true}) {
                Parallel p = residual ? TestSupport.PARALLELS[1] : Parallel.SERIAL;
                float[] bias = TestSupport.random(r, q[1]);
                float[] x = TestSupport.random(r, g.inputLength());
                float[] w = TestSupport.random(r, g.weightLength());
                float[] res = residual ? TestSupport.random(r, g.outputLength()) : null;
                float[] expected = new float[g.outputLength()];
                ConvReference.conv(g, x, 0, w, 0, bias, Epilogue.NONE, expected, 0);
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = Epilogue.RELU.apply(expected[i] + (res == null ? 0f : res[i]));
                }
                NchwcReorderedConv k = NchwcReorderedConv.prepare(g, w, 0, bias, Epilogue.RELU);
                float[] yb = new float[(int) k.outputLength() + 1];
                Arrays.fill(yb, Float.NaN);
                float[] rb = res == null ? null : NchwcConvTest.blocked(1, q[1], g.outputPlane(), res);
                k.run(NchwcConvTest.blocked(1, q[0], g.inputPlane(), x), 0, yb, 1, rb, 0, p);
                String what = "seed " + SEED + " " + g + " " + k.algorithm() + (residual ? " +res" : "");
                float[] nchw = NchwcConvTest.unblocked(what, 1, q[1], g.outputPlane(), yb, 1);
                TestSupport.assertClose(what, k.algorithm(), g, expected, 0, nchw, 0, expected.length);
            }
        }
    }

    @Test
    void rejectsWhatItDoesNotCompute() {
        ConvGeometry strided = ConvGeometry.builder().channels(16, 16).input(8, 8).kernel(3, 3).strides(2, 2).build();
        assertThrows(IllegalArgumentException.class, () -> NchwcWinogradConv.prepare(strided, 4,
                new float[strided.weightLength()], 0, null, null));
        ConvGeometry g = ConvGeometry.builder().channels(16, 16).input(8, 8).kernel(3, 3).build();
        assertThrows(IllegalArgumentException.class, () -> NchwcWinogradConv.prepare(g, 3,
                new float[g.weightLength()], 0, null, null));
        NchwcWinogradConv k = NchwcWinogradConv.prepare(g, 4, new float[g.weightLength()], 0, null, null);
        assertThrows(IllegalArgumentException.class, () -> k.run(new float[3], 0,
                new float[(int) k.outputLength()], 0, null, 0, Parallel.SERIAL));
        assertThrows(IllegalArgumentException.class, () -> k.run(new float[(int) k.inputLength()], 0,
                new float[(int) k.outputLength()], 1, null, 0, Parallel.SERIAL));
        assertEquals(4, NchwcWinogradConv.autoTileOutputs(ConvGeometry.builder().channels(64, 64).input(56, 56)
                .kernel(3, 3).pads(new int[] {1, 1}, new int[] {1, 1}).build()));
        assertEquals(0, NchwcWinogradConv.autoTileOutputs(strided));
        assertEquals(2, NchwcWinogradConv.autoTileOutputs(ConvGeometry.builder().channels(128, 256).input(14, 14)
                .kernel(3, 3).pads(new int[] {1, 1}, new int[] {1, 1}).build()), "16 F(4,3) tiles: F(2,3)'s 49");
        assertEquals(4, NchwcWinogradConv.autoTileOutputs(ConvGeometry.builder().channels(256, 256).input(14, 14)
                .kernel(3, 3).pads(new int[] {1, 1}, new int[] {1, 1}).build()),
                "16 F(4,3) tiles at 256 x 256 channels: the products dominate, F(4,3) has fewer");
        assertEquals(4, NchwcWinogradConv.autoTileOutputs(ConvGeometry.builder().channels(64, 64).input(28, 20)
                .kernel(3, 3).pads(new int[] {1, 1}, new int[] {1, 1}).build()), "35 F(4,3) tiles, a multiple of 7");
        assertEquals(NchwcWeightBoundRule.blockedWhenWeightBound() ? 2 : 0, NchwcWinogradConv.autoTileOutputs(
                ConvGeometry.builder().channels(512, 512).input(7, 7).kernel(3, 3)
                        .pads(new int[] {1, 1}, new int[] {1, 1}).build()),
                "F(2,3)'s 16 tiles with 16.8 MB of transformed weights: the NCHW small-plane kernel, or F(2,3) on"
                        + " AMD with AVX-512");
        assertEquals(2, NchwcWinogradConv.autoTileOutputs(ConvGeometry.builder().channels(128, 32).input(7, 7)
                .kernel(3, 3).pads(new int[] {1, 1}, new int[] {1, 1}).build()),
                "F(2,3)'s 16 tiles with weights that stay in cache (DenseNet's 128->32)");
        assertEquals(0, NchwcWinogradConv.autoTileOutputs(ConvGeometry.builder().channels(64, 64).input(5, 5)
                .kernel(3, 3).pads(new int[] {1, 1}, new int[] {1, 1}).build()), "9 tiles: the NCHW kernel");
    }

    private static void check(Random r, String label, Backend be, ConvGeometry g, int tile, Epilogue e,
            boolean residual, boolean withBias, Parallel p) {
        String what = "seed " + SEED + " " + label + " F(" + tile + ",3) " + be.name() + " " + p + " " + g + " " + e;
        BlockedKernelCheck.check(r, what, g, e, residual, withBias, p,
                BlockedKernelCheck.withinBound(g, WinogradConv.algorithmFor(tile), e),
                (w, bias) -> NchwcWinogradConv.prepare(g, tile, w, 3, bias, e, be));
    }
}
