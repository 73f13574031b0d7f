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
