package dev.vinfer.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link NchwcStemMaxPool} against its two kernels run one after the other ({@link NchwcStemConv} then
 * {@link NchwcMaxPool}, each tested against its reference elsewhere): the same arithmetic in the same order, so the
 * outputs must be equal bit for bit (NaN where NaN). Inputs carry NaN and -inf now and then, so windows of only NaN
 * and the pool's -inf repair run through the bands too. Both backends, 1, 2 and 5 threads, bands of 1, 2 and 3 pool
 * rows and the default, so planes of 1 to 26 pool rows put band and thread edges everywhere.
 */
class NchwcStemMaxPoolTest {
    private static final long SEED = Long.getLong("vinfer.test.seed", 20261130L);

    /** The networks' pairs (ResNet's 7x7/2 pad 3 then 3x3/2 pad 1, SqueezeNet's 3x3/2 then 3x3/2 ceil), small. */
    @Test
    void networkPairs() {
        Random r = new Random(SEED);
        ConvGeometry resnet = ConvGeometry.builder().channels(3, 64).input(38, 30).kernel(7, 7).strides(2, 2)
                .pads(new int[] {3, 3}, new int[] {3, 3}).build(); // 19 x 15
        ConvGeometry squeeze = ConvGeometry.builder().channels(3, 64).input(45, 31).kernel(3, 3).strides(2, 2)
                .build(); // 22 x 15
        for (Backend be : TestSupport.backends()) {
            for (Parallel p : TestSupport.PARALLELS) {
                check(r, "resnet", be, resnet, Epilogue.RELU, 3, 3, 2, 2, 1, 1, 1, 1, p);
                check(r, "squeezenet", be, squeeze, Epilogue.RELU, 3, 3, 2, 2, 1, 0, 0, 1, p);
            }
        }
    }

    /**
     * Random stems and pools: kernels 1 to 4, strides 1 to 3, dilation 2 now and then, pads, ceil-mode extra rows,
     * channel counts off the block, epilogues in and outside the tile, batch 2.
     */
    @Test
    void randomPairs() {
        Random r = new Random(SEED + 1);
        int done = 0;
        for (int trial = 0; done < 40 && trial < 2000; trial++) {
            int k = 1 + r.nextInt(5);
            int s = 1 + r.nextInt(2);
            int pad = r.nextInt(k);
            int c = 1 + r.nextInt(3);
            int m = new int[] {5, 16, 20, 33}[r.nextInt(4)];
            int h = 3 + r.nextInt(24);
            int w = 3 + r.nextInt(20);
            if (h + 2 * pad < k || w + 2 * pad < k) {
                continue;
            }
            ConvGeometry g = ConvGeometry.builder().batch(1 + r.nextInt(2)).channels(c, m).input(h, w).kernel(k, k)
                    .strides(s, s).pads(new int[] {pad, pad}, new int[] {pad, pad}).build();
            int sh = g.outputDim(0);
            int sw = g.outputDim(1);
            int kh = 1 + r.nextInt(4);
            int kw = 1 + r.nextInt(4);
            int st = 1 + r.nextInt(3);
            int dil = r.nextInt(5) == 0 ? 2 : 1;
            int pt = r.nextInt(Math.max(1, kh / 2 + 1));
            int pl = r.nextInt(Math.max(1, kw / 2 + 1));
            int extra = r.nextInt(2); // a ceil-mode window past the end
            int oh = (sh + pt - dil * (kh - 1) - 1) / st + 1 + extra;
            int ow = (sw + pl - dil * (kw - 1) - 1) / st + 1;
            if (sh + pt < dil * (kh - 1) + 1 || sw + pl < dil * (kw - 1) + 1 || oh < 1 || ow < 1) {
                continue;
            }
            NchwcMaxPool pool = NchwcMaxPool.prepare(g.batch(), m, sh, sw, kh, kw, st, st, dil, dil, pt, pl, oh, ow);
            NchwcStemConv stem = NchwcStemConv.prepare(g, new float[(int) g.weightLength()], 0, null, Epilogue.NONE);
            if (!NchwcStemMaxPool.fits(stem, pool, 1)) {
                continue;
            }
            Epilogue e = NchwcConvTest.ALL_EPILOGUES[done % NchwcConvTest.ALL_EPILOGUES.length];
            for (Backend be : TestSupport.backends()) {
                check(r, "trial " + trial, be, g, e, kh, kw, st, st, dil, pt, pl, extra,
                        TestSupport.PARALLELS[done % TestSupport.PARALLELS.length]);
            }
            done++;
        }
        assertTrue(done >= 40, "only " + done + " random pairs fit");
    }

