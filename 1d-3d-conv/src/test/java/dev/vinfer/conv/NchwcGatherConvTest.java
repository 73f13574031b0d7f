package dev.vinfer.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link NchwcGatherConv} (the channels-last gather GEMM on blocked tensors) against the double reference: random
 * geometries on both backends and on 1, 2 and 5 threads, ResNet's strided layers (pixel tiles and, on their small
 * planes, output-channel slices), residuals and every kind of epilogue, and what it refuses.
 */
class NchwcGatherConvTest {
    private static final long SEED = Long.getLong("vinfer.test.seed", 20261130L);

    @Test
    void randomGeometriesMatchReference() {
        Random r = new Random(SEED);
        for (int i = 0; i < 24; i++) {
            int c = 16 * (1 + r.nextInt(3));
            int m = 16 * (1 + r.nextInt(3));
            int k = 1 + r.nextInt(3);
            int stride = 1 + r.nextInt(2);
            int dil = r.nextInt(4) == 0 ? 2 : 1;
            int h = k * dil + r.nextInt(20);
            int w = k * dil + r.nextInt(20);
            int[] pb = {r.nextInt(k), r.nextInt(k)};
            int[] pe = {r.nextInt(k), r.nextInt(k)};
            ConvGeometry g = ConvGeometry.builder().batch(1 + r.nextInt(2)).channels(c, m).input(h, w).kernel(k, k)
                    .strides(stride, stride).dilations(dil, dil).pads(pb, pe).build();
            Epilogue[] es = {Epilogue.NONE, Epilogue.RELU, Epilogue.clip(0f, 6f), Epilogue.SIGMOID};
            for (Backend be : TestSupport.backends()) {
                check(r, "random #" + i, be, g, es[r.nextInt(es.length)], r.nextBoolean(),
                        TestSupport.PARALLELS[i % TestSupport.PARALLELS.length]);
            }
        }
    }

    /** ResNet-18's strided 3x3 layers, scaled down in channels only where the plane is what matters. */
    @Test
    void resnetStridedLayers() {
        Random r = new Random(SEED + 1);
        int[][] layers = {{64, 128, 56}, {128, 256, 28}, {256, 512, 14}, {32, 48, 15}};
        for (int[] q : layers) {
            ConvGeometry g = ConvGeometry.builder().channels(q[0], q[1]).input(q[2], q[2]).kernel(3, 3).strides(2, 2)
                    .pads(new int[] {1, 1}, new int[] {1, 1}).build();
            for (Parallel p : TestSupport.PARALLELS) {
                check(r, "resnet", TestSupport.backends().get(TestSupport.backends().size() - 1), g, Epilogue.RELU,
                        q[2] == 15, p);
            }
        }
    }

    /** A 3-D convolution (the layout is rank-generic; the copy takes whole planes). */
    @Test
    void threeDimensions() {
        Random r = new Random(SEED + 2);
        ConvGeometry g = ConvGeometry.builder().channels(16, 32).input(new int[] {5, 9, 10}).kernel(new int[] {3, 3, 3})
                .strides(new int[] {1, 2, 2}).pads(new int[] {1, 1, 1}, new int[] {1, 1, 1}).build();
        for (Backend be : TestSupport.backends()) {
            for (Parallel p : TestSupport.PARALLELS) {
                check(r, "3-D", be, g, Epilogue.RELU, true, p);
            }
        }
    }

