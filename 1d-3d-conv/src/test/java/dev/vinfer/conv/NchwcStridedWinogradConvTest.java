package dev.vinfer.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link NchwcStridedWinogradConv} against {@link ConvReference} (double sums) through the blocked layout, within
 * the Winograd bound the stride-1 kernels declare ({@link ConvAlgorithm#WINOGRAD_F4_3}'s, {@code 1e-5 sqrt(K)}
 * relative to the largest output): input reordered to NCHWc, the kernel run into a NaN-filled output with a float of
 * margin on each side, output reordered back and compared, lanes past the last channel zero. Both tile sizes, both
 * backends, 1, 2 and 5 threads, planes in one strip and in several, whole strips and output-block ranges.
 */
class NchwcStridedWinogradConvTest {
    private static final long SEED = Long.getLong("vinfer.test.seed", 20261202L);
    private static final int[] CHANNELS = {1, 15, 16, 17, 33, 64};

    @Test
    void randomGeometriesMatchReference() {
        Random r = new Random(SEED);
        for (int trial = 0; trial < 60; trial++) {
            int[] begin = {r.nextInt(3), r.nextInt(3)};
            int[] end = r.nextInt(2) == 0 ? begin.clone() : new int[] {r.nextInt(3), r.nextInt(3)};
            int h = Math.max(1, 3 - begin[0] - end[0]) + r.nextInt(30);
            int w = Math.max(1, 3 - begin[1] - end[1]) + r.nextInt(34);
            int c = CHANNELS[r.nextInt(CHANNELS.length)];
            int mo = CHANNELS[r.nextInt(CHANNELS.length)];
            ConvGeometry g = ConvGeometry.builder().batch(1 + trial % 2).channels(c, mo).input(h, w).kernel(3, 3)
                    .strides(2, 2).pads(begin, end).build();
            Epilogue e = NchwcConvTest.ALL_EPILOGUES[trial % NchwcConvTest.ALL_EPILOGUES.length];
            int tile = trial % 2 == 0 ? 2 : 4;
            for (Backend be : TestSupport.backends()) {
                check(r, "trial " + trial, be, g, tile, e, trial % 3 == 0, trial % 4 != 1,
                        TestSupport.PARALLELS[trial % TestSupport.PARALLELS.length]);
            }
        }
    }

    /** Output sizes 1 to 13 around the 2- and 4-wide tiles, pad 1 (ResNet's layers), odd and even inputs. */
    @Test
    void everyOutputSize() {
        Random r = new Random(SEED + 1);
        for (int tile : new int[] {2, 4}) {
            for (int in = 1; in <= 26; in++) {
                ConvGeometry g = ConvGeometry.builder().channels(16, 32).input(in, 27 - in).kernel(3, 3).strides(2, 2)
                        .pads(new int[] {1, 1}, new int[] {1, 1}).build();
                for (Backend be : TestSupport.backends()) {
                    check(r, "input " + in, be, g, tile, NchwcConvTest.ALL_EPILOGUES[in % 5], in % 2 == 0, true,
                            TestSupport.PARALLELS[(in + tile) % TestSupport.PARALLELS.length]);
                }
            }
        }
    }

    /**
     * ResNet's shapes (fewer channels) and a plane cut into several strips (with small strips forced), at 1, 2 and 5
     * threads: whole strips where they divide among the threads, output-block ranges where not.
     */
    @Test
    void stripsAndThreadSplits() {
        Random r = new Random(SEED + 2);
        String key = "vinfer.nchwcStridedWinograd.stripFloats";
        String before = System.getProperty(key);
        try {
            for (String floats : new String[] {null, "20000"}) {
                if (floats == null) {
                    System.clearProperty(key);
                } else {
                    System.setProperty(key, floats);
                }
                int[][] cases = {{32, 64, 56, 4, 1}, {48, 96, 28, 2, 2}, {16, 48, 30, 4, 1}, {64, 64, 14, 2, 1}};
                for (int[] q : cases) {
                    ConvGeometry g = ConvGeometry.builder().batch(q[4]).channels(q[0], q[1]).input(q[2], q[2])
                            .kernel(3, 3).strides(2, 2).pads(new int[] {1, 1}, new int[] {1, 1}).build();
                    NchwcStridedWinogradConv k = NchwcStridedWinogradConv.prepare(g, q[3],
                            new float[g.weightLength()], 0, null, null);
                    if (floats != null && q[2] >= 28) {
                        // the last case's transformed weights outweigh its V and O: one strip whatever the size
                        assertTrue(k.strips() > 1, "expected several strips: " + k);
                    }
                    for (Parallel p : TestSupport.PARALLELS) {
                        for (Backend be : TestSupport.backends()) {
                            check(r, "strips " + k.strips(), be, g, q[3], Epilogue.RELU, true, true, p);
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
        ConvGeometry g = ConvGeometry.builder().channels(20, 18).input(17, 21).kernel(3, 3).strides(2, 2)
                .pads(new int[] {1, 0}, new int[] {0, 1}).build();
        for (Backend be : TestSupport.backends()) {
            for (int tile : new int[] {2, 4}) {
                check(r, "pad lanes", be, g, tile, Epilogue.clip(0.1f, 0.6f), true, true, Parallel.SERIAL);
            }
        }
    }

    @Test
    void rulesAndRejections() {
        ConvGeometry s1 = ConvGeometry.builder().channels(16, 16).input(8, 8).kernel(3, 3).build();
        assertThrows(IllegalArgumentException.class, () -> NchwcStridedWinogradConv.prepare(s1, 4,
                new float[s1.weightLength()], 0, null, null));
        ConvGeometry g = ConvGeometry.builder().channels(16, 16).input(16, 16).kernel(3, 3).strides(2, 2).build();
        assertThrows(IllegalArgumentException.class, () -> NchwcStridedWinogradConv.prepare(g, 3,
                new float[g.weightLength()], 0, null, null));
        NchwcStridedWinogradConv k = NchwcStridedWinogradConv.prepare(g, 4, new float[g.weightLength()], 0, null,
                null);
        assertThrows(IllegalArgumentException.class, () -> k.run(new float[3], 0,
                new float[(int) k.outputLength()], 0, null, 0, Parallel.SERIAL));
        assertEquals(4, NchwcStridedWinogradConv.autoTileOutputs(resnet(128, 128, 56)), "28x28: 5.06 products");
        assertEquals(2, NchwcStridedWinogradConv.autoTileOutputs(resnet(256, 256, 28)), "14x14: 6.25 products");
        assertEquals(2, NchwcStridedWinogradConv.autoTileOutputs(resnet(512, 512, 14)), "7x7: m = 2, 8.16 products");
        assertEquals(0, NchwcStridedWinogradConv.autoTileOutputs(resnet(64, 64, 10)), "5x5: m = 2 would be 9");
        assertEquals(0, NchwcStridedWinogradConv.autoTileOutputs(resnet(8, 64, 56)), "too few input channels");
        assertEquals(0, NchwcStridedWinogradConv.autoTileOutputs(s1), "stride 1");
    }

    private static ConvGeometry resnet(int c, int mo, int in) {
        return ConvGeometry.builder().channels(c, mo).input(in, in).kernel(3, 3).strides(2, 2)
                .pads(new int[] {1, 1}, new int[] {1, 1}).build();
    }

    private static void check(Random r, String label, Backend be, ConvGeometry g, int tile, Epilogue e,
            boolean residual, boolean withBias, Parallel p) {
        String what = "seed " + SEED + " " + label + " m " + tile + " " + be.name() + " " + p + " " + g + " " + e;
        BlockedKernelCheck.check(r, what, g, e, residual, withBias, p,
                BlockedKernelCheck.withinBound(g, ConvAlgorithm.WINOGRAD_F4_3, e),
                (w, bias) -> NchwcStridedWinogradConv.prepare(g, tile, w, 3, bias, e, be));
    }
}
