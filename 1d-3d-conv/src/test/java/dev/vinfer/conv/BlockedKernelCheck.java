package dev.vinfer.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;

/**
 * The check the blocked Winograd tests share: random input, weights (from offset 3), optional bias and residual; the
 * double reference ({@link ConvReference}) plus residual and epilogue as the expectation; the kernel run twice (the
 * second run reuses the task objects and scratch of the first) from offset 2 of its input into a NaN-filled output
 * with a float of margin on each side, and the output compared by a {@link Comparison}: for Winograd, reordered back
 * and held to {@code algo}'s declared bound ({@link #withinBound}).
 */
final class BlockedKernelCheck {
    private BlockedKernelCheck() {
    }

    /** Prepares the kernel under test from the weights (offset 3) and bias. */
    interface Factory {
        NchwcConvKernel prepare(float[] w, float[] bias);
    }

    /**
     * Compares a run's blocked output (from index 1 of {@code yb}) with the NCHW expectation; {@code convolution} is
     * the reference before residual and epilogue, which a declared bound is relative to.
     */
    interface Comparison {
        void compare(String label, float[] convolution, float[] expected, float[] yb);
    }

    /**
     * Reordered back to NCHW and held to {@code algo}'s declared bound on {@code g} through the epilogue {@code e}
     * ({@link TestSupport#assertCloseThrough}).
     */
    static Comparison withinBound(ConvGeometry g, ConvAlgorithm algo, Epilogue e) {
        return (label, convolution, expected, yb) -> {
            float[] nchw = NchwcConvTest.unblocked(label, g.batch(), g.outChannels(), g.outputPlane(), yb, 1);
            TestSupport.assertCloseThrough(label, algo, g, e, convolution, 0, expected, 0, nchw, 0, expected.length);
        };
    }

    static void check(Random r, String what, ConvGeometry g, Epilogue e, boolean residual, boolean withBias,
            Parallel p, Comparison comparison, Factory factory) {
        int batch = g.batch();
        int c = g.inChannels();
        int m = g.outChannels();
        float[] bias = withBias ? TestSupport.random(r, m) : null;
        String label = what + (residual ? " +res" : "") + (bias == null ? " no bias" : "");
        float[] x = TestSupport.random(r, g.inputLength());
        float[] w = TestSupport.random(r, 3 + g.weightLength());
        float[] res = residual ? TestSupport.random(r, g.outputLength()) : null;
        float[] expected = new float[g.outputLength()];
        ConvReference.conv(g, x, 0, w, 3, bias, Epilogue.NONE, expected, 0);
        float[] convolution = expected.clone();
        for (int i = 0; i < expected.length; i++) {
            expected[i] = e.apply(expected[i] + (res == null ? 0f : res[i]));
        }
        NchwcConvKernel k = factory.prepare(w, bias);
        float[] xb = NchwcConvTest.blocked(batch, c, g.inputPlane(), x);
        float[] xbOff = new float[xb.length + 2];
        Arrays.fill(xbOff, Float.NaN);
        System.arraycopy(xb, 0, xbOff, 2, xb.length);
        float[] rb = null;
        if (res != null) {
            float[] b = NchwcConvTest.blocked(batch, m, g.outputPlane(), res);
            rb = new float[b.length + 5];
            System.arraycopy(b, 0, rb, 5, b.length);
        }
        float[] yb = new float[(int) k.outputLength() + 2];
        for (int rep = 0; rep < 2; rep++) {
            Arrays.fill(yb, Float.NaN);
            k.run(xbOff, 2, yb, 1, rb, 5, p);
            comparison.compare(label + " run " + rep, convolution, expected, yb);
            assertEquals(Float.NaN, yb[0], label + ": wrote before the output");
            assertEquals(Float.NaN, yb[yb.length - 1], label + ": wrote past the output");
        }
    }
}
