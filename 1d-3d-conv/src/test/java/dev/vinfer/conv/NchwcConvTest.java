package dev.vinfer.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /** Channel counts at and around the block (16) and the vector tile (32 output channels), and MobileNetV2's. */
    private static final int[] CHANNELS = {1, 15, 16, 17, 24, 32, 33, 96, 160};
    /** Pixel counts below, at and above the register tile (7 pixels; 6 before) and its multiples, real planes. */
    private static final int[] PIXELS = {1, 5, 6, 7, 8, 12, 13, 14, 15, 22, 49, 169, 196, 3136};
    /** Every activation kind; Clip with lo > 0 makes pad lanes nonzero unless the kernel zeroes them. */
    static final Epilogue[] ALL_EPILOGUES = {Epilogue.NONE, Epilogue.RELU, Epilogue.clip(0f, 6f),
        Epilogue.clip(-0.5f, 0.25f), Epilogue.clip(0.1f, 0.6f), Epilogue.SIGMOID, Epilogue.HARD_SWISH,
        Epilogue.leakyRelu(0.1f), Epilogue.hardSigmoid(0.2f, 0.5f), Epilogue.TANH};

    @Test
    void reorderRoundTripZeroesPadLanes() {
        Random r = new Random(SEED);
        for (Backend be : TestSupport.backends()) {
            for (int c : new int[] {1, 15, 16, 17, 24, 40}) {
                for (int spatial : new int[] {1 + r.nextInt(15), 16, 17, 33, 16 + r.nextInt(90)}) {
                    String what = "seed " + SEED + " " + be.name() + " c=" + c + " spatial=" + spatial;
                    float[] x = TestSupport.random(r, 2 * c * spatial);
                    float[] b = new float[(int) NchwcLayout.length(2, c, spatial) + 3];
                    Arrays.fill(b, Float.NaN);
                    NchwcLayout.toBlocked(2, c, spatial, x, 0, b, 3, TestSupport.POOL, be);
                    for (int n = 0; n < 2; n++) {
                        for (int ch = 0; ch < NchwcLayout.blocks(c) * NchwcLayout.BLOCK; ch++) {
                            for (int i = 0; i < spatial; i++) {
                                float got = b[3 + ((n * NchwcLayout.blocks(c) + ch / 16) * spatial + i) * 16
                                        + ch % 16];
                                assertEquals(ch < c ? x[(n * c + ch) * spatial + i] : 0f, got, what + " ch=" + ch);
                            }
                        }
                    }
                    float[] back = new float[x.length + 2];
                    Arrays.fill(back, Float.NaN);
                    NchwcLayout.fromBlocked(2, c, spatial, b, 3, back, 1, TestSupport.FIVE, be);
                    assertEquals(Arrays.toString(x), Arrays.toString(Arrays.copyOfRange(back, 1, 1 + x.length)),
                            "round trip, " + what);
                    assertEquals(Float.NaN, back[0], what + ": wrote before the output");
                    assertEquals(Float.NaN, back[back.length - 1], what + ": wrote past the output");
                }
            }
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
            for (Backend be : TestSupport.backends()) {
                pointwise(r, "trial " + trial, be, 1 + trial % 2, c, m, hw, EPILOGUES[trial % EPILOGUES.length],
                        trial % 3 == 0, trial % 4 != 1, TestSupport.PARALLELS[trial % TestSupport.PARALLELS.length]);
            }
        }
    }

    /** Every pixel count of {@link #PIXELS} against every output count of {@link #CHANNELS}, both backends. */
    @Test
    void pointwiseTileEdges() {
        Random r = new Random(SEED + 2);
        for (int i = 0; i < PIXELS.length; i++) {
            for (int j = 0; j < CHANNELS.length; j++) {
                int hw = PIXELS[i];
                int m = CHANNELS[j];
                int c = CHANNELS[(i + 2 * j) % CHANNELS.length];
                if (hw > 1000 && (m > 33 || c > 33)) {
                    continue;
                }
                int q = i * CHANNELS.length + j;
                for (Backend be : TestSupport.backends()) {
                    pointwise(r, "edge " + q, be, 1 + q % 2 * (hw < 1000 ? 1 : 0), c, m, hw,
                            ALL_EPILOGUES[q % ALL_EPILOGUES.length], q % 2 == 0, q % 5 != 3,
                            TestSupport.PARALLELS[q % TestSupport.PARALLELS.length]);
                }
            }
        }
        for (int i = 0; i < CHANNELS.length; i++) {
            for (Backend be : TestSupport.backends()) {
                pointwise(r, "channels " + i, be, 1, CHANNELS[i], CHANNELS[(i + 4) % CHANNELS.length], 13,
                        ALL_EPILOGUES[i % ALL_EPILOGUES.length], i % 2 == 1, true, TestSupport.POOL);
            }
        }
    }

    /**
     * The 1x1 layers' tiles with and without their touches of the next group's weights
     * ({@code vinfer.nchwcPointwise.touchNext}, read when a layer is prepared; on by default except on AMD with
     * 16-lane vectors): 7x7, 13x13, 14x14 and 28x28 planes, several output groups (the last one narrower), both
     * backends, 1, 2 and 5 threads, against the reference. Seed SEED + 9.
     */
    @Test
    void pointwiseWithAndWithoutWeightTouches() {
        Random r = new Random(SEED + 9);
        String before = System.getProperty("vinfer.nchwcPointwise.touchNext");
        try {
            for (String touch : new String[] {"true", "false"}) {
                System.setProperty("vinfer.nchwcPointwise.touchNext", touch);
                assertEquals(Boolean.parseBoolean(touch), NchwcPointwiseConv.touchesNextWeights(Kernels.backend()));
                int q = 0;
                for (int hw : new int[] {49, 169, 196, 784}) {
                    for (int[] cm : new int[][] {{96, 80}, {160, 136}, {33, 200}}) {
                        for (Backend be : TestSupport.backends()) {
                            pointwise(r, "touchNext=" + touch + " " + hw + " pixels", be, 1, cm[0], cm[1], hw,
                                    ALL_EPILOGUES[q % ALL_EPILOGUES.length], q % 2 == 0, q % 3 != 2,
                                    TestSupport.PARALLELS[q % TestSupport.PARALLELS.length]);
                            q++;
                        }
                    }
                }
            }
            System.clearProperty("vinfer.nchwcPointwise.touchNext");
            assertEquals(!(CpuVendor.amd() && "vector-512".equals(Kernels.backend().name())),
                    NchwcPointwiseConv.touchesNextWeights(Kernels.backend()));
        } finally {
            if (before == null) {
                System.clearProperty("vinfer.nchwcPointwise.touchNext");
            } else {
                System.setProperty("vinfer.nchwcPointwise.touchNext", before);
            }
        }
    }

    /**
     * Strips shorter than a thread's pixel range (the strip is read from {@code vinfer.nchwcStripFloats} when a layer
     * is prepared): one to three tiles a strip, ranges that end inside a strip, 1, 2 and 5 threads.
     */
    @Test
    void pointwiseStripsCutThePlane() {
        Random r = new Random(SEED + 4);
        String before = System.getProperty("vinfer.nchwcStripFloats");
        try {
            for (int tiles = 1; tiles <= 3; tiles++) {
                for (int hw : new int[] {20, 49, 97}) {
                    int c = 17 + 7 * tiles;
                    System.setProperty("vinfer.nchwcStripFloats", Integer.toString(c * 7 * tiles));
                    for (Backend be : TestSupport.backends()) {
                        for (Parallel p : TestSupport.PARALLELS) {
                            pointwise(r, "strip of " + tiles + " tiles", be, 2, c, 40, hw, Epilogue.RELU, true, true,
                                    p);
                        }
                    }
                }
            }
        } finally {
            if (before == null) {
                System.clearProperty("vinfer.nchwcStripFloats");
            } else {
                System.setProperty("vinfer.nchwcStripFloats", before);
            }
        }
    }

    /**
     * Many input channels run in chunks of them ({@code NchwcPointwiseConv.chunkChannels}), the partial sums added as
     * the next chunk's residual, bias and residual with the first, the clamp with the last: chunks forced small
     * ({@code vinfer.nchwcPointwise.chunkFloats}, read when a layer is prepared; 1024 floats: 32 channels, so odd
     * channel counts end in a short block) and at the default size (C = 520, 700: two and three chunks; planes of
     * at least {@code CHUNK_MIN_PIXELS}), every epilogue, with and without residual and bias, 1, 2 and 5 threads,
     * batch 2.
     */
    @Test
    void pointwiseChunksOfInputChannels() {
        Random r = new Random(SEED + 5);
        String before = System.getProperty("vinfer.nchwcPointwise.chunkFloats");
        try {
            int q = 0;
            for (String limit : new String[] {"1024", null}) {
                if (limit == null) {
                    System.clearProperty("vinfer.nchwcPointwise.chunkFloats");
                } else {
                    System.setProperty("vinfer.nchwcPointwise.chunkFloats", limit);
                }
                int[] cs = limit == null ? new int[] {520, 700} : new int[] {33, 64, 70, 97};
                for (int c : cs) {
                    if (limit == null) {
                        assertTrue(NchwcPointwiseConv.chunkChannels(c, 196) < c, "C=" + c + " should run in chunks");
                    }
                    for (int m : new int[] {16, 40}) {
                        for (Backend be : TestSupport.backends()) {
                            pointwise(r, "chunks of " + (limit == null ? "default" : limit) + " floats", be,
                                    1 + q % 2, c, m, q % 3 == 0 ? 197 : 200, ALL_EPILOGUES[q % ALL_EPILOGUES.length],
                                    q % 2 == 0, q % 5 != 3, TestSupport.PARALLELS[q % TestSupport.PARALLELS.length]);
                            q++;
                        }
                    }
                }
            }
        } finally {
            if (before == null) {
                System.clearProperty("vinfer.nchwcPointwise.chunkFloats");
            } else {
                System.setProperty("vinfer.nchwcPointwise.chunkFloats", before);
            }
        }
    }

    /** An infinite input value: its products with the zero weights of pad lanes are NaN, which must not show. */
    @Test
    void pointwisePadLanesStayZeroWithInfiniteInput() {
        Random r = new Random(SEED + 3);
        int c = 20;
        int m = 24;
        int hw = 13;
        ConvGeometry g = ConvGeometry.builder().channels(c, m).input(1, hw).kernel(1, 1).build();
        float[] x = TestSupport.random(r, c * hw);
        x[3 * hw + 4] = Float.POSITIVE_INFINITY;
        float[] w = TestSupport.random(r, m * c);
        for (Backend be : TestSupport.backends()) {
            NchwcPointwiseConv k = NchwcPointwiseConv.prepare(g, w, 0, null, Epilogue.clip(0.5f, 1f), be);
            float[] yb = new float[(int) k.outputLength()];
            Arrays.fill(yb, Float.NaN);
            k.run(blocked(1, c, hw, x), 0, yb, 0, null, 0, Parallel.SERIAL);
            for (int i = 0; i < hw; i++) {
                for (int l = m % 16; l < 16; l++) {
                    assertEquals(0f, yb[(hw + i) * 16 + l], be.name() + ": pad lane " + l + " at " + i);
                }
            }
        }
    }

    private static void pointwise(Random r, String label, Backend be, int batch, int c, int m, int hw, Epilogue e,
            boolean residual, boolean withBias, Parallel p) {
        ConvGeometry g = ConvGeometry.builder().batch(batch).channels(c, m).input(1, hw).kernel(1, 1).build();
        float[] bias = withBias ? TestSupport.random(r, m) : null;
        String what = "seed " + SEED + " " + label + " " + be.name() + " " + p + " c=" + c + " m=" + m + " px=" + hw
                + " n=" + batch + " " + e + (residual ? " +res" : "") + (bias == null ? " no bias" : "");
        float[] x = TestSupport.random(r, batch * c * hw);
        float[] w = TestSupport.random(r, 2 + m * c);
        float[] res = residual ? TestSupport.random(r, batch * m * hw) : null;
        float[] expected = new float[batch * m * hw];
        ConvReference.conv(g, x, 0, w, 2, bias, Epilogue.NONE, expected, 0);
        for (int i = 0; i < expected.length; i++) {
            expected[i] = e.apply(expected[i] + (res == null ? 0f : res[i]));
        }
        NchwcPointwiseConv k = NchwcPointwiseConv.prepare(g, w, 2, bias, e, be);
        float[] xb = blocked(batch, c, hw, x);
        float[] rb = res == null ? null : blocked(batch, m, hw, res);
        float[] rbOff = rb == null ? null : new float[rb.length + 5];
        if (rb != null) {
            System.arraycopy(rb, 0, rbOff, 5, rb.length);
        }
        float[] yb = new float[(int) k.outputLength() + 2];
        Arrays.fill(yb, Float.NaN);
        k.run(xb, 0, yb, 1, rbOff, 5, p);
        compare(what, batch, m, hw, c + 2, expected, yb, 1);
        assertEquals(Float.NaN, yb[0], what + ": wrote before the output");
        assertEquals(Float.NaN, yb[yb.length - 1], what + ": wrote past the output");
    }

    /** Strided 1x1 (ResNet's projection shortcuts): odd planes, strides 2 and 3, both backends, 1 and 2 threads. */
    @Test
    void stridedPointwiseMatchesReference() {
        Random r = new Random(SEED + 7);
        int[][] cases = {{32, 64, 14, 14, 2}, {17, 40, 9, 7, 2}, {48, 16, 11, 13, 3}, {16, 33, 1, 6, 2},
            {64, 128, 28, 28, 2}};
        for (int i = 0; i < cases.length; i++) {
            int[] q = cases[i];
            int batch = 1 + i % 2;
            ConvGeometry g = ConvGeometry.builder().batch(batch).channels(q[0], q[1]).input(q[2], q[3]).kernel(1, 1)
                    .strides(q[4], q[4]).build();
            Epilogue e = EPILOGUES[i % EPILOGUES.length];
            float[] bias = i % 3 == 1 ? null : TestSupport.random(r, q[1]);
            float[] x = TestSupport.random(r, g.inputLength());
            float[] w = TestSupport.random(r, g.weightLength());
            boolean residual = i % 2 == 0;
            float[] res = residual ? TestSupport.random(r, g.outputLength()) : null;
            float[] expected = new float[g.outputLength()];
            ConvReference.conv(g, x, 0, w, 0, bias, Epilogue.NONE, expected, 0);
            for (int j = 0; j < expected.length; j++) {
                expected[j] = e.apply(expected[j] + (res == null ? 0f : res[j]));
            }
            for (Backend be : TestSupport.backends()) {
                for (Parallel p : TestSupport.PARALLELS) {
                    String what = "seed " + SEED + " strided " + i + " " + be.name() + " " + p + " " + g + " " + e;
                    NchwcPointwiseConv k = NchwcPointwiseConv.prepare(g, w, 0, bias, e, be);
                    float[] yb = new float[(int) k.outputLength()];
                    Arrays.fill(yb, Float.NaN);
                    k.run(blocked(batch, q[0], g.inputPlane(), x), 0, yb, 0,
                            res == null ? null : blocked(batch, q[1], g.outputPlane(), res), 0, p);
                    compare(what, batch, q[1], g.outputPlane(), q[0], expected, yb, 0);
                }
            }
        }
    }

    @Test
    void depthwiseMatchesReference() {
        Random r = new Random(SEED + 1);
        int[] cs = {1, 15, 16, 17, 24, 32, 33, 40};
        for (int trial = 0; trial < 60; trial++) {
            int c = cs[r.nextInt(cs.length)];
            int k = trial % 5 == 4 ? 5 : 3;
            int stride = 1 + trial % 2;
            int pad = trial % 7 == 6 ? 0 : trial % 11 == 10 ? 1 : k / 2;
            int dil = trial % 13 == 12 ? 2 : 1;
            int h = 1 + r.nextInt(20);
            int wd = 1 + r.nextInt(20);
            for (Backend be : TestSupport.backends()) {
                depthwise(r, "trial " + trial, be, 1 + trial % 2, c, h, wd, k, stride, pad, dil,
                        ALL_EPILOGUES[trial % ALL_EPILOGUES.length], trial % 4 != 1,
                        TestSupport.PARALLELS[trial % TestSupport.PARALLELS.length]);
            }
        }
    }

    /** Every H and W from 1 to 20 for 3x3 stride 1 and 2, pad 1 and 0, and 5x5 pad 2. */
    @Test
    void depthwiseEverySize() {
        Random r = new Random(SEED + 4);
        for (int h = 1; h <= 20; h++) {
            int wd = 21 - h;
            int q = h;
            for (Backend be : TestSupport.backends()) {
                for (int stride = 1; stride <= 2; stride++) {
                    depthwise(r, "size " + h, be, 1, CHANNELS[(q + stride) % 7], h, wd, 3, stride, 1, 1,
                            EPILOGUES[(q + stride) % EPILOGUES.length], true,
                            TestSupport.PARALLELS[(q + stride) % TestSupport.PARALLELS.length]);
                    depthwise(r, "size " + h + " pad 0", be, 1, 17, h, wd, 3, stride, 0, 1, Epilogue.clip(0.1f, 0.6f),
                            true, Parallel.SERIAL);
                    depthwise(r, "size " + h + " 5x5", be, 1, 16, h, h, 5, stride, 2, 1, Epilogue.RELU, false,
                            TestSupport.POOL);
                }
            }
        }
    }

    private static void depthwise(Random r, String label, Backend be, int batch, int c, int h, int wd, int k,
            int stride, int pad, int dil, Epilogue e, boolean withBias, Parallel p) {
        int span = dil * (k - 1) + 1;
        if (h + 2 * pad < span || wd + 2 * pad < span) {
            return;
        }
        ConvGeometry g = ConvGeometry.builder().batch(batch).channels(c, c).group(c).input(h, wd).kernel(k, k)
                .strides(stride, stride).dilations(dil, dil).pads(new int[] {pad, pad}, new int[] {pad, pad}).build();
        float[] bias = withBias ? TestSupport.random(r, c) : null;
        String what = "seed " + SEED + " " + label + " " + be.name() + " " + p + " " + g + " " + e;
        float[] x = TestSupport.random(r, g.inputLength());
        float[] w = TestSupport.random(r, g.weightLength());
        float[] expected = new float[g.outputLength()];
        ConvReference.conv(g, x, 0, w, 0, bias, e, expected, 0);
        NchwcDepthwiseConv kern = NchwcDepthwiseConv.prepare(g, w, 0, bias, e, be);
        float[] yb = new float[(int) kern.outputLength() + 2];
        Arrays.fill(yb, Float.NaN);
        kern.run(blocked(g.batch(), c, g.inputPlane(), x), 0, yb, 1, p);
        compare(what, g.batch(), c, g.outputPlane(), k * k + 1, expected, yb, 1);
        assertEquals(Float.NaN, yb[0], what + ": wrote before the output");
        assertEquals(Float.NaN, yb[yb.length - 1], what + ": wrote past the output");
    }

    static float[] blocked(int batch, int c, int spatial, float[] x) {
        float[] b = new float[(int) NchwcLayout.length(batch, c, spatial)];
        Arrays.fill(b, Float.NaN);
        NchwcLayout.toBlocked(batch, c, spatial, x, 0, b, 0, Parallel.SERIAL);
        return b;
    }

    /** Blocked {@code actual} (from {@code off}) against NCHW {@code expected}; pad lanes must be exactly zero. */
    static void compare(String what, int batch, int channels, int spatial, int reduction, float[] expected,
            float[] actual, int off) {
        float[] nchw = unblocked(what, batch, channels, spatial, actual, off);
        TestSupport.assertClose(what, reduction, expected, 0, nchw, 0, expected.length);
    }

    /** The blocked tensor at {@code actual[off]} back in NCHW, after checking that its pad lanes are zero. */
    static float[] unblocked(String what, int batch, int channels, int spatial, float[] actual, int off) {
        int blocks = NchwcLayout.blocks(channels);
        float[] nchw = new float[batch * channels * spatial];
        NchwcLayout.fromBlocked(batch, channels, spatial, actual, off, nchw, 0, Parallel.SERIAL);
        for (int n = 0; n < batch; n++) {
            for (int ch = channels; ch < blocks * NchwcLayout.BLOCK; ch++) {
                for (int i = 0; i < spatial; i++) {
                    float v = actual[off + ((n * blocks + ch / 16) * spatial + i) * 16 + ch % 16];
                    assertEquals(0f, v, what + ": pad lane " + ch + " at " + i);
                }
            }
        }
        return nchw;
    }
}
