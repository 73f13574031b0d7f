package dev.vinfer.conv;

import static dev.vinfer.conv.TestSupport.assertCloseThrough;
import static dev.vinfer.conv.TestSupport.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ConvAlgorithm#WINOGRAD_DEPTH} against {@link ConvReference} (through {@link ConvAlgorithmsTest#check}: every
 * backend, serial and parallel, the seed in every message, the algorithm's declared bound): the 1-D F(2, r)
 * transforms themselves; randomized 3-D geometries (depth kernels 3, 5, 7 with odd and even output depths, any
 * H/W kernel, stride, dilation and padding, batches); pinned shapes (the ResNet3D stem's kind, output rows longer
 * than a task's pixel target, single-pixel rows); the residual; and what it does not support.
 */
class DepthWinogradConvTest {

    @Test
    void transformsComputeTheCorrelation() {
        Random r = new Random(6900);
        for (int tm : new int[] {23, 25, 27, 47}) {
            int taps = tm % 10;
            DepthWinogradTransform wt = DepthWinogradTransform.of(tm / 10, taps);
            for (int trial = 0; trial < 20; trial++) {
                double[] kernel = new double[taps];
                double[] d = new double[wt.t];
                for (int i = 0; i < taps; i++) {
                    kernel[i] = r.nextDouble() * 2 - 1;
                }
                for (int i = 0; i < wt.t; i++) {
                    d[i] = r.nextDouble() * 2 - 1;
                }
                for (int i = 0; i < wt.m; i++) {
                    double want = 0;
                    for (int k = 0; k < taps; k++) {
                        want += kernel[k] * d[i + k];
                    }
                    double got = 0;
                    for (int xi = 0; xi < wt.t; xi++) {
                        double gk = 0;
                        for (int k = 0; k < taps; k++) {
                            gk += wt.g[xi * taps + k] * kernel[k];
                        }
                        double bd = 0;
                        for (int j = 0; j < wt.t; j++) {
                            bd += wt.bt[xi * wt.t + j] * d[j];
                        }
                        got += wt.at[i * wt.t + xi] * gk * bd;
                    }
                    assertEquals(want, got, 1e-9, "F(" + wt.m + "," + taps + ") output " + i + " trial " + trial);
                }
            }
        }
    }

    @Test
    void randomGeometries() {
        for (long seed = 6000; seed < 6060; seed++) {
            Random r = new Random(seed);
            ConvGeometry g = random3d(r);
            assertTrue(ConvAlgorithm.WINOGRAD_DEPTH.supports(g), "seed=" + seed + " " + g);
            ConvAlgorithmsTest.check("seed=" + seed, g, ConvAlgorithm.WINOGRAD_DEPTH, r);
        }
    }

    /** Depth kernel 3, 5 or 7 (stride 1), output depth 2-7; H and W anything small and odd. */
    static ConvGeometry random3d(Random r) {
        int kD = 3 + 2 * r.nextInt(3);
        int padB = r.nextInt(kD / 2 + 1);
        int padE = r.nextInt(kD / 2 + 1);
        int outD = 2 + r.nextInt(6);
        int inD = Math.max(1, outD + kD - 1 - padB - padE);
        int[] in = {inD, 0, 0};
        int[] k = {kD, 0, 0};
        int[] s = {1, 0, 0};
        int[] dil = {1, 0, 0};
        int[] pb = {padB, 0, 0};
        int[] pe = {padE, 0, 0};
        for (int d = 1; d < 3; d++) {
            k[d] = 1 + r.nextInt(5);
            s[d] = 1 + r.nextInt(3);
            dil[d] = 1 + r.nextInt(2);
            pb[d] = r.nextInt(3);
            pe[d] = r.nextInt(3);
            int reach = (k[d] - 1) * dil[d] + 1;
            in[d] = Math.max(1, reach - pb[d] - pe[d]) + r.nextInt(19);
        }
        return ConvGeometry.of(1 + r.nextInt(2), 1 + r.nextInt(5), 1 + r.nextInt(20), 1, in, k, s, dil, pb, pe);
    }

    @Test
    void pinnedShapes() {
        long seed = 6100;
        ConvGeometry[] shapes = {
            // The ResNet3D-10 stem's kind: 7x7x7, stride (1, 2, 2), pad 3; odd output depth 5, 16 and 9 channels.
            ConvGeometry.builder().channels(3, 16).input(5, 29, 30).kernel(7, 7, 7).strides(1, 2, 2)
                    .padsOnnx(3, 3, 3, 3, 3, 3).build(),
            ConvGeometry.builder().channels(3, 9).input(4, 13, 14).kernel(7, 7, 7).strides(1, 2, 2)
                    .padsOnnx(3, 3, 3, 3, 3, 3).build(),
            // Output rows of 300 pixels (one row per task), and rows of 1 pixel (a panel across many rows).
            ConvGeometry.builder().channels(2, 8).input(3, 3, 300).kernel(3, 3, 1).padsOnnx(1, 1, 0, 1, 1, 0)
                    .build(),
            ConvGeometry.builder().channels(1, 17).input(6, 40, 1).kernel(5, 1, 1).padsOnnx(2, 0, 0, 2, 0, 0)
                    .build(),
            // No padding in depth, output depth exactly 2; 3x3x3 video stem kind.
            ConvGeometry.builder().channels(3, 24).input(4, 17, 19).kernel(3, 3, 3).padsOnnx(0, 1, 1, 0, 1, 1)
                    .build(),
        };
        for (ConvGeometry g : shapes) {
            ConvAlgorithmsTest.check("seed=" + seed, g, ConvAlgorithm.WINOGRAD_DEPTH, new Random(seed++));
        }
    }

    /** The residual is added after the bias and before the activation. */
    @Test
    void residualBeforeTheActivation() {
        for (long seed = 6200; seed < 6210; seed++) {
            Random r = new Random(seed);
            ConvGeometry g = random3d(r);
            float[] w = random(r, g.weightLength());
            float[] bias = r.nextBoolean() ? random(r, g.outChannels()) : null;
            float[] in = random(r, g.inputLength());
            float[] res = random(r, 1 + g.outputLength());
            Epilogue e = seed % 2 == 0 ? Epilogue.RELU : ConvCases.epilogue(r);
            float[] want = new float[g.outputLength()];
            ConvReference.conv(g, in, 0, w, 0, bias, e, want, 0, res, 1);
            float[] convolution = new float[g.outputLength()];
            ConvReference.conv(g, in, 0, w, 0, bias, Epilogue.NONE, convolution, 0);
            for (Backend be : TestSupport.backends()) {
                ConvKernel k = Convolutions.prepare(g, w, 0, bias, e, ConvAlgorithm.WINOGRAD_DEPTH, be);
                for (Parallel p : TestSupport.PARALLELS) {
                    float[] out = new float[g.outputLength()];
                    k.run(in, 0, out, 0, res, 1, p);
                    assertCloseThrough("seed=" + seed + " " + g + " " + e + " " + be.name() + " " + p,
                            ConvAlgorithm.WINOGRAD_DEPTH, g, e, convolution, 0, want, 0, out, 0, out.length);
                }
            }
        }
    }

    /**
     * AUTO's rule ({@link AutoImplicitIm2colRules#depthWinograd}): the 7x7x7 stem, not the 3x3x3 one nor 64-channel
     * layers.
     */
    @Test
    void autoTakesItForTheSevenDeepStem() {
        ConvGeometry stem = ConvGeometry.builder().channels(3, 64).input(16, 112, 112).kernel(7, 7, 7)
                .strides(1, 2, 2).padsOnnx(3, 3, 3, 3, 3, 3).build();
        assertEquals(ConvAlgorithm.WINOGRAD_DEPTH, ConvAlgorithm.choose(stem));
        ConvGeometry stem3 = ConvGeometry.builder().channels(3, 64).input(16, 112, 112).kernel(3, 3, 3)
                .padsOnnx(1, 1, 1, 1, 1, 1).build();
        assertEquals(ConvAlgorithm.IMPLICIT_IM2COL, ConvAlgorithm.choose(stem3));
        ConvGeometry wide = ConvGeometry.builder().channels(64, 64).input(8, 28, 28).kernel(3, 3, 3)
                .padsOnnx(1, 1, 1, 1, 1, 1).build();
        assertTrue(ConvAlgorithm.WINOGRAD_DEPTH.supports(wide));
        assertEquals(ConvAlgorithm.WINOGRAD_F4_3, ConvAlgorithm.choose(wide));
    }

    /**
     * AUTO's 3-D stride-2 rule ({@link AutoImplicitIm2colRules#stride2Implicit3d}), next to this stem in ResNet3D-10.
     */
    @Test
    void autoTakesImplicitIm2colForStride2ThreeD() {
        ConvGeometry conv4 = ConvGeometry.builder().channels(64, 128).input(8, 28, 28).kernel(3, 3, 3)
                .strides(2, 2, 2).padsOnnx(1, 1, 1, 1, 1, 1).build();
        assertEquals(ConvAlgorithm.IMPLICIT_IM2COL, ConvAlgorithm.choose(conv4));
        ConvGeometry conv7 = ConvGeometry.builder().channels(128, 256).input(4, 14, 14).kernel(3, 3, 3)
                .strides(2, 2, 2).padsOnnx(1, 1, 1, 1, 1, 1).build();
        assertEquals(ConvAlgorithm.PIXEL_ROWS, ConvAlgorithm.choose(conv7));
        ConvGeometry few = ConvGeometry.builder().channels(8, 128).input(8, 28, 28).kernel(3, 3, 3)
                .strides(2, 2, 2).padsOnnx(1, 1, 1, 1, 1, 1).build();
        assertFalse(AutoImplicitIm2colRules.stride2Implicit3d(few));
    }

    @Test
    void unsupportedGeometries() {
        ConvGeometry.Builder b = ConvGeometry.builder().channels(3, 8);
        assertFalse(ConvAlgorithm.WINOGRAD_DEPTH.supports(b.input(9, 9).kernel(3, 3).build())); // rank 2
        assertFalse(ConvAlgorithm.WINOGRAD_DEPTH.supports(
                ConvGeometry.builder().channels(3, 8).input(9, 9, 9).kernel(4, 3, 3).build())); // even depth kernel
        assertFalse(ConvAlgorithm.WINOGRAD_DEPTH.supports(
                ConvGeometry.builder().channels(3, 8).input(9, 9, 9).kernel(3, 3, 3).strides(2, 1, 1).build()));
        assertFalse(ConvAlgorithm.WINOGRAD_DEPTH.supports(
                ConvGeometry.builder().channels(4, 8).group(2).input(9, 9, 9).kernel(3, 3, 3).build()));
        assertFalse(ConvAlgorithm.WINOGRAD_DEPTH.supports(
                ConvGeometry.builder().channels(3, 8).input(3, 9, 9).kernel(3, 3, 3).build())); // one output depth
    }
}
