package dev.vinfer.quantization.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.conv.ConvGeometry;
import dev.vinfer.conv.Parallel;
import dev.vinfer.ops.conv.ConvAttributes;
import dev.vinfer.ops.conv.ConvPadding;
import dev.vinfer.quantization.simd.QuantKernels.Activation;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Tensor;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fused integer convolution against the plain int32 reference on random shapes: the accumulators must be
 * identical (including reductions long enough to need several exact blocks), and the requantized bytes within one
 * step of the double-precision reference (float32 requantization may flip a value sitting on a rounding tie).
 */
class QConvOpTest {

    @ParameterizedTest(name = "C{0} M{1} {2}x{2} k{3} s{4} p{5} d{6} g{7} {8} zx{9} perChannel={10}")
    @CsvSource({
        "16, 8, 9, 3, 1, 1, 1, 1, UINT8, 128, false",
        "600, 8, 5, 1, 1, 0, 1, 1, UINT8, 0, true",
        "200, 6, 6, 3, 1, 1, 1, 1, UINT8, 0, true",
        "12, 12, 11, 3, 2, 1, 1, 12, UINT8, 3, true",
        "8, 6, 10, 3, 1, 2, 2, 2, INT8, -3, false",
        "5, 7, 8, 5, 2, 2, 1, 1, INT8, 0, true",
        "3, 4, 13, 2, 3, 0, 1, 1, UINT8, 255, false"})
    void matchesIntegerReference(int c, int m, int size, int k, int stride, int pad, int dil, int group, DType xType,
            int xZero, boolean perChannel) {
        long seed = 1000L * c + m * 31L + k * 7L + group;
        Random r = new Random(seed);
        int n = 2;
        byte[] xb = new byte[n * c * size * size];
        r.nextBytes(xb);
        int cg = c / group;
        byte[] wb = new byte[m * cg * k * k];
        for (int i = 0; i < wb.length; i++) {
            wb[i] = (byte) (r.nextInt(255) - 127);
        }
        float[] wScales = new float[perChannel ? m : 1];
        int[] wZeros = new int[wScales.length];
        for (int i = 0; i < wScales.length; i++) {
            wScales[i] = 0.001f + r.nextFloat() * 0.01f;
        }
        float[] bias = new float[m];
        for (int i = 0; i < m; i++) {
            bias[i] = (float) r.nextGaussian();
        }
        QParams x = new QParams(0.02f, xZero, xType);
        QParams y = new QParams(0.05f + r.nextFloat() * 0.1f, 10, DType.UINT8);
        ConvAttributes attrs = new ConvAttributes(new int[] {k, k}, new int[] {stride, stride},
                new int[] {dil, dil}, ConvPadding.explicit(new int[] {pad, pad}, new int[] {pad, pad}), group,
                null, null);
        Activation relu = new Activation(0f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
        QConvOp op = new QConvOp(attrs, x, Tensor.ofBytes(DType.INT8, wb, m, cg, k, k), wScales, wZeros, bias, relu,
                y, "Conv+Relu(int8)");
        Tensor xt = Tensor.ofBytes(xType, xb, n, c, size, size);

        ConvGeometry g = ConvGeometry.of(n, c, m, group, new int[] {size, size}, new int[] {k, k},
                new int[] {stride, stride}, new int[] {dil, dil}, new int[] {pad, pad}, new int[] {pad, pad});
        int[] xc = new int[xb.length];
        for (int i = 0; i < xc.length; i++) {
            xc[i] = x.valueOf(xb[i]) - xZero;
        }
        int[] wc = new int[wb.length];
        for (int i = 0; i < wc.length; i++) {
            wc[i] = wb[i];
        }
        int[] ref = IntegerReference.conv(xc, wc, g);
        float[] acc = op.accumulate(xt, Parallel.SERIAL, "auto");
        float[] refF = new float[ref.length];
        for (int i = 0; i < ref.length; i++) {
            refF[i] = ref[i];
        }
        assertArrayEquals(refF, java.util.Arrays.copyOf(acc, refF.length), "accumulators, seed " + seed);
        long maxRowL1 = 0;
        int per = cg * k * k;
        for (int o = 0; o < m; o++) {
            long l1 = 0;
            for (int i = 0; i < per; i++) {
                l1 += Math.abs(wc[o * per + i]);
            }
            maxRowL1 = Math.max(maxRowL1, l1);
        }
        if (maxRowL1 * x.maxCentered() > (1 << 24) && group == 1) {
            assertTrue(op.blocks(xt.shape()) > 1, "long reduction split into exact blocks");
        }

        Tensor out = op.run(ConstantContext.INSTANCE, new Tensor[] {xt})[0];
        int outPlane = out.size() / (n * m);
        int exact = 0;
        for (int i = 0; i < ref.length; i++) {
            int ch = (i / outPlane) % m;
            double mult = (double) x.scale() * wScales[perChannel ? ch : 0] / y.scale();
            int want = IntegerReference.requantize(ref[i], mult, bias[ch] / y.scale(), 0f,
                    Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, y);
            int got = y.valueOf(out.bytes()[i]);
            assertTrue(Math.abs(got - want) <= 1, "element " + i + ": " + got + " vs " + want + ", seed " + seed);
            exact += got == want ? 1 : 0;
        }
        assertTrue(exact >= 0.99 * ref.length, "exact " + exact + " of " + ref.length + ", seed " + seed);
    }

    /**
     * A 3x3 stride-1 convolution with enough channels runs on the engine's Winograd kernel (as float32 does): not
     * exact, so the requantized bytes are checked against the int32 reference within one step on at most 1% of the
     * outputs (in practice far fewer), for several seeds.
     */
    @org.junit.jupiter.api.Test
    void winogradWithinOneStepOfExact() {
        for (long seed = 1; seed <= 3; seed++) {
            Random r = new Random(seed);
            int c = 32;
            int m = 48;
            int size = 14;
            byte[] xb = new byte[c * size * size];
            r.nextBytes(xb);
            byte[] wb = new byte[m * c * 9];
            for (int i = 0; i < wb.length; i++) {
                wb[i] = (byte) (r.nextInt(255) - 127);
            }
            float[] wScales = new float[m];
            for (int i = 0; i < m; i++) {
                wScales[i] = 0.0005f + r.nextFloat() * 0.001f;
            }
            QParams x = new QParams(0.02f, 128, DType.UINT8);
            QParams y = new QParams(0.05f, 128, DType.UINT8);
            ConvAttributes attrs = new ConvAttributes(new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
                    ConvPadding.explicit(new int[] {1, 1}, new int[] {1, 1}), 1, null, null);
            QConvOp op = new QConvOp(attrs, x, Tensor.ofBytes(DType.INT8, wb, m, c, 3, 3), wScales, new int[m], null,
                    Activation.NONE, y, "Conv(int8)");
            Tensor xt = Tensor.ofBytes(DType.UINT8, xb, 1, c, size, size);
            Tensor out = op.run(ConstantContext.INSTANCE, new Tensor[] {xt})[0];
            assertTrue(!QConvOp.WINOGRAD || op.describe().contains("winograd"), op.describe());
            ConvGeometry g = ConvGeometry.of(1, c, m, 1, new int[] {size, size}, new int[] {3, 3},
                    new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1});
            int[] xc = new int[xb.length];
            for (int i = 0; i < xc.length; i++) {
                xc[i] = (xb[i] & 0xFF) - 128;
            }
            int[] wc = new int[wb.length];
            for (int i = 0; i < wc.length; i++) {
                wc[i] = wb[i];
            }
            int[] ref = IntegerReference.conv(xc, wc, g);
            int outPlane = size * size;
            int exact = 0;
            for (int i = 0; i < ref.length; i++) {
                double mult = (double) x.scale() * wScales[i / outPlane] / y.scale();
                int want = IntegerReference.requantize(ref[i], mult, 0, 1f, Float.NEGATIVE_INFINITY,
                        Float.POSITIVE_INFINITY, y);
                int got = y.valueOf(out.bytes()[i]);
                assertTrue(Math.abs(got - want) <= 1, "element " + i + ": " + got + " vs " + want + ", seed " + seed);
                exact += got == want ? 1 : 0;
            }
            System.out.printf("int8 Winograd seed %d: %d of %d outputs exact%n", seed, exact, ref.length);
            assertTrue(exact >= 0.99 * ref.length, "exact " + exact + " of " + ref.length + ", seed " + seed);
        }
    }
}
