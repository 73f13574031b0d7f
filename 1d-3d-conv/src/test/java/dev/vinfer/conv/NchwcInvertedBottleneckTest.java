package dev.vinfer.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The banded inverted bottleneck against its three kernels run one after another over whole planes: equal bit for
 * bit (each value is computed by the same kernel code whichever band computes it), for bands from one to more than
 * the rows, strides 1 and 2, 3x3 and 5x5 depthwise kernels, with and without an expansion and a residual, batches of
 * one and two, every backend and parallel. The bands' scratch is NaN-filled before each band runs, so a band that
 * reads an expanded row it did not compute fails; the output is NaN-filled too.
 */
class NchwcInvertedBottleneckTest {
    private static final long SEED = Long.getLong("vinfer.test.seed", 20261130L);

    @BeforeEach
    void poison() {
        NchwcInvertedBottleneck.poisonScratch = true;
    }

    @AfterEach
    void unpoison() {
        NchwcInvertedBottleneck.poisonScratch = false;
    }

    /** {batch, in channels, mid channels (0: no expansion), out channels, H, W, k, stride, residual (1)}. */
    private static final int[][] CASES = {
        {1, 16, 96, 24, 14, 14, 3, 1, 1}, // MobileNetV2 at 14x14 (scaled down), with the residual
        {1, 24, 144, 32, 15, 13, 3, 2, 0}, // stride 2, odd plane
        {1, 32, 0, 16, 12, 9, 3, 1, 0}, // no expansion (MobileNetV2's first block)
        {2, 17, 40, 17, 7, 7, 3, 1, 1}, // a batch of two, channels off the block
        {1, 8, 33, 20, 9, 11, 5, 2, 0}, // 5x5, stride 2
        {1, 16, 48, 16, 1, 5, 3, 1, 1}, // one row
        {1, 20, 0, 40, 6, 6, 5, 1, 0}, // no expansion, 5x5
    };

    @Test
    void bandsMatchTheThreeKernelsBitForBit() {
        Random r = new Random(SEED);
        for (Backend be : TestSupport.backends()) {
            for (int[] q : CASES) {
                for (Epilogue e : new Epilogue[] {Epilogue.clip(0f, 6f), Epilogue.HARD_SWISH}) {
                    check(be, q, e, r);
                }
            }
        }
    }

    /** The same with every scratch plane and packed weight 13 floats into its array ({@link ArrayAlignment}). */
    @Test
    void aLeadBeforeTheScratchChangesNoBit() {
        Random r = new Random(SEED + 1);
        ArrayAlignmentTest.withLead("13", () -> {
            for (Backend be : TestSupport.backends()) {
                for (int[] q : CASES) {
                    check(be, q, Epilogue.clip(0f, 6f), r);
                }
            }
        });
    }

    private static void check(Backend be, int[] q, Epilogue e, Random r) {
        int n = q[0];
        int c = q[1];
        boolean expands = q[2] > 0;
        int mid = expands ? q[2] : c;
        int m = q[3];
        int h = q[4];
        int w = q[5];
        int k = q[6];
        int s = q[7];
        boolean withRes = q[8] == 1 && s == 1;
        ConvGeometry eg = ConvGeometry.builder().batch(n).channels(c, mid).input(h, w).kernel(1, 1).build();
        ConvGeometry dg = ConvGeometry.builder().batch(n).channels(mid, mid).group(mid).input(h, w).kernel(k, k)
                .strides(s, s).pads(new int[] {k / 2, k / 2}, new int[] {k / 2, k / 2}).build();
        ConvGeometry pg = ConvGeometry.builder().batch(n).channels(mid, m).input(dg.outputDim(0), dg.outputDim(1))
                .kernel(1, 1).build();
        NchwcPointwiseConv ex = expands ? NchwcPointwiseConv.prepare(eg, TestSupport.random(r, mid * c), 0,
                TestSupport.random(r, mid), e, be) : null;
        NchwcDepthwiseConv dw = NchwcDepthwiseConv.prepare(dg, TestSupport.random(r, mid * k * k), 0,
                TestSupport.random(r, mid), e, be);
        NchwcPointwiseConv pr = NchwcPointwiseConv.prepare(pg, TestSupport.random(r, m * mid), 0,
                r.nextBoolean() ? TestSupport.random(r, m) : null, Epilogue.NONE, be);
        NchwcInvertedBottleneck b = NchwcInvertedBottleneck.of(ex, dw, pr);
        float[] x = TestSupport.random(r, (int) b.inputLength() + 3);
        float[] res = withRes ? TestSupport.random(r, (int) b.outputLength() + 5) : null;
        // the three kernels over whole planes
        float[] mid1 = expands ? new float[(int) ex.outputLength()] : null;
        if (expands) {
            ex.run(x, 3, mid1, 0, null, 0, Parallel.SERIAL);
        }
        float[] mid2 = new float[(int) dw.outputLength()];
        dw.run(expands ? mid1 : x, expands ? 0 : 3, mid2, 0, Parallel.SERIAL);
        float[] want = new float[(int) pr.outputLength() + 2];
        pr.run(mid2, 0, want, 2, res, 5, Parallel.SERIAL);
        for (Parallel p : TestSupport.PARALLELS) {
            for (int bands : new int[] {1, 2, 3, dg.outputDim(0), dg.outputDim(0) + 2}) {
                String what = "seed " + SEED + " " + be.name() + " " + Arrays.toString(q) + " " + e + " bands "
                        + bands + " threads " + p.threads();
                float[] got = new float[want.length];
                Arrays.fill(got, Float.NaN);
                b.runBands(x, 3, got, 2, res, 5, p, bands);
                for (int i = 2; i < want.length; i++) {
                    if (Float.floatToIntBits(want[i]) != Float.floatToIntBits(got[i])) {
                        assertEquals(want[i], got[i], what + ": output float " + (i - 2));
                    }
                }
            }
        }
    }