    /** {@link Backend#blockBiasClamp} on every backend against its definition: residual or not, NaN, n 0 to 9. */
    @Test
    void blockBiasClampMatchesItsDefinition() {
        Random r = new Random(SEED + 3);
        for (Backend be : TestSupport.backends()) {
            int b = be.depthwiseChannelBlock();
            for (int n = 0; n < 10; n++) {
                for (boolean withRes : new boolean[] {false, true}) {
                    float[] src = TestSupport.random(r, 3 + n * b);
                    float[] bias = TestSupport.random(r, 5 + b);
                    float[] res = withRes ? TestSupport.random(r, 2 + n * 16) : null;
                    if (n > 2) {
                        src[3 + b + 1] = Float.NaN;
                    }
                    float[] dst = new float[1 + n * 16];
                    Arrays.fill(dst, -7f);
                    float[] want = dst.clone();
                    for (int q = 0; q < n; q++) {
                        for (int c = 0; c < b; c++) {
                            float v = src[3 + q * b + c] + bias[5 + c] + (withRes ? res[2 + q * 16 + c] : 0f);
                            want[1 + q * 16 + c] = Math.min(Math.max(v, 0f), 6f);
                        }
                    }
                    be.blockBiasClamp(n, src, 3, bias, 5, res, 2, 0f, 6f, dst, 1);
                    assertArrayEquals(want, dst, be.name() + " n=" + n + (withRes ? " +res" : ""));
                }
            }
        }
    }

    @Test
    void rejectsWhatItDoesNotCompute() {
        ConvGeometry ragged = ConvGeometry.builder().channels(24, 32).input(8, 8).kernel(3, 3).build();
        assertThrows(IllegalArgumentException.class, () -> NchwcGatherConv.prepare(ragged,
                new float[ragged.weightLength()], 0, null, null));
        ConvGeometry grouped = ConvGeometry.builder().channels(32, 32).group(2).input(8, 8).kernel(3, 3).build();
        assertThrows(IllegalArgumentException.class, () -> NchwcGatherConv.prepare(grouped,
                new float[grouped.weightLength()], 0, null, null));
        ConvGeometry g = ConvGeometry.builder().channels(16, 16).input(8, 8).kernel(3, 3).build();
        NchwcGatherConv k = NchwcGatherConv.prepare(g, new float[g.weightLength()], 0, null, null);
        assertThrows(IllegalArgumentException.class, () -> k.run(new float[(int) k.inputLength() - 1], 0,
                new float[(int) k.outputLength()], 0, null, 0, Parallel.SERIAL));
    }

    private static void check(Random r, String label, Backend be, ConvGeometry g, Epilogue e, boolean residual,
            Parallel p) {
        int batch = g.batch();
        int m = g.outChannels();
        float[] bias = r.nextBoolean() ? TestSupport.random(r, m) : null;
        String what = "seed " + SEED + " " + label + " " + be.name() + " " + p + " " + g + " " + e
                + (residual ? " +res" : "") + (bias == null ? " no bias" : "");
        float[] x = TestSupport.random(r, g.inputLength());
        float[] w = TestSupport.random(r, 2 + g.weightLength());
        float[] res = residual ? TestSupport.random(r, g.outputLength()) : null;
        float[] expected = new float[g.outputLength()];
        ConvReference.conv(g, x, 0, w, 2, bias, Epilogue.NONE, expected, 0);
        for (int i = 0; i < expected.length; i++) {
            expected[i] = e.apply(expected[i] + (res == null ? 0f : res[i]));
        }
        NchwcGatherConv k = NchwcGatherConv.prepare(g, w, 2, bias, e, be);
        int spatialIn = g.inputPlane();
        int spatialOut = g.outputPlane();
        float[] xb = NchwcConvTest.blocked(batch, g.inChannels(), spatialIn, x);
        float[] rb = res == null ? null : NchwcConvTest.blocked(batch, m, spatialOut, res);
        float[] yb = new float[(int) k.outputLength() + 2];
        for (int rep = 0; rep < 2; rep++) {
            // twice: the second run reuses the layout buffer and scratch of the first
            Arrays.fill(yb, Float.NaN);
            k.run(xb, 0, yb, 1, rb, 0, p);
            float[] nchw = NchwcConvTest.unblocked(what, batch, m, spatialOut, yb, 1);
            TestSupport.assertClose(what + " run " + rep, ConvAlgorithm.CHANNELS_LAST, g, expected, 0, nchw, 0,
                    expected.length);
            assertEquals(Float.NaN, yb[0], what + ": wrote before the output");
            assertEquals(Float.NaN, yb[yb.length - 1], what + ": wrote past the output");
        }
    }
}