    @Test
    void refusesWhatDoesNotFuse() {
        ConvGeometry g = ConvGeometry.builder().channels(3, 16).input(20, 20).kernel(3, 3).strides(2, 2).build();
        NchwcStemConv stem = NchwcStemConv.prepare(g, new float[(int) g.weightLength()], 0, null, Epilogue.RELU);
        NchwcMaxPool otherSize = NchwcMaxPool.prepare(1, 16, 8, 9, 3, 3, 2, 2, 1, 1, 0, 0, 3, 4);
        NchwcMaxPool otherChannels = NchwcMaxPool.prepare(1, 32, 9, 9, 3, 3, 2, 2, 1, 1, 0, 0, 4, 4);
        assertFalse(NchwcStemMaxPool.fits(stem, otherSize));
        assertFalse(NchwcStemMaxPool.fits(stem, otherChannels));
        assertThrows(IllegalArgumentException.class, () -> NchwcStemMaxPool.prepare(stem, otherSize));
        ConvGeometry oneD = ConvGeometry.builder().channels(1, 16).input(new int[] {40}).kernel(new int[] {3})
                .strides(new int[] {2}).build();
        NchwcStemConv stem1 = NchwcStemConv.prepare(oneD, new float[(int) oneD.weightLength()], 0, null,
                Epilogue.NONE);
        assertFalse(NchwcStemMaxPool.fits(stem1, NchwcMaxPool.prepare(1, 16, 1, 19, 1, 3, 1, 2, 1, 1, 0, 0, 1, 9)));
    }

    private static void check(Random r, String what, Backend be, ConvGeometry g, Epilogue e, int kh, int kw, int sh,
            int sw, int dil, int pt, int pl, int extra, Parallel p) {
        int h = g.outputDim(0);
        int w = g.outputDim(1);
        int oh = (h + pt - dil * (kh - 1) - 1) / sh + 1 + extra;
        int ow = (w + pl - dil * (kw - 1) - 1) / sw + 1;
        int m = g.outChannels();
        float[] wt = TestSupport.random(r, (int) g.weightLength());
        float[] bias = TestSupport.random(r, m);
        NchwcStemConv stem = NchwcStemConv.prepare(g, wt, 0, bias, e, be);
        NchwcMaxPool pool = NchwcMaxPool.prepare(g.batch(), m, h, w, kh, kw, sh, sw, dil, dil, pt, pl, oh, ow, be);
        int[] bandRows = {1, 2, 3, NchwcStemMaxPool.BAND_ROWS};
        for (int rows : bandRows) {
            if (NchwcStemMaxPool.fits(stem, pool, rows)) {
                check(what + ", bands of " + rows, g, x(r, g), stem, pool,
                        NchwcStemMaxPool.prepare(stem, pool, be, rows), e, kh, kw, sh, dil, pt, pl, oh, ow, be, p);
            }
        }
    }

    private static float[] x(Random r, ConvGeometry g) {
        int off = 3;
        float[] x = new float[off + (int) g.inputLength()];
        for (int i = off; i < x.length; i++) {
            int u = r.nextInt(200);
            x[i] = u == 0 ? Float.NaN : u == 1 ? Float.NEGATIVE_INFINITY : r.nextFloat() * 2 - 1;
        }
        return x;
    }

    private static void check(String what, ConvGeometry g, float[] x, NchwcStemConv stem,
            NchwcMaxPool pool, NchwcStemMaxPool fused, Epilogue e, int kh, int kw, int sh, int dil, int pt, int pl,
            int oh, int ow, Backend be, Parallel p) {
        int off = 3;
        float[] mid = new float[(int) stem.outputLength()];
        stem.run(x, off, mid, 0, null, 0, Parallel.SERIAL);
        float[] want = new float[(int) pool.outputLength()];
        pool.run(mid, 0, want, 0, Parallel.SERIAL);
        float[] got = new float[off + want.length + 1];
        java.util.Arrays.fill(got, Float.NaN);
        fused.run(x, off, got, off, p);
        String where = what + " " + g + " pool " + kh + "x" + kw + "/" + sh + " d" + dil + " pads " + pt + "," + pl
                + " -> " + oh + "x" + ow + ", " + e + ", " + be + ", " + p + ", seed " + SEED;
        assertTrue(Float.isNaN(got[off - 1]) && Float.isNaN(got[off + want.length]), "wrote outside: " + where);
        for (int i = 0; i < want.length; i++) {
            assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[off + i]),
                    "float " + i + " of " + want.length + ": " + where);
        }
    }
}
