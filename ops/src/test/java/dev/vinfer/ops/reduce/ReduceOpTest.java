package dev.vinfer.ops.reduce;

import dev.vinfer.ops.testing.TestContext;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Tensor;
import org.junit.jupiter.api.Test;

class ReduceOpTest {
    private static Tensor run(ReduceOp op, Tensor... inputs) {
        return op.run(new TestContext(), inputs)[0];
    }

    @Test
    void integerMaxOfEmptySetIsTheDtypeMinimum() {
        Tensor x = Tensor.of(new int[0], 2, 0);
        Tensor y = run(new ReduceOp(ReduceOp.Kind.MAX, new long[] {1}, false, false), x);
        assertArrayEquals(new int[] {2}, y.shape());
        assertArrayEquals(new int[] {Integer.MIN_VALUE, Integer.MIN_VALUE}, y.toIntArray());
    }

    @Test
    void int8SumWrapsToItsWidth() {
        Tensor x = Tensor.ofBytes(DType.INT8, new byte[] {100, 100}, 2);
        Tensor y = run(new ReduceOp(ReduceOp.Kind.SUM, null, true, false), x);
        assertEquals((byte) 200, y.getLong(0));
    }

    @Test
    void logSumExpDoesNotOverflowForLargeInputs() {
        Tensor x = Tensor.of(new float[] {1000f, 1000f}, 2);
        Tensor y = run(new ReduceOp(ReduceOp.Kind.LOG_SUM_EXP, null, false, false), x);
        assertEquals(1000 + Math.log(2), y.getDouble(0), 1e-3);
    }

    @Test
    void reducesNonAdjacentAxes() {
        // shape [2,2,2], values 0..7; summing axes 0 and 2 leaves axis 1: {0+1+4+5, 2+3+6+7}
        Tensor x = Tensor.of(new float[] {0, 1, 2, 3, 4, 5, 6, 7}, 2, 2, 2);
        Tensor y = run(new ReduceOp(ReduceOp.Kind.SUM, null, true, false), x, Tensor.of(new long[] {0, -1}, 2));
        assertArrayEquals(new int[] {1, 2, 1}, y.shape());
        assertArrayEquals(new float[] {10, 18}, y.toFloatArray());
    }

    @Test
    void emptyAxesWithNoopReturnsTheInput() {
        Tensor x = Tensor.of(new float[] {1, 2}, 2);
        assertSame(x, run(new ReduceOp(ReduceOp.Kind.SUM, null, true, true), x, Tensor.of(new long[0], 0)));
    }

    @Test
    void uint64MinComparesUnsigned() {
        Tensor x = Tensor.zeros(DType.UINT64, 2);
        x.setLong(0, -1L); // 2^64 - 1
        x.setLong(1, 5L);
        Tensor y = run(new ReduceOp(ReduceOp.Kind.MIN, null, false, false), x);
        assertEquals(5L, y.getLong(0));
    }

    /**
     * Float32 reductions over the trailing axes take a contiguous path; they must equal the general walk, which the
     * same op takes for the values widened to float64, once rounded to float (seeded shapes and every kind).
     */
    @Test
    void trailingAxesEqualTheGeneralWalk() {
        long seed = 616L;
        java.util.Random r = new java.util.Random(seed);
        for (ReduceOp.Kind kind : ReduceOp.Kind.values()) {
            for (int trial = 0; trial < 20; trial++) {
                int rank = 1 + r.nextInt(4);
                int[] shape = new int[rank];
                for (int d = 0; d < rank; d++) {
                    shape[d] = 1 + r.nextInt(6);
                }
                int first = r.nextInt(rank);
                long[] axes = new long[rank - first];
                for (int a = first; a < rank; a++) {
                    axes[a - first] = a;
                }
                int n = dev.vinfer.runtime.Shapes.size(shape);
                float[] v = new float[n];
                double[] w = new double[n];
                for (int i = 0; i < n; i++) {
                    v[i] = kind == ReduceOp.Kind.LOG_SUM || kind == ReduceOp.Kind.PROD ? 0.5f + r.nextFloat()
                            : (float) r.nextGaussian();
                    w[i] = v[i];
                }
                ReduceOp op = new ReduceOp(kind, axes, r.nextBoolean(), false);
                Tensor got = op.run(new TestContext(), new Tensor[] {Tensor.of(v, shape)})[0];
                Tensor want = op.run(new TestContext(), new Tensor[] {Tensor.of(w, shape)})[0];
                String what = kind + " seed " + seed + " trial " + trial + " shape " + java.util.Arrays.toString(shape)
                        + " from axis " + first;
                assertArrayEquals(want.shape(), got.shape(), what);
                for (int o = 0; o < got.size(); o++) {
                    assertEquals(Float.floatToIntBits((float) want.getDouble(o)), Float.floatToIntBits(got.getFloat(o)),
                            what + " output " + o);
                }
            }
        }
    }
}
