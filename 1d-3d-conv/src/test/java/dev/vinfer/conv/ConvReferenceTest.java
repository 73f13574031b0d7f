package dev.vinfer.conv;

import static dev.vinfer.conv.TestSupport.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The oracle itself: worked examples (the ONNX operator documentation's) and the adjoint identity. */
class ConvReferenceTest {

    private static float[] iota(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
        }
        return x;
    }

    private static float[] ones(int n) {
        float[] x = new float[n];
        Arrays.fill(x, 1f);
        return x;
    }

    @Test
    void conv5x5WithOnesKernel() {
        float[] x = iota(25);
        float[] w = ones(9);
        ConvGeometry padded = ConvGeometry.builder().channels(1, 1).input(5, 5).kernel(3, 3).padsOnnx(1, 1, 1, 1)
                .build();
        float[] y = new float[25];
        ConvReference.conv(padded, x, 0, w, 0, null, Epilogue.NONE, y, 0);
        assertArrayEquals(new float[] {12, 21, 27, 33, 24, 33, 54, 63, 72, 51, 63, 99, 108, 117, 81, 93, 144, 153,
            162, 111, 72, 111, 117, 123, 84}, y);

        ConvGeometry strided = ConvGeometry.builder().channels(1, 1).input(5, 5).kernel(3, 3).strides(2, 2)
                .padsOnnx(1, 1, 1, 1).build();
        y = new float[9];
        ConvReference.conv(strided, x, 0, w, 0, null, Epilogue.NONE, y, 0);
        assertArrayEquals(new float[] {12, 27, 24, 63, 108, 81, 72, 117, 84}, y);

        // Bias 1 and Clip(0, 100) on the unpadded result [54, 63, 72, 99, 108, ...].
        ConvGeometry valid = ConvGeometry.builder().channels(1, 1).input(5, 5).kernel(3, 3).build();
        y = new float[9];
        ConvReference.conv(valid, x, 0, w, 0, new float[] {1}, Epilogue.clip(0, 100), y, 0);
        assertArrayEquals(new float[] {55, 64, 73, 100, 100, 100, 100, 100, 100}, y);
    }

    @Test
    void convTransposeExamples() {
        float[] x = iota(9);
        ConvTransposeGeometry g = ConvTransposeGeometry.builder().channels(1, 2).input(3, 3).kernel(3, 3).build();
        float[] y = new float[50];
        ConvReference.convTranspose(g, x, 0, ones(18), 0, null, Epilogue.NONE, y, 0);
        float[] plane = {0, 1, 3, 3, 2, 3, 8, 15, 12, 7, 9, 21, 36, 27, 15, 9, 20, 33, 24, 13, 6, 13, 21, 15, 8};
        assertArrayEquals(plane, Arrays.copyOfRange(y, 0, 25));
        assertArrayEquals(plane, Arrays.copyOfRange(y, 25, 50));

        // Strides (3, 2) with output padding (1, 1): output 10 x 8.
        ConvTransposeGeometry s = ConvTransposeGeometry.builder().channels(1, 2).input(3, 3).kernel(3, 3)
                .strides(3, 2).outputPadding(1, 1).build();
        assertArrayEquals(new int[] {10, 8}, s.outputDims());
        y = new float[160];
        ConvReference.convTranspose(s, x, 0, ones(18), 0, null, Epilogue.NONE, y, 0);
        float[] r0 = {0, 0, 1, 1, 3, 2, 2, 0};
        float[] r1 = {3, 3, 7, 4, 9, 5, 5, 0};
        float[] r2 = {6, 6, 13, 7, 15, 8, 8, 0};
        float[][] rows = {r0, r0, r0, r1, r1, r1, r2, r2, r2, new float[8]};
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < 10; i++) {
                assertArrayEquals(rows[i], Arrays.copyOfRange(y, c * 80 + i * 8, c * 80 + i * 8 + 8), "row " + i);
            }
        }

        // Dilation 2.
        ConvTransposeGeometry d = ConvTransposeGeometry.builder().channels(1, 1).input(3, 3).kernel(2, 2)
                .dilations(2, 2).build();
        y = new float[25];
        ConvReference.convTranspose(d, new float[] {3, 8, 1, 9, 5, 7, 3, 2, 6}, 0, new float[] {7, 2, 1, 9}, 0,
                null, Epilogue.NONE, y, 0);
        assertArrayEquals(new float[] {21, 56, 13, 16, 2, 63, 35, 67, 10, 14, 24, 22, 76, 76, 21, 9, 5, 88, 45, 63,
            3, 2, 33, 18, 54}, y);
    }

    /**
     * Transposed convolution is the adjoint of convolution with the same weights: {@code <conv(x), y> ==
     * <x, convT(y)>}, where convT has the conv's pads, strides and dilations and the output padding that restores
     * the input size. Ties the two references to each other on random geometries.
     */
    @Test
    void transposeIsTheAdjointOfConv() {
        for (long seed = 1500; seed < 1540; seed++) {
            Random r = new Random(seed);
            ConvGeometry f = ConvCases.forward(r, 1 + (int) (seed % 3), ConvCases.Kind.GENERAL);
            int rank = f.rank();
            int[] op = new int[rank];
            int[] pb = new int[rank];
            int[] pe = new int[rank];
            int[] s = new int[rank];
            int[] d = new int[rank];
            for (int i = 0; i < rank; i++) {
                pb[i] = f.padBegin(i);
                pe[i] = f.padEnd(i);
                s[i] = f.stride(i);
                d[i] = f.dilation(i);
                op[i] = f.inputDim(i) + pb[i] + pe[i] - (s[i] * (f.outputDim(i) - 1) + d[i] * (f.kernel(i) - 1) + 1);
            }
            ConvTransposeGeometry t = ConvTransposeGeometry.builder().batch(f.batch())
                    .channels(f.outChannels(), f.inChannels()).group(f.group()).input(f.outputDims())
                    .kernel(f.kernelDims()).strides(s).dilations(d).pads(pb, pe).outputPadding(op).build();
            assertArrayEquals(f.inputDims(), t.outputDims(), "seed=" + seed);
            float[] w = random(r, f.weightLength());
            float[] x = random(r, f.inputLength());
            float[] y = random(r, f.outputLength());
            float[] fx = new float[f.outputLength()];
            float[] ty = new float[t.outputLength()];
            ConvReference.conv(f, x, 0, w, 0, null, Epilogue.NONE, fx, 0);
            ConvReference.convTranspose(t, y, 0, w, 0, null, Epilogue.NONE, ty, 0);
            double lhs = 0;
            double rhs = 0;
            double scale = 0;
            for (int i = 0; i < fx.length; i++) {
                lhs += (double) fx[i] * y[i];
                scale += Math.abs((double) fx[i] * y[i]);
            }
            for (int i = 0; i < ty.length; i++) {
                rhs += (double) x[i] * ty[i];
            }
            // Each side carries one float rounding per output value: relative error ~ 1e-7 of the |terms| sum.
            assertEquals(lhs, rhs, 1e-6 * Math.max(scale, 1e-30), "seed=" + seed + " " + f);
        }
    }
}
