package dev.vinfer.ops.nn.norm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vinfer.ops.testing.TestContext;
import dev.vinfer.ops.nn.TwoThreadContext;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Tensor;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The float32 path of inference BatchNormalization gives bit-identical results to the reference computation
 * (the same op on the input widened to float64, then rounded to float): random seeded shapes of rank 2 to 5,
 * random statistics, special values in the input, one and two threads, and an input that is a view at an offset.
 */
class FloatBatchNormTest {

    @Test
    void randomShapesMatchTheDoublePathBitForBit() {
        long seed = 4242L;
        Random r = new Random(seed);
        try (TwoThreadContext two = new TwoThreadContext()) {
            for (int trial = 0; trial < 200; trial++) {
                int rank = 2 + r.nextInt(4);
                int[] shape = new int[rank];
                shape[0] = 1 + r.nextInt(2);
                shape[1] = 1 + r.nextInt(24);
                for (int d = 2; d < rank; d++) {
                    shape[d] = 1 + r.nextInt(rank == 5 ? 6 : 40);
                }
                int c = shape[1];
                int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
                int offset = r.nextInt(5);
                float[] backing = new float[offset + n];
                for (int i = 0; i < n; i++) {
                    int pick = r.nextInt(100);
                    backing[offset + i] = pick == 0 ? Float.NaN : pick == 1 ? Float.NEGATIVE_INFINITY
                            : pick == 2 ? -0f : (float) (3 * r.nextGaussian());
                }
                Tensor x = Tensor.wrap(DType.FLOAT32, backing, offset, shape);
                Tensor[] params = {random(r, c, 0.5, 1.5), random(r, c, -0.5, 0.5), random(r, c, -1, 1),
                    random(r, c, 0.1, 3)};
                double eps = 1e-5 * (1 + r.nextInt(100));
                BatchNormalizationOp op = BatchNormalizationOp.inference(eps);

                double[] wide = new double[n];
                for (int i = 0; i < n; i++) {
                    wide[i] = x.getFloat(i);
                }
                Tensor ref = op.run(new TestContext(), inputs(Tensor.of(wide, shape), params))[0];
                String what = "seed " + seed + " trial " + trial + " shape " + Arrays.toString(shape);
                for (OpContext ctx : new OpContext[] {new TestContext(), two}) {
                    Tensor y = op.run(ctx, inputs(x, params))[0];
                    assertArrayEquals(shape, y.shape(), what);
                    for (int i = 0; i < n; i++) {
                        assertEquals(Float.floatToIntBits((float) ref.getDouble(i)), Float.floatToIntBits(y.getFloat(i)),
                                what + " element " + i);
                    }
                }
            }
        }
    }

    /** With a fused Relu, each value is the plain op's followed by Relu's {@code max(y, 0)}, bit for bit. */
    @Test
    void aFusedReluIsTheMaxOfThePlainResult() {
        long seed = 4343L;
        Random r = new Random(seed);
        for (int trial = 0; trial < 50; trial++) {
            int[] shape = {1 + r.nextInt(2), 1 + r.nextInt(20), 1 + r.nextInt(9), 1 + r.nextInt(9)};
            int c = shape[1];
            int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                int pick = r.nextInt(50);
                v[i] = pick == 0 ? Float.NaN : pick == 1 ? -0f : (float) (3 * r.nextGaussian());
            }
            Tensor x = Tensor.of(v, shape);
            Tensor[] params = {random(r, c, 0.5, 1.5), random(r, c, -0.5, 0.5), random(r, c, -1, 1),
                random(r, c, 0.1, 3)};
            BatchNormalizationOp plain = BatchNormalizationOp.inference(1e-5);
            BatchNormalizationOp fused = plain.withRelu();
            Tensor y = plain.run(new TestContext(), inputs(x, params))[0];
            Tensor z = fused.run(new TestContext(), inputs(x, params))[0];
            for (int i = 0; i < n; i++) {
                assertEquals(Float.floatToIntBits(Math.max(y.getFloat(i), 0f)), Float.floatToIntBits(z.getFloat(i)),
                        "seed " + seed + " trial " + trial + " element " + i);
            }
        }
    }

    private static Tensor[] inputs(Tensor x, Tensor[] params) {
        return new Tensor[] {x, params[0], params[1], params[2], params[3]};
    }

    private static Tensor random(Random r, int n, double lo, double hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return Tensor.of(a, n);
    }
}
