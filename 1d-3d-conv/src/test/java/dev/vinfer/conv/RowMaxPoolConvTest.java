package dev.vinfer.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Convolutions#prepareRowMaxPool}: a 1-D convolution with the max pool after it fused, against the same
 * algorithm unfused followed by a plain max pool (bit for bit with no activation or a clamp: the fused kernels pool
 * the values the unfused one stores; other activations within 1e-6 of the largest value, their vector and scalar
 * parts falling on other samples of the shorter rows) and against {@link ConvReference} (within the algorithm's bound), on every backend and parallel, the
 * output at an offset in a NaN-filled array. Seeds are in every message.
 */
class RowMaxPoolConvTest {

    /** The max pool the fusion replaces: windows of k, stride k, no padding, NaN taps skipped. */
    static float[] maxPool(float[] x, int rows, int width, int k) {
        int pw = width / k;
        float[] y = new float[rows * pw];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < pw; i++) {
                float best = Float.NEGATIVE_INFINITY;
                boolean any = false;
                for (int t = 0; t < k; t++) {
                    float v = x[r * width + i * k + t];
                    if (v >= best) {
                        best = v;
                        any = true;
                    }
                }
                y[r * pw + i] = any ? best : Float.NaN;
            }
        }
        return y;
    }

    private static void check(String ctx, ConvGeometry g, ConvAlgorithm algorithm, int k, Random r, boolean nans) {
        float[] w = TestSupport.random(r, g.weightLength());
        float[] bias = r.nextBoolean() ? TestSupport.random(r, g.outChannels()) : null;
        float[] in = TestSupport.random(r, g.inputLength());
        if (nans) {
            for (int i = 0; i < 3; i++) {
                in[r.nextInt(in.length)] = Float.NaN;
            }
        }
        Epilogue e = ConvCases.epilogue(r);
        int width = g.outputDim(0);
        int rows = g.batch() * g.outChannels();
        float[] ref = new float[g.outputLength()];
        ConvReference.conv(g, in, 0, w, 0, bias, e, ref, 0);
        float[] wantRef = maxPool(ref, rows, width, k);
        String where = ctx + " " + algorithm + " " + g + " pool " + k + " " + e + (bias == null ? "" : " bias");
        for (Backend be : TestSupport.backends()) {
            for (Parallel p : TestSupport.PARALLELS) {
                ConvKernel plain = Convolutions.prepare(g, w, 0, bias, e, algorithm, be, p.threads());
                float[] full = new float[g.outputLength()];
                plain.run(in, 0, full, 0, p);
                float[] want = maxPool(full, rows, width, k);
                ConvKernel fused = Convolutions.prepareRowMaxPool(g, w, 0, bias, e, algorithm, be, p.threads(), k);
                assertEquals(plain.algorithm(), fused.algorithm(), where);
                assertEquals(want.length, fused.outputLength(), where);
                int off = 1 + r.nextInt(4);
                float[] out = new float[off + want.length + 3];
                Arrays.fill(out, Float.NaN);
                fused.run(in, 0, out, off, p);
                String at = where + " " + be.name() + " " + p;
                if (e.isIdentity() || e.isClamp()) {
                    assertArrayEquals(want, Arrays.copyOfRange(out, off, off + want.length), at);
                } else {
                    // other activations run on rows cut differently, so vector lanes and scalar tails fall elsewhere
                    double max = 1;
                    for (float v : want) {
                        max = Math.max(max, Math.abs(v));
                    }
                    TestSupport.assertClose(at, 1e-6 * max, g.reductionLength(), want, 0, out, off, want.length);
                }
                for (int i = 0; i < 3; i++) {
                    assertEquals(Float.NaN, out[off + want.length + i], at + ": wrote past the end");
                }
                if (!nans) {
                    TestSupport.assertClose(at + " vs reference", fused.algorithm(), g, wantRef, 0, out, off,
                            want.length);
                }
            }
        }
    }

    private static ConvGeometry oneD(Random r, int c, int m, int len, int kernel, int stride, int pad) {
        return ConvGeometry.builder().batch(1 + (r.nextInt(4) == 0 ? 1 : 0)).channels(c, m).input(len).kernel(kernel)
                .strides(stride).padsOnnx(pad, pad).build();
    }

    /** The algorithms that pool inside their output pass, and two that go through the fallback. */
    @Test
    void randomized() {
        ConvAlgorithm[] algorithms = {ConvAlgorithm.CHANNELS_LAST, ConvAlgorithm.IMPLICIT_IM2COL,
            ConvAlgorithm.IM2COL, ConvAlgorithm.AUTO};
        for (long seed = 9100; seed < 9140; seed++) {
            Random r = new Random(seed);
            int kernel = 1 + r.nextInt(5);
            int stride = 1 + r.nextInt(2);
            ConvGeometry g = oneD(r, 1 + r.nextInt(40), 1 + r.nextInt(70), 8 + r.nextInt(300), kernel, stride,
                    r.nextInt(kernel));
            int k = r.nextBoolean() ? 2 : 4;
            check("seed=" + seed, g, algorithms[(int) (seed % algorithms.length)], k, r, false);
        }
    }

    /**
     * M5's shapes (scaled down in channels where the row length is what matters): rows of 995 and 3981 samples (a
     * partial last window), the 80-tap stride-4 front end, rows split over threads, tiles around 16 and 64 pixels,
     * rows of exactly one window.
     */
    @Test
    void pinnedShapes() {
        long seed = 9200;
        Object[][] cases = {
            {ConvGeometry.builder().channels(1, 32).input(16000).kernel(80).strides(4).build(),
                ConvAlgorithm.IMPLICIT_IM2COL, 4},
            {ConvGeometry.builder().channels(32, 32).input(995).kernel(3).padsOnnx(1, 1).build(),
                ConvAlgorithm.CHANNELS_LAST, 4},
            {ConvGeometry.builder().channels(128, 256).input(248).kernel(3).padsOnnx(1, 1).build(),
                ConvAlgorithm.CHANNELS_LAST, 4},
            {ConvGeometry.builder().channels(64, 96).input(62).kernel(3).padsOnnx(1, 1).build(),
                ConvAlgorithm.CHANNELS_LAST, 4},
            {ConvGeometry.builder().channels(17, 33).input(65).kernel(3).padsOnnx(1, 1).build(),
                ConvAlgorithm.CHANNELS_LAST, 2},
            {ConvGeometry.builder().channels(3, 20).input(130).kernel(5).padsOnnx(2, 2).build(),
                ConvAlgorithm.IMPLICIT_IM2COL, 2},
            {ConvGeometry.builder().channels(5, 16).input(4).kernel(1).build(), ConvAlgorithm.CHANNELS_LAST, 4},
            {ConvGeometry.builder().channels(5, 16).input(7).kernel(1).build(), ConvAlgorithm.IMPLICIT_IM2COL, 4},
            {ConvGeometry.builder().channels(8, 16).input(40).kernel(3).padsOnnx(1, 1).build(),
                ConvAlgorithm.DIRECT, 4},
        };
        for (Object[] c : cases) {
            check("seed=" + seed, (ConvGeometry) c[0], (ConvAlgorithm) c[1], (Integer) c[2], new Random(seed), false);
            seed++;
        }
    }

    /** NaN inputs: windows with a NaN tap keep the largest other tap, as MaxPool does. */
    @Test
    void nanTapsAreSkipped() {
        long seed = 9300;
        for (ConvAlgorithm a : new ConvAlgorithm[] {ConvAlgorithm.CHANNELS_LAST, ConvAlgorithm.IMPLICIT_IM2COL,
            ConvAlgorithm.IM2COL}) {
            Random r = new Random(seed);
            ConvGeometry g = ConvGeometry.builder().channels(6, 20).input(97).kernel(1).build();
            check("seed=" + seed, g, a, 4, r, true);
            seed++;
        }
    }

    @Test
    void rejectsWhatItCannotPool() {
        float[] w = new float[64 * 9];
        ConvGeometry twoD = ConvGeometry.builder().channels(8, 8).input(8, 8).kernel(3, 3).padsOnnx(1, 1, 1, 1)
                .build();
        assertThrows(IllegalArgumentException.class, () -> Convolutions.prepareRowMaxPool(twoD, w, 0, null,
                Epilogue.NONE, ConvAlgorithm.AUTO, 1, 4));
        ConvGeometry oneD = ConvGeometry.builder().channels(8, 8).input(40).kernel(3).padsOnnx(1, 1).build();
        assertThrows(IllegalArgumentException.class, () -> Convolutions.prepareRowMaxPool(oneD, w, 0, null,
                Epilogue.NONE, ConvAlgorithm.AUTO, 1, 3));
        ConvGeometry tooShort = ConvGeometry.builder().channels(8, 8).input(3).kernel(1).build();
        assertThrows(IllegalArgumentException.class, () -> Convolutions.prepareRowMaxPool(tooShort, w, 0, null,
                Epilogue.NONE, ConvAlgorithm.AUTO, 1, 4));
        ConvKernel k = Convolutions.prepareRowMaxPool(oneD, w, 0, null, Epilogue.NONE, ConvAlgorithm.CHANNELS_LAST, 1,
                4);
        assertThrows(IllegalArgumentException.class, () -> k.run(new float[oneD.inputLength()], 0,
                new float[k.outputLength()], 0, new float[oneD.outputLength()], 0, Parallel.SERIAL));
    }
}
