package dev.vinfer.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link NchwcPointwiseConv#runMean} (a 1x1 convolution and the GlobalAveragePool after it in one pass) against
 * {@link ConvReference}, its epilogue and a mean in double: every backend and thread count, channel counts at and
 * around the block (16) and the output group (32), planes below, at and above the register tile (7 pixels) up to
 * the limit {@link NchwcPointwiseConv#MEAN_MAX_PIXELS}, input channels in chunks (SqueezeNet's classifier), with
 * and without residual and bias, batch 1 and 2. Outputs are NaN-filled first, so a mean left unwritten fails.
 *
 * <p>Tolerance: the mean of P outputs, each a float sum of K = C + 2 terms (products, residual, bias), then summed in
 * float over P: {@code 1e-5 * sqrt(K + P)} relative to the largest |output| before the mean (the rule of
 * {@link TestSupport#tolerance}, with the mean's own sum as more terms; relative to the outputs, not to the means,
 * which can cancel to near zero).
 */
class NchwcPointwiseMeanTest {
    private static final long SEED = Long.getLong("vinfer.test.seed", 20261201L);

    @Test
    void meanMatchesConvolutionThenAverage() {
        Random r = new Random(SEED);
        // {c, m, pixels}
        int[][] cases = {{16, 16, 1}, {15, 17, 7}, {33, 40, 13}, {64, 1000, 169}, {520, 48, 169}, {24, 33, 49},
            {96, 64, 8}, {17, 96, 1024}, {160, 32, 200}};
        int q = 0;
        for (int[] c : cases) {
            for (Backend be : TestSupport.backends()) {
                Epilogue e = NchwcConvTest.ALL_EPILOGUES[q % NchwcConvTest.ALL_EPILOGUES.length];
                mean(r, be, 1 + q % 2, c[0], c[1], c[2], e, q % 3 == 1, q % 4 != 2,
                        TestSupport.PARALLELS[q % TestSupport.PARALLELS.length]);
                q++;
            }
        }
    }

    /** The weights and the scratch plane 13 floats into their arrays ({@link ArrayAlignment}). */
    @Test
    void aLeadChangesNothing() {
        Random r = new Random(SEED + 2);
        ArrayAlignmentTest.withLead("13", () -> {
            for (Backend be : TestSupport.backends()) {
                mean(r, be, 2, 64, 1000, 169, Epilogue.RELU, true, true, TestSupport.PARALLELS[1]);
                mean(r, be, 1, 520, 48, 169, Epilogue.NONE, false, true, TestSupport.PARALLELS[0]);
            }
        });
    }

    /** Every thread count on one layer with many output groups (the threads take whole groups). */
    @Test
    void everyThreadCountAgrees() {
        Random r = new Random(SEED + 1);
        for (Backend be : TestSupport.backends()) {
            for (Parallel p : TestSupport.PARALLELS) {
                mean(r, be, 2, 128, 200, 30, Epilogue.RELU, true, true, p);
            }
        }
    }

    /** Strided layers and planes past the limit are refused: {@link NchwcPointwiseConv#meanRuns} says so. */
    @Test
    void refusesWhatItDoesNotRun() {
        ConvGeometry big = ConvGeometry.builder().channels(16, 16).input(1, NchwcPointwiseConv.MEAN_MAX_PIXELS + 1)
                .kernel(1, 1).build();
        NchwcPointwiseConv k = NchwcPointwiseConv.prepare(big, new float[256], 0, null, Epilogue.NONE);
        assertFalse(k.meanRuns());
        float[] x = new float[(int) k.inputLength()];
        assertThrows(IllegalStateException.class, () -> k.runMean(x, 0, new float[16], 0, null, 0, Parallel.SERIAL));
        ConvGeometry strided = ConvGeometry.builder().channels(16, 16).input(9, 9).kernel(1, 1).strides(2, 2)
                .build();
        assertFalse(NchwcPointwiseConv.prepare(strided, new float[256], 0, null, Epilogue.NONE).meanRuns());
        ConvGeometry ok = ConvGeometry.builder().channels(16, 16).input(13, 13).kernel(1, 1).build();
        NchwcPointwiseConv fits = NchwcPointwiseConv.prepare(ok, new float[256], 0, null, Epilogue.NONE);
        assertTrue(fits.meanRuns());
        assertThrows(IllegalArgumentException.class, () -> fits.runMean(new float[(int) fits.inputLength()], 0,
                new float[15], 0, null, 0, Parallel.SERIAL));
    }

    private static void mean(Random r, Backend be, int batch, int c, int m, int pixels, Epilogue e, boolean residual,
            boolean withBias, Parallel p) {
        ConvGeometry g = ConvGeometry.builder().batch(batch).channels(c, m).input(1, pixels).kernel(1, 1).build();
        String what = "seed " + SEED + " " + be.name() + " " + p + " c=" + c + " m=" + m + " px=" + pixels + " n="
                + batch + " " + e + (residual ? " +res" : "") + (withBias ? "" : " no bias");
        float[] bias = withBias ? TestSupport.random(r, m) : null;
        float[] x = TestSupport.random(r, batch * c * pixels);
        float[] w = TestSupport.random(r, 3 + m * c);
        float[] res = residual ? TestSupport.random(r, batch * m * pixels) : null;
        float[] y = new float[batch * m * pixels];
        ConvReference.conv(g, x, 0, w, 3, bias, Epilogue.NONE, y, 0);
        double max = 0;
        for (int i = 0; i < y.length; i++) {
            y[i] = e.apply(y[i] + (res == null ? 0f : res[i]));
            max = Math.max(max, Math.abs(y[i]));
        }
        float[] expected = new float[batch * m];
        for (int i = 0; i < expected.length; i++) {
            double s = 0;
            for (int px = 0; px < pixels; px++) {
                s += y[i * pixels + px];
            }
            expected[i] = (float) (s / pixels);
        }
        NchwcPointwiseConv k = NchwcPointwiseConv.prepare(g, w, 3, bias, e, be);
        assertTrue(k.meanRuns(), what);
        float[] xb = NchwcConvTest.blocked(batch, c, pixels, x);
        float[] rb = res == null ? null : NchwcConvTest.blocked(batch, m, pixels, res);
        float[] rbOff = rb == null ? null : new float[rb.length + 3];
        if (rb != null) {
            System.arraycopy(rb, 0, rbOff, 3, rb.length);
        }
        float[] out = new float[expected.length + 2];
        Arrays.fill(out, Float.NaN);
        k.runMean(xb, 0, out, 1, rbOff, 3, p);
        double tol = 1e-5 * Math.sqrt(c + 2 + pixels) * Math.max(max, Float.MIN_NORMAL);
        TestSupport.assertClose(what, tol, c + 2, expected, 0, out, 1, expected.length);
        assertEquals(Float.NaN, out[0], what + ": wrote before the output");
        assertEquals(Float.NaN, out[out.length - 1], what + ": wrote past the output");
        // and the second run of the same kernel (its scratch and task object reused) gives the same means
        float[] again = out.clone();
        k.runMean(xb, 0, again, 1, rbOff, 3, p);
        assertTrue(Arrays.equals(out, again), what + ": a second run differs");
    }
}
