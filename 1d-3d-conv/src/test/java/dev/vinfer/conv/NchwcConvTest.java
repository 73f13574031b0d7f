package dev.vinfer.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The channel-blocked kernels against the NCHW reference: inputs reordered to NCHWc, the blocked kernel run, the
 * output reordered back and compared with {@link ConvReference}; the lanes past the last channel must be zero.
 * Outputs are NaN-filled first, so a value the kernel leaves unwritten fails.
 */
class NchwcConvTest {
    private static final long SEED = Long.getLong("vinfer.test.seed", 20261129L);
    private static final Epilogue[] EPILOGUES = {Epilogue.NONE, Epilogue.RELU, Epilogue.clip(0f, 6f),
        Epilogue.clip(-0.5f, 0.25f)};

    @Test
    void reorderRoundTripZeroesPadLanes() {
        Random r = new Random(SEED);
        for (int c : new int[] {1, 15, 16, 17, 24, 40}) {
            int spatial = 1 + r.nextInt(70);
            float[] x = TestSupport.random(r, 2 * c * spatial);
            float[] b = new float[(int) NchwcLayout.length(2, c, spatial) + 3];
            Arrays.fill(b, Float.NaN);
            NchwcLayout.toBlocked(2, c, spatial, x, 0, b, 3, TestSupport.POOL);
            for (int n = 0; n < 2; n++) {
                for (int ch = 0; ch < NchwcLayout.blocks(c) * NchwcLayout.BLOCK; ch++) {
                    for (int i = 0; i < spatial; i++) {
                        float got = b[3 + ((n * NchwcLayout.blocks(c) + ch / 16) * spatial + i) * 16 + ch % 16];
                        assertEquals(ch < c ? x[(n * c + ch) * spatial + i] : 0f, got, "c=" + c + " ch=" + ch);
                    }
                }
            }
            float[] back = new float[x.length];
            NchwcLayout.fromBlocked(2, c, spatial, b, 3, back, 0, TestSupport.FIVE);
            assertEquals(Arrays.toString(x), Arrays.toString(back), "round trip, c=" + c);
        }
    }

    @Test
    void pointwiseMatchesReference() {
        Random r = new Random(SEED);
        int[] cs = {1, 8, 16, 17, 24, 32, 33, 96};
        int[] ms = {1, 8, 15, 16, 24, 31, 32, 48, 96};
        int[] pixels = {1, 5, 6, 7, 13, 32, 49, 196};
        for (int trial = 0; trial < 40; trial++) {
            int c = cs[r.nextInt(cs.length)];
            int m = ms[r.nextInt(ms.length)];
            int hw = pixels[r.nextInt(pixels.length)];
            int batch = 1 + trial % 2;
            ConvGeometry g = ConvGeometry.builder().batch(batch).channels(c, m).input(1, hw).kernel(1, 1).build();
            Epilogue e = EPILOGUES[trial % EPILOGUES.length];
            boolean residual = trial % 3 == 0;
            float[] bias = trial % 4 == 1 ? null : TestSupport.random(r, m);
            String what = "seed " + SEED + " trial " + trial + " c=" + c + " m=" + m + " px=" + hw + " n=" + batch
                    + " " + e + (residual ? " +res" : "") + (bias == null ? " no bias" : "");
            float[] x = TestSupport.random(r, batch * c * hw);
            float[] w = TestSupport.random(r, 2 + m * c);
            float[] res = residual ? TestSupport.random(r, batch * m * hw) : null;
            float[] expected = new float[batch * m * hw];
            ConvReference.conv(g, x, 0, w, 2, bias, Epilogue.NONE, expected, 0);
            for (int i = 0; i < expected.length; i++) {
                expected[i] = e.apply(expected[i] + (res == null ? 0f : res[i]));
            }
            NchwcPointwiseConv k = NchwcPointwiseConv.prepare(g, w, 2, bias, e);
            float[] xb = blocked(batch, c, hw, x);
            float[] rb = res == null ? null : blocked(batch, m, hw, res);
            float[] yb = new float[(int) k.outputLength() + 1];
            Arrays.fill(yb, Float.NaN);
            k.run(xb, 0, yb, 1, rb, 0, TestSupport.PARALLELS[trial % TestSupport.PARALLELS.length]);
            compare(what, batch, m, hw, c, expected, yb, 1);
        }
    }

    @Test
    void depthwiseMatchesReference() {
        Random r = new Random(SEED + 1);
        int[] cs = {1, 16, 17, 24, 32, 40};
        for (int trial = 0; trial < 40; trial++) {
            int c = cs[r.nextInt(cs.length)];
            int k = trial % 5 == 4 ? 5 : 3;
            int stride = 1 + trial % 2;
            int pad = trial % 7 == 6 ? 0 : k / 2;
            int h = 1 + r.nextInt(15);
            int wd = 1 + r.nextInt(15);
            if (h + 2 * pad < k || wd + 2 * pad < k) {
                continue;
            }
            ConvGeometry g = ConvGeometry.builder().batch(1 + trial % 2).channels(c, c).group(c).input(h, wd)
                    .kernel(k, k).strides(stride, stride).pads(new int[] {pad, pad}, new int[] {pad, pad}).build();
            Epilogue e = EPILOGUES[trial % EPILOGUES.length];
            float[] bias = trial % 4 == 1 ? null : TestSupport.random(r, c);
            String what = "seed " + SEED + " trial " + trial + " " + g + " " + e;
            float[] x = TestSupport.random(r, g.inputLength());
            float[] w = TestSupport.random(r, g.weightLength());
            float[] expected = new float[g.outputLength()];
            ConvReference.conv(g, x, 0, w, 0, bias, e, expected, 0);
            NchwcDepthwiseConv kern = NchwcDepthwiseConv.prepare(g, w, 0, bias, e);
            float[] yb = new float[(int) kern.outputLength()];
            Arrays.fill(yb, Float.NaN);
            kern.run(blocked(g.batch(), c, g.inputPlane(), x), 0, yb, 0,
                    TestSupport.PARALLELS[trial % TestSupport.PARALLELS.length]);
            compare(what, g.batch(), c, g.outputPlane(), k * k, expected, yb, 0);
        }
    }

    private static float[] blocked(int batch, int c, int spatial, float[] x) {
        float[] b = new float[(int) NchwcLayout.length(batch, c, spatial)];
        Arrays.fill(b, Float.NaN);
        NchwcLayout.toBlocked(batch, c, spatial, x, 0, b, 0, Parallel.SERIAL);
        return b;
    }

    /** Blocked {@code actual} (from {@code off}) against NCHW {@code expected}; pad lanes must be exactly zero. */
    private static void compare(String what, int batch, int channels, int spatial, int reduction, float[] expected,
            float[] actual, int off) {
        int blocks = NchwcLayout.blocks(channels);
        float[] nchw = new float[expected.length];
        NchwcLayout.fromBlocked(batch, channels, spatial, actual, off, nchw, 0, Parallel.SERIAL);
        TestSupport.assertClose(what, reduction, expected, 0, nchw, 0, expected.length);
        for (int n = 0; n < batch; n++) {
            for (int ch = channels; ch < blocks * NchwcLayout.BLOCK; ch++) {
                for (int i = 0; i < spatial; i++) {
                    float v = actual[off + ((n * blocks + ch / 16) * spatial + i) * 16 + ch % 16];
                    assertEquals(0f, v, what + ": pad lane " + ch + " at " + i);
                }
            }
        }
    }
}
