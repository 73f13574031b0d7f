package dev.vinfer.quantization.exec;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.quantization.simd.QuantKernels.Activation;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Tensor;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fused integer MatMul/Gemm against the int32 reference on random shapes, including reductions long enough to
 * run in several exact blocks: requantized bytes within one step of the double-precision reference, almost all
 * identical.
 */
class QMatMulOpTest {

    @ParameterizedTest(name = "rows {0} K {1} N {2} {3} perColumn={4}")
    @CsvSource({"1, 64, 10, UINT8, false", "7, 3000, 33, UINT8, true", "3, 5000, 17, INT8, true",
        "16, 200, 1, UINT8, false"})
    void matchesIntegerReference(int rows, int k, int n, DType aType, boolean perColumn) {
        long seed = rows * 7919L + k * 31L + n;
        Random r = new Random(seed);
        byte[] ab = new byte[rows * k];
        r.nextBytes(ab);
        byte[] bb = new byte[k * n];
        for (int i = 0; i < bb.length; i++) {
            bb[i] = (byte) (r.nextInt(255) - 127);
        }
        float[] scales = new float[perColumn ? n : 1];
        for (int i = 0; i < scales.length; i++) {
            scales[i] = 0.0005f + r.nextFloat() * 0.001f;
        }
        float[] bias = new float[n];
        for (int i = 0; i < n; i++) {
            bias[i] = (float) r.nextGaussian();
        }
        int aZero = aType == DType.UINT8 ? 0 : -5;
        QParams a = new QParams(0.01f, aZero, aType);
        QParams y = new QParams(0.2f + r.nextFloat(), 128, DType.UINT8);
        float alpha = 0.75f;
        QMatMulOp op = new QMatMulOp(a, Tensor.ofBytes(DType.INT8, bb, k, n), scales, new int[scales.length], bias,
                alpha, Activation.NONE, y, "Gemm(int8)");
        Tensor out = op.run(ConstantContext.INSTANCE, new Tensor[] {Tensor.ofBytes(aType, ab, rows, k)})[0];

        int[] ac = new int[ab.length];
        for (int i = 0; i < ac.length; i++) {
            ac[i] = a.valueOf(ab[i]) - aZero;
        }
        int[] bc = new int[bb.length];
        for (int i = 0; i < bc.length; i++) {
            bc[i] = bb[i];
        }
        int[] ref = IntegerReference.matmul(ac, bc, rows, k, n);
        float[] acc = op.accumulate(Tensor.ofBytes(aType, ab, rows, k), dev.vinfer.conv.Parallel.SERIAL);
        for (int i = 0; i < ref.length; i++) {
            assertTrue(acc[i] == (float) ref[i], "accumulator " + i + ": " + acc[i] + " vs " + ref[i] + ", seed "
                    + seed);
        }
        int exact = 0;
        for (int i = 0; i < ref.length; i++) {
            int c = i % n;
            double mult = (double) alpha * a.scale() * scales[perColumn ? c : 0] / y.scale();
            int want = IntegerReference.requantize(ref[i], mult, bias[c] / y.scale(), 1f, Float.NEGATIVE_INFINITY,
                    Float.POSITIVE_INFINITY, y);
            int got = y.valueOf(out.bytes()[i]);
            assertTrue(Math.abs(got - want) <= 1, "element " + i + ": " + got + " vs " + want + ", seed " + seed);
            exact += got == want ? 1 : 0;
        }
        assertTrue(exact >= 0.98 * ref.length, exact + " of " + ref.length + " exact, seed " + seed);
    }
}
