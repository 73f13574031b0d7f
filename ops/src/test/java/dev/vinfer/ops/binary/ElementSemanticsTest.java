package dev.vinfer.ops.binary;

import dev.vinfer.ops.testing.TestContext;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import org.junit.jupiter.api.Test;

/** Integer, unsigned and conversion semantics that the ONNX node tests cover only partly. */
class ElementSemanticsTest {

    private static Tensor typed(DType t, long... values) {
        Tensor x = Tensor.zeros(t, values.length);
        for (int i = 0; i < values.length; i++) {
            x.setLong(i, values[i]);
        }
        return x;
    }

    @Test
    void integerDivTruncatesAndModTakesDivisorSign() {
        Tensor a = typed(DType.INT32, -7, 7, -7, 7);
        Tensor b = typed(DType.INT32, 2, -2, -2, 2);
        assertArrayEquals(new long[] {-3, -3, 3, 3},
                TestContext.run(new ArithmeticOp("Div", Arithmetic.DIV), a, b).toLongArray());
        assertArrayEquals(new long[] {1, -1, -1, 1},
                TestContext.run(new ArithmeticOp("Mod", Arithmetic.MOD), a, b).toLongArray());
        assertArrayEquals(new long[] {-1, 1, -1, 1},
                TestContext.run(new ArithmeticOp("Mod", Arithmetic.FMOD), a, b).toLongArray());
        assertThrows(VinferException.class, () -> TestContext.run(new ArithmeticOp("Div", Arithmetic.DIV), a,
                typed(DType.INT32, 1, 0, 1, 1)));
    }

    @Test
    void narrowIntegersWrapAndUint64IsUnsigned() {
        Tensor sum = TestContext.run(new ArithmeticOp("Add", Arithmetic.ADD), typed(DType.INT8, 127),
                typed(DType.INT8, 1));
        assertEquals(-128, sum.getLong(0));
        Tensor big = typed(DType.UINT64, -2L, 5); // -2L is 2^64 - 2
        Tensor small = typed(DType.UINT64, 2, 7);
        assertEquals(Long.MAX_VALUE, TestContext.run(new ArithmeticOp("Div", Arithmetic.DIV), big, small).getLong(0));
        assertEquals(-2L, TestContext.run(new ArithmeticOp("Max", Arithmetic.MAX), big, small).getLong(0));
        Tensor greater = TestContext.run(new CompareOp("Greater", Comparison.GREATER), big, small);
        assertArrayEquals(new long[] {1, 0}, greater.toLongArray());
    }

    @Test
    void variadicOpsBroadcastAcrossAllInputs() {
        Tensor a = Tensor.of(new float[] {1, 2, 3}, 3, 1);
        Tensor b = Tensor.of(new float[] {10, 20}, 2);
        Tensor c = Tensor.scalar(100f);
        Tensor sum = TestContext.run(new ArithmeticOp("Sum", Arithmetic.ADD), a, b, c);
        assertArrayEquals(new int[] {3, 2}, sum.shape());
        assertArrayEquals(new float[] {111, 121, 112, 122, 113, 123}, sum.toFloatArray());
        Tensor mean = TestContext.run(ArithmeticOp.mean(), a, b, c);
        assertEquals(37f, mean.getFloat(0), 1e-5f);
        Tensor max = TestContext.run(new ArithmeticOp("Max", Arithmetic.MAX), Tensor.of(new float[] {1, Float.NaN}, 2),
                Tensor.of(new float[] {Float.NaN, 0}, 2));
        assertArrayEquals(new float[] {Float.NaN, Float.NaN}, max.toFloatArray());
    }

    @Test
    void legacyAxisAlignsSecondInput() {
        Tensor a = Tensor.zeros(DType.FLOAT32, 2, 3, 2);
        Tensor b = Tensor.of(new float[] {1, 2, 3}, 3);
        Tensor out = TestContext.run(ArithmeticOp.legacy("Add", Arithmetic.ADD, 1), a, b);
        assertArrayEquals(new float[] {1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3}, out.toFloatArray());
    }

    @Test
    void integerPowWrapsAndTruncatesNegativeExponents() {
        assertEquals(729, PowOp.integerPow(3, 6));
        assertEquals(0, PowOp.integerPow(2, 64));
        assertEquals(-1, PowOp.integerPow(-1, -3));
        assertEquals(0, PowOp.integerPow(2, -1));
        Tensor p = TestContext.run(new PowOp(), typed(DType.INT32, 2, 3), Tensor.of(new float[] {0.5f, 2}, 2));
        assertArrayEquals(new long[] {1, 9}, p.toLongArray());
    }

    @Test
    void castConversions() {
        Tensor f = Tensor.of(new float[] {-2.7f, 300f, Float.NaN, 0f}, 4);
        assertArrayEquals(new long[] {-2, 300, 0, 0}, TestContext.run(CastOp.to(DType.INT32), f).toLongArray());
        assertArrayEquals(new long[] {254, 44, 0, 0}, TestContext.run(CastOp.to(DType.UINT8), f).toLongArray());
        assertArrayEquals(new long[] {1, 1, 1, 0}, TestContext.run(CastOp.to(DType.BOOL), f).toLongArray());
        Tensor u = typed(DType.UINT64, -1L);
        assertEquals(1.8446744073709552E19, TestContext.run(CastOp.to(DType.FLOAT64), u).getDouble(0));
        long odd = (1L << 40) + 1;
        assertEquals((float) odd, TestContext.run(CastOp.to(DType.FLOAT32), Tensor.of(new long[] {odd}, 1))
                .getFloat(0));
        assertSame(f, TestContext.run(CastOp.like(), f, Tensor.zeros(DType.FLOAT32, 0)));
    }
}