    @Test
    void runCutsOneBandPerThreadForOneImage() {
        ConvGeometry dg = ConvGeometry.builder().channels(16, 16).group(16).input(14, 14).kernel(3, 3)
                .pads(new int[] {1, 1}, new int[] {1, 1}).build();
        ConvGeometry pg = ConvGeometry.builder().channels(16, 16).input(14, 14).kernel(1, 1).build();
        Random r = new Random(SEED);
        NchwcInvertedBottleneck b = NchwcInvertedBottleneck.of(null, NchwcDepthwiseConv.prepare(dg,
                TestSupport.random(r, 144), 0, null, Epilogue.NONE), NchwcPointwiseConv.prepare(pg,
                TestSupport.random(r, 256), 0, null, Epilogue.NONE));
        assertEquals(1, b.bands(1));
        assertEquals(2, b.bands(2));
    }

    @Test
    void rejectsLayersThatDoNotChain() {
        Random r = new Random(SEED);
        ConvGeometry dg = ConvGeometry.builder().channels(32, 32).group(32).input(8, 8).kernel(3, 3)
                .pads(new int[] {1, 1}, new int[] {1, 1}).build();
        NchwcDepthwiseConv dw = NchwcDepthwiseConv.prepare(dg, TestSupport.random(r, 288), 0, null, Epilogue.NONE);
        ConvGeometry wrongIn = ConvGeometry.builder().channels(16, 16).input(8, 8).kernel(1, 1).build();
        NchwcPointwiseConv p16 = NchwcPointwiseConv.prepare(wrongIn, TestSupport.random(r, 256), 0, null,
                Epilogue.NONE);
        assertThrows(IllegalArgumentException.class, () -> NchwcInvertedBottleneck.of(null, dw, p16));
        ConvGeometry strided = ConvGeometry.builder().channels(32, 16).input(8, 8).kernel(1, 1).strides(2, 2).build();
        NchwcPointwiseConv ps = NchwcPointwiseConv.prepare(strided, TestSupport.random(r, 512), 0, null,
                Epilogue.NONE);
        assertThrows(IllegalArgumentException.class, () -> NchwcInvertedBottleneck.of(null, dw, ps));
        ConvGeometry expandOther = ConvGeometry.builder().channels(8, 32).input(9, 8).kernel(1, 1).build();
        NchwcPointwiseConv ex = NchwcPointwiseConv.prepare(expandOther, TestSupport.random(r, 256), 0, null,
                Epilogue.NONE);
        ConvGeometry pg = ConvGeometry.builder().channels(32, 16).input(8, 8).kernel(1, 1).build();
        NchwcPointwiseConv pr = NchwcPointwiseConv.prepare(pg, TestSupport.random(r, 512), 0, null, Epilogue.NONE);
        assertThrows(IllegalArgumentException.class, () -> NchwcInvertedBottleneck.of(ex, dw, pr));
        // a plane whose channels fit an int of floats (the geometry's own limit) but whose 16-padded blocks do not
        int c = 1009;
        int wd = 2_110_000;
        ConvGeometry wide = ConvGeometry.builder().channels(c, c).group(c).input(1, wd).kernel(1, 3)
                .pads(new int[] {0, 1}, new int[] {0, 1}).build();
        NchwcDepthwiseConv dwWide = NchwcDepthwiseConv.prepare(wide, new float[c * 3], 0, null, Epilogue.NONE);
        ConvGeometry pw = ConvGeometry.builder().channels(c, 16).input(1, wd).kernel(1, 1).build();
        NchwcPointwiseConv prWide = NchwcPointwiseConv.prepare(pw, new float[16 * c], 0, null, Epilogue.NONE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NchwcInvertedBottleneck.of(null, dwWide, prWide));
        assertEquals(true, e.getMessage().contains("floats of scratch"), e.getMessage());
    }
}
