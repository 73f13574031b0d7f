package dev.vinfer.conv;

import static dev.vinfer.conv.TestSupport.assertClose;
import static dev.vinfer.conv.TestSupport.assertCloseThrough;
import static dev.vinfer.conv.TestSupport.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The residual hook of {@link ConvKernel#run(float[], int, float[], int, float[], int, Parallel)}: every algorithm,
 * backend and parallel against the reference {@code e(conv + bias + residual)}, with seeded random geometries
 * (seed in every message); and the reference itself against conv-then-add-then-activate done by hand.
 */
class ResidualEpilogueTest {

    private static void forward(long seed, ConvCases.Kind kind, ConvAlgorithm algorithm) {
        Random r = new Random(seed);
        ConvGeometry g = ConvCases.forward(r, 1 + (int) (seed % 3), kind);
        int inOff = r.nextInt(4);
        int resOff = r.nextInt(4);
        int outOff = r.nextInt(4);
        float[] w = random(r, g.weightLength());
        float[] bias = r.nextBoolean() ? random(r, g.outChannels()) : null;
        float[] in = random(r, inOff + g.inputLength());
        float[] res = random(r, resOff + g.outputLength());
        Epilogue e = ConvCases.epilogue(r);
        float[] want = new float[g.outputLength()];
        ConvReference.conv(g, in, inOff, w, 0, bias, e, want, 0, res, resOff);
        float[] convolution = new float[g.outputLength()];
        ConvReference.conv(g, in, inOff, w, 0, bias, Epilogue.NONE, convolution, 0);
        String where = "seed=" + seed + " " + algorithm + " " + g + " " + e;
        for (Backend be : TestSupport.backends()) {
            ConvKernel k = Convolutions.prepare(g, w, 0, bias, e, algorithm, be);
            for (Parallel p : TestSupport.PARALLELS) {
                float[] out = new float[outOff + g.outputLength() + 2];
                Arrays.fill(out, Float.NaN);
                k.run(in, inOff, out, outOff, res, resOff, p);
                if (algorithm.name().startsWith("WINOGRAD")) {
                    // Winograd is held to the declared bound through the epilogue (its transforms round more).
                    assertCloseThrough(where + " " + be.name() + " " + p, algorithm, g, e, convolution, 0, want, 0,
                            out, outOff, g.outputLength());
                } else {
                    assertClose(where + " " + be.name() + " " + p, g.reductionLength() + 1, want, 0, out, outOff,
                            g.outputLength());
                }
                assertEquals(Float.NaN, out[outOff + g.outputLength()], where + ": wrote past the end");
            }
        }
    }

    @Test
    void everyForwardAlgorithmAddsTheResidualBeforeTheActivation() {
        for (long seed = 3000; seed < 3030; seed++) {
            forward(seed, ConvCases.Kind.GENERAL, ConvAlgorithm.IM2COL);
            forward(seed, ConvCases.Kind.POINTWISE, ConvAlgorithm.POINTWISE);
            forward(seed, ConvCases.Kind.DEPTHWISE, ConvAlgorithm.DEPTHWISE);
        }
        for (long seed = 3100; seed < 3104; seed++) {
            forward(seed, ConvCases.Kind.GENERAL, ConvAlgorithm.DIRECT);
        }
        for (long seed = 3050; seed < 3062; seed++) {
            forward(seed, ConvCases.Kind.WINOGRAD, ConvAlgorithm.WINOGRAD_F2_3);
            forward(seed, ConvCases.Kind.WINOGRAD, ConvAlgorithm.WINOGRAD_F4_3);
            forward(seed, ConvCases.Kind.WINOGRAD, ConvAlgorithm.WINOGRAD_F6_3);
            forward(seed, ConvCases.Kind.DEPTHWISE_SAME, ConvAlgorithm.DEPTHWISE);
        }
    }

    @Test
    void transposedAlgorithmsAddTheResidualToo() {
        for (long seed = 3200; seed < 3215; seed++) {
            Random r = new Random(seed);
            ConvTransposeGeometry g = ConvCases.transposed(r, 1 + (int) (seed % 3));
            float[] w = random(r, g.weightLength());
            float[] in = random(r, g.inputLength());
            float[] res = random(r, g.outputLength());
            Epilogue e = ConvCases.epilogue(r);
            float[] want = new float[g.outputLength()];
            ConvReference.convTranspose(g, in, 0, w, 0, null, e, want, 0, res, 0);
            for (ConvAlgorithm a : new ConvAlgorithm[] {ConvAlgorithm.GEMM_COL2IM, ConvAlgorithm.DIRECT}) {
                ConvKernel k = Convolutions.prepareTranspose(g, w, 0, null, e, a);
                float[] out = new float[g.outputLength()];
                k.run(in, 0, out, 0, res, 0, TestSupport.POOL);
                assertClose("seed=" + seed + " " + a + " " + g, g.reductionLength() + 1, want, 0, out, 0,
                        g.outputLength());
            }
        }
    }

    @Test
    void referenceEqualsConvThenAddThenActivation() {
        Random r = new Random(3300);
        ConvGeometry g = ConvGeometry.builder().batch(2).channels(3, 4).input(6, 5).kernel(3, 3).padsOnnx(1, 1, 1, 1)
                .build();
        float[] w = random(r, g.weightLength());
        float[] bias = random(r, 4);
        float[] in = random(r, g.inputLength());
        float[] res = random(r, g.outputLength());
        float[] plain = new float[g.outputLength()];
        ConvReference.conv(g, in, 0, w, 0, bias, Epilogue.NONE, plain, 0);
        float[] fused = new float[g.outputLength()];
        ConvReference.conv(g, in, 0, w, 0, bias, Epilogue.RELU, fused, 0, res, 0);
        for (int i = 0; i < plain.length; i++) {
            assertEquals(Math.max(0f, plain[i] + res[i]), fused[i], 1e-6f, "at " + i);
        }
    }

    @Test
    void nullResidualIsAPlainRunAndOverlapIsRejected() {
        Random r = new Random(3400);
        ConvGeometry g = ConvGeometry.builder().channels(2, 2).input(4, 4).kernel(1, 1).build();
        float[] w = random(r, g.weightLength());
        float[] in = random(r, g.inputLength());
        ConvKernel k = Convolutions.prepare(g, w, 0, null, Epilogue.RELU, ConvAlgorithm.AUTO);
        float[] a = new float[g.outputLength()];
        float[] b = new float[g.outputLength()];
        k.run(in, 0, a, 0, Parallel.SERIAL);
        k.run(in, 0, b, 0, null, 0, Parallel.SERIAL);
        assertEquals(Arrays.toString(a), Arrays.toString(b));
        float[] out = new float[g.outputLength() * 2];
        assertThrows(IllegalArgumentException.class, () -> k.run(in, 0, out, 0, out, 4, Parallel.SERIAL));
        // The residual may be the input itself (read-only for both).
        float[] inPlace = new float[g.outputLength()];
        k.run(in, 0, inPlace, 0, in, 0, Parallel.SERIAL);
    }
}
