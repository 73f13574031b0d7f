package dev.vinfer.conv;

import static dev.vinfer.conv.TestSupport.assertClose;
import static dev.vinfer.conv.TestSupport.random;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** GEMM + col2im and DIRECT transposed convolution against {@link ConvReference#convTranspose}. */
class ConvTransposeTest {

    static void check(String ctx, ConvTransposeGeometry g, ConvAlgorithm algorithm, Random r) {
        int wOff = r.nextInt(5);
        int inOff = r.nextInt(5);
        int outOff = r.nextInt(5);
        float[] w = random(r, wOff + g.weightLength());
        float[] bias = r.nextBoolean() ? random(r, g.outChannels()) : null;
        float[] in = random(r, inOff + g.inputLength());
        Epilogue e = ConvCases.epilogue(r);
        float[] want = new float[g.outputLength()];
        ConvReference.convTranspose(g, in, inOff, w, wOff, bias, e, want, 0);
        String where = ctx + " " + algorithm + " " + g + " " + e + (bias == null ? " no bias" : " bias");
        for (Backend be : TestSupport.backends()) {
            ConvKernel k = Convolutions.prepareTranspose(g, w, wOff, bias, e, algorithm, be);
            for (Parallel p : TestSupport.PARALLELS) {
                float[] out = new float[outOff + g.outputLength() + 2];
                Arrays.fill(out, Float.NaN);
                k.run(in, inOff, out, outOff, p);
                assertClose(where + " " + be.name() + " " + p, g.reductionLength(), want, 0, out, outOff,
                        g.outputLength());
                assertEquals(Float.NaN, out[outOff + g.outputLength()], where + ": wrote past the end");
            }
        }
    }

    @Test
    void col2imRandom() {
        for (long seed = 1100; seed < 1280; seed++) {
            Random r = new Random(seed);
            check("seed=" + seed, ConvCases.transposed(r, 1 + (int) (seed % 3)), ConvAlgorithm.GEMM_COL2IM, r);
        }
    }

    @Test
    void directRandom() {
        for (long seed = 2200; seed < 2212; seed++) {
            Random r = new Random(seed);
            check("seed=" + seed, ConvCases.transposed(r, 1 + (int) (seed % 3)), ConvAlgorithm.DIRECT, r);
        }
    }

    @Test
    void gemmEdgeShapes() {
        ConvTransposeGeometry[] shapes = {
            // GEMM rows M/G * kernel = 7 * 9 = 63 (not a multiple of MR), K = C/G = 256.
            ConvTransposeGeometry.builder().channels(256, 7).input(5, 6).kernel(3, 3).strides(2, 2)
                    .padsOnnx(1, 1, 1, 1).outputPadding(1, 0).build(),
            // Many input pixels (3000) so the column buffer is taken in several chunks; groups.
            ConvTransposeGeometry.builder().channels(4, 6).group(2).input(3000).kernel(4).strides(2).build(),
            // Wide output channel slices: M/G = 150 (above MC = 144), kernel 2x2 stride 2 (a typical upsampler).
            ConvTransposeGeometry.builder().channels(5, 150).input(4, 3).kernel(2, 2).strides(2, 2).build(),
            // Rank 3 with dilation and asymmetric pads.
            ConvTransposeGeometry.builder().batch(2).channels(3, 4).input(3, 4, 2).kernel(2, 3, 3)
                    .strides(2, 1, 3).dilations(1, 2, 1).pads(new int[] {1, 0, 2}, new int[] {0, 1, 0}).build(),
        };
        long seed = 1300;
        for (ConvTransposeGeometry g : shapes) {
            check("seed=" + seed, g, ConvAlgorithm.GEMM_COL2IM, new Random(seed));
            seed++;
        }
    }

    @Test
    void autoChoosesCol2im() {
        ConvTransposeGeometry g = ConvTransposeGeometry.builder().channels(2, 2).input(3).kernel(2).build();
        assertEquals(ConvAlgorithm.GEMM_COL2IM,
                Convolutions.prepareTranspose(g, new float[g.weightLength()], 0, null, null, null).algorithm());
    }
}
