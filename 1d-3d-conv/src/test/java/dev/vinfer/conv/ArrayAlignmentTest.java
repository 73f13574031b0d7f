package dev.vinfer.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ArrayAlignment}: the lead from HotSpot's flags, and the kernels that pack weights after a lead (the 1x1,
 * whole and cut into input-channel chunks, Winograd's per-position products, the direct, stem and gather kernels)
 * against the reference convolution at leads 0, 5, 12 and 13 on both backends. A kernel that ignored the lead would
 * read the zeros before it.
 */
class ArrayAlignmentTest {
    private static final long SEED = Long.getLong("vinfer.test.seed", 20261201L);
    private static final int[] LEADS = {0, 5, 12, 13};

    @Test
    void leadFromTheJvmFlags() {
        assertEquals(12, ArrayAlignment.detect("64", "false", "true"), "16-byte header: 48 bytes to the line");
        assertEquals(13, ArrayAlignment.detect("128", "true", "true"), "compact headers: 12 bytes, 52 to the line");
        assertEquals(0, ArrayAlignment.detect("8", "false", "true"), "default alignment: the line moves");
        assertEquals(0, ArrayAlignment.detect("32", "false", "true"));
        assertEquals(0, ArrayAlignment.detect("96", "false", "true"), "not a multiple of 64");
        assertEquals(0, ArrayAlignment.detect("64", "false", "false"), "20-byte header: not handled");
        assertEquals(0, ArrayAlignment.detect(null, null, null), "another JVM");
        assertEquals(0, ArrayAlignment.detect("x", "false", "true"));
    }

    @Test
    void theLeadCanBeForcedAndIsChecked() {
        withLead("7", () -> assertEquals(7, ArrayAlignment.floatLead()));
        withLead("16", () -> assertThrows(IllegalArgumentException.class, ArrayAlignment::floatLead));
        withLead("-1", () -> assertThrows(IllegalArgumentException.class, ArrayAlignment::floatLead));
    }

    /** A kernel prepared from (geometry, weights, offset, bias, epilogue, backend). */
    private interface Preparer {
        NchwcConvKernel prepare(ConvGeometry g, float[] w, int wOff, float[] bias, Epilogue e, Backend be);
    }

    @Test
    void pointwiseAfterALead() {
        // 512 x 169: cut into input-channel chunks (NchwcPointwiseConv.chunkChannels); the rest in one pass
        for (int[] sh : new int[][] {{33, 40, 49}, {64, 1000, 13}, {512, 48, 169}, {17, 16, 7}}) {
            check("1x1", ConvGeometry.builder().channels(sh[0], sh[1]).input(1, sh[2]).kernel(1, 1).build(), true,
                    NchwcPointwiseConv::prepare);
        }
    }

    @Test
    void winogradAfterALead() {
        ConvGeometry g = ConvGeometry.builder().channels(40, 33).input(13, 11).kernel(3, 3)
                .pads(new int[] {1, 1}, new int[] {1, 1}).build();
        for (int tile : new int[] {2, 4}) {
            check("F(" + tile + ",3)", g, true, (gg, w, wOff, b, e, be) -> NchwcWinogradConv.prepare(gg, tile, w,
                    wOff, b, e, be));
        }
    }

    @Test
    void directStemAndGatherAfterALead() {
        check("direct", ConvGeometry.builder().channels(20, 40).input(9, 12).kernel(3, 3)
                .pads(new int[] {1, 1}, new int[] {1, 1}).build(), true, NchwcDirectConv::prepare);
        check("stem", ConvGeometry.builder().channels(3, 40).input(15, 13).kernel(7, 7).strides(2, 2)
                .pads(new int[] {3, 3}, new int[] {3, 3}).build(), false, NchwcStemConv::prepare);
        check("gather", ConvGeometry.builder().channels(32, 48).input(14, 13).kernel(3, 3).strides(2, 2)
                .pads(new int[] {1, 1}, new int[] {1, 1}).build(), true, NchwcGatherConv::prepare);
    }

    /**
     * The kernel {@code how} prepares for {@code g} at every lead of {@link #LEADS} on both backends, against the
     * reference (the input blocked when {@code blockedInput}, else NCHW as the stem takes it).
     */
    private static void check(String name, ConvGeometry g, boolean blockedInput, Preparer how) {
        Random r = new Random(SEED + name.hashCode());
        for (int lead : LEADS) {
            for (Backend be : TestSupport.backends()) {
                String what = "seed " + SEED + " " + name + " lead " + lead + " " + be.name() + " " + g;
                float[] w = TestSupport.random(r, 1 + g.weightLength());
                float[] bias = TestSupport.random(r, g.outChannels());
                NchwcConvKernel[] k = new NchwcConvKernel[1];
                withLead(Integer.toString(lead), () -> k[0] = how.prepare(g, w, 1, bias, Epilogue.RELU, be));
                float[] x = TestSupport.random(r, g.inputLength());
                float[] expected = new float[g.outputLength()];
                ConvReference.conv(g, x, 0, w, 1, bias, Epilogue.RELU, expected, 0);
                float[] in = blockedInput ? NchwcConvTest.blocked(1, g.inChannels(), g.inputPlane(), x) : x;
                float[] yb = new float[(int) k[0].outputLength()];
                Arrays.fill(yb, Float.NaN);
                k[0].run(in, 0, yb, 0, null, 0, TestSupport.PARALLELS[lead % TestSupport.PARALLELS.length]);
                float[] got = NchwcConvTest.unblocked(what, 1, g.outChannels(), g.outputPlane(), yb, 0);
                if (k[0] instanceof NchwcWinogradConv wino) {
                    TestSupport.assertClose(what, wino.algorithm(), g, expected, 0, got, 0, expected.length);
                } else {
                    TestSupport.assertClose(what, g.inChannels() * g.kernelSize() + 1, expected, 0, got, 0,
                            expected.length);
                }
            }
        }
    }

    /** Runs {@code body} with {@code -Dvinfer.arrayLead} set to {@code lead}, then restores it. */
    static void withLead(String lead, Runnable body) {
        String before = System.getProperty("vinfer.arrayLead");
        System.setProperty("vinfer.arrayLead", lead);
        try {
            body.run();
        } finally {
            if (before == null) {
                System.clearProperty("vinfer.arrayLead");
            } else {
                System.setProperty("vinfer.arrayLead", before);
            }
        }
    }
}
