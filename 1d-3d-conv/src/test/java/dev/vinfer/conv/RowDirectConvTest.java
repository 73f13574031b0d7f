package dev.vinfer.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ConvAlgorithm#ROW_DIRECT} against {@link ConvReference} (through {@link ConvAlgorithmsTest#check}: every
 * backend, serial and parallel, random epilogues, NaN-filled outputs) on random geometries, seed in every message:
 * rank 1 and 2, odd kernels 1-9, dilations, pads from none ("valid") through "same" to beyond the reach, channel
 * counts around the kernel's 4-channel block, row lengths around the 4-vector block, batches.
 */
class RowDirectConvTest {

    private static ConvGeometry same(Random r, int rank) {
        int[] in = new int[rank];
        int[] k = new int[rank];
        int[] d = new int[rank];
        int[] p = new int[rank];
        int[] e = new int[rank];
        for (int i = 0; i < rank; i++) {
            k[i] = 1 + 2 * r.nextInt(5);
            d[i] = r.nextInt(4) == 0 ? 2 : 1;
            int reach = k[i] / 2 * d[i];
            // half "same", the rest anything from no padding to one beyond the reach, uneven
            p[i] = r.nextBoolean() ? reach : r.nextInt(reach + 2);
            e[i] = r.nextBoolean() ? p[i] : r.nextInt(reach + 2);
            in[i] = Math.max(1, 2 * reach + 1 - p[i] - e[i]) + r.nextInt(i == rank - 1 ? 80 : 12);
        }
        return ConvGeometry.builder().batch(1 + r.nextInt(2)).channels(1 + r.nextInt(6), 1 + r.nextInt(9)).input(in)
                .kernel(k).dilations(d).pads(p, e).build();
    }

    @Test
    void randomSameGeometries() {
        for (long seed = 5000; seed < 5050; seed++) {
            Random r = new Random(seed);
            ConvGeometry g = same(r, 1 + (int) (seed % 2));
            assertTrue(ConvAlgorithm.ROW_DIRECT.supports(g), g.toString());
            ConvAlgorithmsTest.check("seed=" + seed, g, ConvAlgorithm.ROW_DIRECT, r);
        }
    }

    /**
     * The style-transfer shapes, shrunk: 9x9 stem 3 -> 16 and head 16 -> 3 ("same"), the head after an explicit Pad
     * ("valid"), rows of 64 and 65 (vector edges).
     */
    @Test
    void styleTransferShapes() {
        long seed = 5100;
        for (int w : new int[] {64, 65}) {
            ConvAlgorithmsTest.check("seed=" + seed, ConvGeometry.builder().channels(3, 16).input(11, w).kernel(9, 9)
                    .padsOnnx(4, 4, 4, 4).build(), ConvAlgorithm.ROW_DIRECT, new Random(seed++));
            ConvAlgorithmsTest.check("seed=" + seed, ConvGeometry.builder().channels(16, 3).input(9, w).kernel(9, 9)
                    .padsOnnx(4, 4, 4, 4).build(), ConvAlgorithm.ROW_DIRECT, new Random(seed++));
            ConvAlgorithmsTest.check("seed=" + seed, ConvGeometry.builder().channels(16, 3).input(17, w + 8)
                    .kernel(9, 9).build(), ConvAlgorithm.ROW_DIRECT, new Random(seed++));
        }
    }

