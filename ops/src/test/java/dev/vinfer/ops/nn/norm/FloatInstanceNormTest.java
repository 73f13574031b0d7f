package dev.vinfer.ops.nn.norm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.ops.testing.TestContext;
import dev.vinfer.ops.nn.TwoThreadContext;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Tensor;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The float32 path of InstanceNormalization (with and without the fused ReLU) against the double reference path
 * (the same op on the input widened to float64): random seeded shapes of rank 3 to 5, planes with a large mean next
 * to their spread, a NaN in some planes, one and two threads, an input view at an offset. The two differ only in the
 * summation order of mean and variance; declared tolerance: {@code 1e-6 * (1 + |expected|)} (about 8 float ulps
 * of outputs of order 1).
 */
class FloatInstanceNormTest {

    @Test
    void randomShapesMatchTheDoublePath() {
        long seed = 9191L;
        Random r = new Random(seed);
        try (TwoThreadContext two = new TwoThreadContext()) {
            for (int trial = 0; trial < 150; trial++) {
                int rank = 3 + r.nextInt(3);
                int[] shape = new int[rank];
                shape[0] = 1 + r.nextInt(2);
                shape[1] = 1 + r.nextInt(12);
                for (int d = 2; d < rank; d++) {
                    shape[d] = 1 + r.nextInt(rank == 5 ? 7 : 45);
                }
                int c = shape[1];
                int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
                int inner = n / (shape[0] * c);
                int offset = r.nextInt(5);
                float[] backing = new float[offset + n];
                double center = r.nextInt(4) == 0 ? 1000 * r.nextGaussian() : r.nextGaussian();
                double spread = r.nextInt(4) == 0 ? 1e-2 : 2;
                for (int i = 0; i < n; i++) {
                    backing[offset + i] = (float) (center + spread * r.nextGaussian());
                }
                if (r.nextInt(5) == 0) {
                    backing[offset + r.nextInt(n)] = Float.NaN;
                }
                Tensor x = Tensor.wrap(DType.FLOAT32, backing, offset, shape);
                Tensor scale = random(r, c, -1.5, 1.5);
                Tensor bias = random(r, c, -0.5, 0.5);
                double eps = 1e-5 * (1 + r.nextInt(100));
                InstanceNormalizationOp op = new InstanceNormalizationOp(eps);
                if (r.nextBoolean()) {
                    op = op.withRelu();
                }
                double[] wide = new double[n];
                for (int i = 0; i < n; i++) {
                    wide[i] = x.getFloat(i);
                }
                Tensor ref = op.run(new TestContext(), new Tensor[] {Tensor.of(wide, shape), scale, bias})[0];
                String what = "seed " + seed + " trial " + trial + " " + op.opType() + " shape "
                        + Arrays.toString(shape) + " inner " + inner;
                for (OpContext ctx : new OpContext[] {new TestContext(), two}) {
                    Tensor y = op.run(ctx, new Tensor[] {x, scale, bias})[0];
                    assertEquals(DType.FLOAT32, y.dtype());
                    assertArrayEquals(shape, y.shape(), what);
                    for (int i = 0; i < n; i++) {
                        double want = ref.getDouble(i);
                        float got = y.getFloat(i);
                        if (Double.isNaN(want)) {
                            assertTrue(Float.isNaN(got), what + " element " + i + ": expected NaN, got " + got);
                        } else {
                            assertTrue(Math.abs(got - want) <= 1e-6 * (1 + Math.abs(want)),
                                    what + " element " + i + ": expected " + want + ", got " + got);
                        }
                    }
                }
            }
        }
    }

    /**
     * Plane sizes at the edges of the moment lanes and normalize chunks (one element, a lane block and one off, a
     * chunk and one off, several chunks with a ragged tail), out of place at different offsets and in place.
     */
    @Test
    void laneAndChunkEdgesOutOfPlaceAndInPlace() {
        long seed = 4711L;
        Random r = new Random(seed);
        int l = FloatInstanceNorm.LANES;
        int k = FloatInstanceNorm.CHUNK;
        for (int inner : new int[] {1, l - 1, l, l + 1, k - 1, k, k + 1, 2 * k + l + 3}) {
            for (boolean relu : new boolean[] {false, true}) {
                int planes = 3;
                int n = planes * inner;
                float[] x = new float[n + 7];
                double center = 100 * r.nextGaussian();
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) (center + r.nextGaussian());
                }
                double[] scale = {0.7, -1.2, 1.5};
                double[] bias = {0.1, -0.3, 0.2};
                double[] want = new double[n];
                for (int p = 0; p < planes; p++) {
                    double mean = 0;
                    for (int i = 0; i < inner; i++) {
                        mean += x[3 + p * inner + i];
                    }
                    mean /= inner;
                    double var = 0;
                    for (int i = 0; i < inner; i++) {
                        double d = x[3 + p * inner + i] - mean;
                        var += d * d;
                    }
                    double a = scale[p] / Math.sqrt(var / inner + 1e-5);
                    for (int i = 0; i < inner; i++) {
                        double v = (x[3 + p * inner + i] - mean) * a + bias[p];
                        want[p * inner + i] = relu ? Math.max(v, 0) : v;
                    }
                }
                float[] out = new float[n + 5];
                FloatInstanceNorm.run(x, 3, out, 5, planes, planes, inner, scale, bias, 1e-5, relu,
                        dev.vinfer.conv.Parallel.SERIAL);
                float[] inPlace = x.clone();
                FloatInstanceNorm.run(inPlace, 3, inPlace, 3, planes, planes, inner, scale, bias, 1e-5, relu,
                        dev.vinfer.conv.Parallel.SERIAL);
                for (int i = 0; i < n; i++) {
                    String what = "seed " + seed + " inner " + inner + " relu " + relu + " element " + i;
                    double tol = 1e-6 * (1 + Math.abs(want[i]));
                    assertTrue(Math.abs(out[5 + i] - want[i]) <= tol, what + ": expected " + want[i] + ", got "
                            + out[5 + i]);
                    assertEquals(out[5 + i], inPlace[3 + i], what + " (in place)");
                }
            }
        }
    }

    @Test
    void fusedReluIsNamedAndClampsNegatives() {
        InstanceNormalizationOp op = new InstanceNormalizationOp(1e-5).withRelu();
        assertEquals("InstanceNormalization+Relu", op.opType());
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 4);
        Tensor y = op.run(new TestContext(), new Tensor[] {x, Tensor.of(new float[] {1}, 1),
            Tensor.of(new float[] {0}, 1)})[0];
        assertEquals(0f, y.getFloat(0));
        assertEquals(0f, y.getFloat(1));
        assertTrue(y.getFloat(2) > 0 && y.getFloat(3) > y.getFloat(2));
    }

    private static Tensor random(Random r, int n, double lo, double hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return Tensor.of(a, n);
    }
}
