package dev.vinfer.conv;

import static dev.vinfer.conv.TestSupport.random;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The in-place 3x3 stride-1 pad-1 path of {@code DEPTHWISE} ({@link Backend#depthwise3x3Plane}: column strips sliding
 * down the plane, edge strips built by lane shifts, the last strip overlapping): against the double reference on
 * every backend (scalar, and the vector backend at the lane count of this surefire run: 16, 8 or 4), serial and
 * split; widths at and around the vector lengths (one strip with both edges, two edge strips, inner strips, an
 * overlapping last strip), heights 1-3 and odd, multipliers, batch 2, the residual, planes that start at index 0 and
 * end at the array's end (the lane shifts must not read outside the plane), and a NaN/infinity next to a plane's
 * edge, which the padding must not pick up; the same for the stride-2 path ({@link Backend#depthwise3x3s2Plane}).
 * Seeds are in every failure message.
 */
class DepthwiseInPlace3x3Test {
    private static final int[] WIDTHS = {14, 15, 16, 17, 20, 24, 31, 32, 33, 40, 47, 48, 49, 56, 64, 65, 112};

    private static ConvGeometry dw(int batch, int c, int mult, int h, int w) {
        return ConvGeometry.builder().batch(batch).channels(c, c * mult).group(c).input(h, w).kernel(3, 3)
                .padsOnnx(1, 1, 1, 1).build();
    }

    @Test
    void takesTheInPlacePathOnlyForItsGeometry() {
        assertTrue(DepthwiseConv.inPlace3x3(Shape3.of(dw(1, 2, 1, 5, 16))));
        // Rows of 14 and 15 (narrower than 16 lanes) since session 6: the vector backend's flat run.
        assertTrue(DepthwiseConv.inPlace3x3(Shape3.of(dw(1, 2, 1, 5, 15))) == DepthwiseConv.NARROW_IN_PLACE);
        assertTrue(DepthwiseConv.inPlace3x3(Shape3.of(dw(1, 2, 1, 14, 14))) == DepthwiseConv.NARROW_IN_PLACE);
        assertTrue(!DepthwiseConv.inPlace3x3(Shape3.of(dw(1, 2, 1, 7, 7))));
        assertTrue(!DepthwiseConv.inPlace3x3(Shape3.of(ConvGeometry.builder().channels(2, 2).group(2).input(5, 20)
                .kernel(3, 3).strides(2, 2).padsOnnx(1, 1, 1, 1).build())));
        assertTrue(!DepthwiseConv.inPlace3x3(Shape3.of(ConvGeometry.builder().channels(2, 2).group(2).input(5, 20)
                .kernel(3, 3).padsOnnx(1, 1, 0, 0).build())));
    }

    @Test
    void randomAgainstTheReference() {
        long seed = 3400;
        for (int w : WIDTHS) {
            Random r = new Random(seed);
            int h = switch ((int) (seed % 4)) {
                case 0 -> 1;
                case 1 -> 2;
                case 2 -> 3;
                default -> 4 + r.nextInt(20);
            };
            ConvGeometry g = dw(1 + r.nextInt(2), 1 + r.nextInt(4), 1 + r.nextInt(2), h, w);
            ConvAlgorithmsTest.check("seed=" + seed, g, ConvAlgorithm.DEPTHWISE, r);
            seed++;
        }
    }

    /** Stride 2: even inputs take the in-place path, odd ones (outputs reaching the padding) must not. */
    @Test
    void strideTwoAgainstTheReference() {
        assertTrue(DepthwiseConv.inPlace3x3s2(Shape3.of(dw2(1, 1, 1, 6, 32))));
        assertTrue(!DepthwiseConv.inPlace3x3s2(Shape3.of(dw2(1, 1, 1, 6, 33))));
        assertTrue(DepthwiseConv.inPlace3x3s2(Shape3.of(dw2(1, 1, 1, 6, 30))) == DepthwiseConv.NARROW_IN_PLACE);
        // Session 9: output rows of 7 to 15 too (the vector backend's masked narrow strip), not 6 and below.
        assertTrue(DepthwiseConv.inPlace3x3s2(Shape3.of(dw2(1, 1, 1, 28, 28))) == DepthwiseConv.NARROW_IN_PLACE);
        assertTrue(DepthwiseConv.inPlace3x3s2(Shape3.of(dw2(1, 1, 1, 14, 14))) == DepthwiseConv.NARROW_IN_PLACE);
        assertTrue(!DepthwiseConv.inPlace3x3s2(Shape3.of(dw2(1, 1, 1, 12, 12))));
        long seed = 3500;
        for (int w : new int[] {2, 4, 8, 12, 14, 15, 16, 18, 20, 22, 28, 29, 30, 31, 32, 33, 34, 40, 48, 62, 64, 66,
                96, 112, 130}) {
            Random r = new Random(seed);
            int h = 1 + r.nextInt(12);
            ConvGeometry g = dw2(1 + r.nextInt(2), 1 + r.nextInt(4), 1 + r.nextInt(2), h, w);
            ConvAlgorithmsTest.check("seed=" + seed, g, ConvAlgorithm.DEPTHWISE, r);
            seed++;
        }
    }

    private static ConvGeometry dw2(int batch, int c, int mult, int h, int w) {
        return ConvGeometry.builder().batch(batch).channels(c, c * mult).group(c).input(h, w).kernel(3, 3)
                .strides(2, 2).padsOnnx(1, 1, 1, 1).build();
    }

    @Test
    void residualIsAddedBeforeTheActivation() {
        for (long seed = 3450; seed < 3456; seed++) {
            Random r = new Random(seed);
            int width = WIDTHS[r.nextInt(WIDTHS.length)];
            ConvGeometry g = seed % 2 == 0 ? dw(1, 2 + r.nextInt(3), 1, 2 + r.nextInt(9), width)
                    : dw2(1, 2 + r.nextInt(3), 1, 2 + 2 * r.nextInt(5), 2 * width);
            float[] w = random(r, g.weightLength());
            float[] bias = random(r, g.outChannels());
            float[] in = random(r, g.inputLength());
            float[] res = random(r, g.outputLength());
            Epilogue e = ConvCases.epilogue(r);
            float[] want = new float[g.outputLength()];
            ConvReference.conv(g, in, 0, w, 0, bias, e, want, 0, res, 0);
            for (Backend be : TestSupport.backends()) {
                ConvKernel k = Convolutions.prepare(g, w, 0, bias, e, ConvAlgorithm.DEPTHWISE, be);
                float[] out = new float[g.outputLength()];
                k.run(in, 0, out, 0, res, 0, Parallel.SERIAL);
                TestSupport.assertClose("seed=" + seed + " " + g + " " + e + " " + be.name(), 10, want, 0, out, 0,
                        g.outputLength());
            }
        }
    }

    /** Planes exactly filling their arrays (from index 0 to the end), and non-finite values beside the edges. */
    @Test
    void edgesReadNothingOutsideThePlane() {
        for (long seed = 3460; seed < 3470; seed++) {
            Random r = new Random(seed);
            int rows = 1 + r.nextInt(6);
            int cols = WIDTHS[r.nextInt(WIDTHS.length)];
            float[] coef = random(r, 9);
            float[] src = random(r, rows * cols);
            float[] want = new float[rows * cols];
            Kernels.scalar().depthwise3x3Plane(coef, 0, src, 0, rows, cols, 0.5f, Epilogue.NONE, want, 0);
            for (Backend be : TestSupport.backends()) {
                float[] out = new float[rows * cols];
                be.depthwise3x3Plane(coef, 0, src, 0, rows, cols, 0.5f, Epilogue.NONE, out, 0);
                TestSupport.assertClose("seed=" + seed + " " + rows + "x" + cols + " " + be.name(), 10, want, 0, out,
                        0, rows * cols);
            }
            // A plane between two rows of infinities and NaN: its padding must stay zero.
            float[] padded = new float[(rows + 2) * cols];
            Arrays.fill(padded, Float.POSITIVE_INFINITY);
            padded[cols - 1] = Float.NaN;
            padded[(rows + 1) * cols] = Float.NaN;
            System.arraycopy(src, 0, padded, cols, rows * cols);
            for (Backend be : TestSupport.backends()) {
                float[] out = new float[rows * cols];
                be.depthwise3x3Plane(coef, 0, padded, cols, rows, cols, 0.5f, Epilogue.NONE, out, 0);
                TestSupport.assertClose("seed=" + seed + " between infinities " + be.name(), 10, want, 0, out, 0,
                        rows * cols);
            }
        }
    }

    /** Stride 2 on planes exactly filling their arrays, odd input sizes included (2 out <= in). */
    @Test
    void strideTwoReadsNothingOutsideThePlane() {
        for (long seed = 3520; seed < 3540; seed++) {
            Random r = new Random(seed);
            int outRows = 1 + r.nextInt(5);
            // narrow rows (below, at and above 8 and 16 lanes: the masked strip) as often as the wide ones
            int outCols = r.nextBoolean() ? WIDTHS[r.nextInt(WIDTHS.length)] : 1 + r.nextInt(17);
            int inRows = 2 * outRows + r.nextInt(2);
            int inCols = 2 * outCols + r.nextInt(2);
            float[] coef = random(r, 9);
            float[] src = random(r, inRows * inCols);
            float[] want = new float[outRows * outCols];
            Kernels.scalar().depthwise3x3s2Plane(coef, 0, src, 0, inRows, inCols, outRows, outCols, -0.25f,
                    Epilogue.NONE, want, 0);
            ConvGeometry g = ConvGeometry.builder().channels(1, 1).group(1).input(inRows, inCols).kernel(3, 3)
                    .strides(2, 2).padsOnnx(1, 1, 0, 0).build();
            float[] ref = new float[g.outputLength()];
            ConvReference.conv(g, src, 0, coef, 0, new float[] {-0.25f}, Epilogue.NONE, ref, 0);
            // The reference's geometry has no bottom/right pad: its first outRows x outCols outputs are the plane's.
            float[] refCut = new float[outRows * outCols];
            for (int i = 0; i < outRows; i++) {
                System.arraycopy(ref, i * g.outputDim(1), refCut, i * outCols, outCols);
            }
            TestSupport.assertClose("seed=" + seed + " scalar vs reference", 10, refCut, 0, want, 0, want.length);
            for (Backend be : TestSupport.backends()) {
                float[] out = new float[outRows * outCols];
                be.depthwise3x3s2Plane(coef, 0, src, 0, inRows, inCols, outRows, outCols, -0.25f, Epilogue.NONE,
                        out, 0);
                TestSupport.assertClose("seed=" + seed + " " + inRows + "x" + inCols + " " + be.name(), 10, want, 0,
                        out, 0, want.length);
            }
        }
    }

    @Test
    void scalarLoopsMatchTheReference() {
        // The scalar backend's own loops against the double reference, so the comparison above has a sound base.
        Random r = new Random(3480);
        ConvGeometry g = dw(1, 1, 1, 7, 19);
        float[] w = random(r, 9);
        float[] in = random(r, g.inputLength());
        float[] want = new float[g.outputLength()];
        ConvReference.conv(g, in, 0, w, 0, null, Epilogue.NONE, want, 0);
        float[] out = new float[g.outputLength()];
        Kernels.scalar().depthwise3x3Plane(w, 0, in, 0, 7, 19, 0f, Epilogue.NONE, out, 0);
        TestSupport.assertClose("scalar loops", 10, want, 0, out, 0, g.outputLength());
    }
}