    @Test
    void declinesOtherGeometries() {
        ConvGeometry.Builder base = ConvGeometry.builder().channels(4, 4).input(10, 10).kernel(3, 3);
        assertTrue(ConvAlgorithm.ROW_DIRECT.supports(base.padsOnnx(1, 1, 1, 1).build()));
        assertTrue(ConvAlgorithm.ROW_DIRECT.supports(base.padsOnnx(0, 1, 2, 1).build()), "uneven pads");
        assertFalse(ConvAlgorithm.ROW_DIRECT.supports(ConvGeometry.builder().channels(4, 4).input(10, 10)
                .kernel(3, 3).strides(2, 2).padsOnnx(1, 1, 1, 1).build()), "stride");
        assertFalse(ConvAlgorithm.ROW_DIRECT.supports(ConvGeometry.builder().channels(4, 4).group(2).input(10, 10)
                .kernel(3, 3).padsOnnx(1, 1, 1, 1).build()), "groups");
        assertFalse(ConvAlgorithm.ROW_DIRECT.supports(ConvGeometry.builder().channels(4, 4).input(10, 10)
                .kernel(2, 2).padsOnnx(1, 1, 0, 0).build()), "even kernel");
        assertFalse(ConvAlgorithm.ROW_DIRECT.supports(ConvGeometry.builder().channels(4, 4).input(5, 5, 5)
                .kernel(3, 3, 3).padsOnnx(1, 1, 1, 1, 1, 1).build()), "3-D");
    }

    /** A ReLU epilogue with a residual: the sum comes before the ReLU (the kernel's ReLU store is not used). */
    @Test
    void residualBeforeRelu() {
        Random r = new Random(5200);
        ConvGeometry g = ConvGeometry.builder().channels(5, 6).input(7, 40).kernel(5, 5).padsOnnx(2, 2, 2, 2).build();
        float[] w = TestSupport.random(r, g.weightLength());
        float[] in = TestSupport.random(r, g.inputLength());
        float[] res = TestSupport.random(r, g.outputLength());
        float[] want = new float[g.outputLength()];
        ConvReference.conv(g, in, 0, w, 0, null, Epilogue.NONE, want, 0);
        for (int i = 0; i < want.length; i++) {
            want[i] = Math.max(0f, want[i] + res[i]);
        }
        for (Backend be : TestSupport.backends()) {
            ConvKernel k = Convolutions.prepare(g, w, 0, null, Epilogue.RELU, ConvAlgorithm.ROW_DIRECT, be);
            assertEquals(ConvAlgorithm.ROW_DIRECT, k.algorithm());
            float[] out = new float[g.outputLength()];
            k.run(in, 0, out, 0, res, 0, TestSupport.POOL);
            TestSupport.assertClose("seed=5200 " + be.name(), g.reductionLength(), want, 0, out, 0, out.length);
        }
    }

    /**
     * A kernel keeps its layouts from one call to the next: a second run on other data (same-padded and valid
     * geometries, so the input layout's border is both zero padding and data) must match the reference exactly as
     * the first did, with nothing of the first input or output carried over.
     */
    @Test
    void secondRunCarriesNothingOver() {
        Random r = new Random(5300);
        ConvGeometry[] shapes = {
            ConvGeometry.builder().channels(3, 5).input(9, 33).kernel(5, 5).padsOnnx(2, 2, 2, 2).build(),
            ConvGeometry.builder().channels(4, 3).input(13, 37).kernel(7, 7).build(),
            ConvGeometry.builder().channels(2, 6).input(41).kernel(9).padsOnnx(1, 3).build()};
        for (ConvGeometry g : shapes) {
            float[] w = TestSupport.random(r, g.weightLength());
            for (Backend be : TestSupport.backends()) {
                ConvKernel k = Convolutions.prepare(g, w, 0, null, Epilogue.NONE, ConvAlgorithm.ROW_DIRECT, be);
                for (int run = 0; run < 2; run++) {
                    float[] in = TestSupport.random(r, g.inputLength());
                    float[] want = new float[g.outputLength()];
                    ConvReference.conv(g, in, 0, w, 0, null, Epilogue.NONE, want, 0);
                    float[] out = new float[g.outputLength()];
                    java.util.Arrays.fill(out, Float.NaN);
                    k.run(in, 0, out, 0, null, 0, TestSupport.POOL);
                    TestSupport.assertClose("seed=5300 run " + run + " " + g + " " + be.name(), g.reductionLength(),
                            want, 0, out, 0, out.length);
                }
            }
        }
    }
}
