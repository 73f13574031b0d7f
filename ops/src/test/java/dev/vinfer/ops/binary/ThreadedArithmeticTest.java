package dev.vinfer.ops.binary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vinfer.ops.nn.TwoThreadContext;
import dev.vinfer.ops.testing.TestContext;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Large float32 element-wise ops split into row pieces across two threads give bit for bit the single-threaded
 * result: random seeded shapes above the threading threshold, equal shapes, a per-channel operand, a scalar on
 * either side, a broadcast row, and a variadic Sum (later inputs combined in place); inputs at offsets.
 */
class ThreadedArithmeticTest {

    @Test
    void twoThreadsMatchOneThread() {
        long seed = 77031L;
        Random r = new Random(seed);
        Arithmetic[] ops = {Arithmetic.ADD, Arithmetic.SUB, Arithmetic.MUL, Arithmetic.DIV, Arithmetic.MAX};
        try (TwoThreadContext two = new TwoThreadContext()) {
            for (int trial = 0; trial < 16; trial++) {
                int c = 1 + r.nextInt(5);
                int h = 100 + r.nextInt(300);
                int w = 100 + r.nextInt(300);
                int[] big = {1, c, h, w};
                int[][] others = {big, {1, c, 1, 1}, {1}, {w}, {1, 1, h, 1}};
                int[] other = others[trial % others.length];
                boolean swap = r.nextBoolean();
                Tensor a = random(r, big);
                Tensor b = random(r, other);
                Arithmetic f = ops[r.nextInt(ops.length)];
                ArithmeticOp op = new ArithmeticOp("Op", f);
                Tensor[] in = swap ? new Tensor[] {b, a} : new Tensor[] {a, b};
                if (trial % 4 == 3) {
                    op = new ArithmeticOp("Sum", Arithmetic.ADD);
                    in = new Tensor[] {a, b, random(r, big)};
                }
                String what = "seed " + seed + " trial " + trial + " " + f + " " + java.util.Arrays.toString(other);
                Tensor want = op.run(new TestContext(), in)[0];
                Tensor got = op.run(two, in)[0];
                assertArrayEquals(want.shape(), got.shape(), what);
                for (int i = 0; i < want.size(); i++) {
                    assertEquals(Float.floatToRawIntBits(want.getFloat(i)), Float.floatToRawIntBits(got.getFloat(i)),
                            what + " element " + i);
                }
            }
        }
    }

    /**
     * Equal-shape Add and Sub (the vectorized copy-and-axpy path) against the element-wise definition, bit for bit,
     * with special values, out of place and into a buffer that is one of the inputs (a = a + b, b = a + b).
     */
    @Test
    void addAndSubMatchTheElementDefinition() {
        long seed = 77032L;
        Random r = new Random(seed);
        float[] special = {Float.NaN, 0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE,
            Float.MAX_VALUE, 1e-30f};
        for (int trial = 0; trial < 30; trial++) {
            int n = trial < 5 ? 60 + trial : 1 + r.nextInt(3000);
            float[] a = new float[n + 3];
            float[] b = new float[n + 5];
            for (int i = 0; i < a.length; i++) {
                a[i] = r.nextInt(10) == 0 ? special[r.nextInt(special.length)] : (float) r.nextGaussian();
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = r.nextInt(10) == 0 ? special[r.nextInt(special.length)] : (float) r.nextGaussian();
            }
            for (Arithmetic f : new Arithmetic[] {Arithmetic.ADD, Arithmetic.SUB}) {
                String what = "seed " + seed + " trial " + trial + " " + f;
                float[] o = new float[n + 1];
                FloatRowKernels.row(f, a, 3, 1, b, 5, 1, o, 1, n);
                float[] inA = a.clone();
                FloatRowKernels.row(f, inA, 3, 1, b, 5, 1, inA, 3, n);
                float[] inB = b.clone();
                FloatRowKernels.row(f, a, 3, 1, inB, 5, 1, inB, 5, n);
                for (int i = 0; i < n; i++) {
                    float want = f == Arithmetic.ADD ? a[3 + i] + b[5 + i] : a[3 + i] - b[5 + i];
                    assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(o[1 + i]), what + " element " + i);
                    assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(inA[3 + i]), what + " a in place");
                    assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(inB[5 + i]), what + " b in place");
                }
            }
        }
    }

    private static Tensor random(Random r, int[] shape) {
        int n = java.util.Arrays.stream(shape).reduce(1, (x, y) -> x * y);
        int off = r.nextInt(4);
        float[] d = new float[off + n];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextGaussian() + 0.1f;
        }
        return Tensor.wrap(DType.FLOAT32, d, off, shape);
    }
}
