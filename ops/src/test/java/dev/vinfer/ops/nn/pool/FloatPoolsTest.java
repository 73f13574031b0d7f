package dev.vinfer.ops.nn.pool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.ops.nn.TwoThreadContext;
import dev.vinfer.ops.testing.TestContext;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The float32 (vectorized, float-accumulating) paths of AveragePool and the global pools against their float64
 * paths (plain loops in double) on the same values: random seeded geometries of rank 1 to 3 with padding, dilation,
 * ceil mode and count_include_pad, on one and two threads. Tolerance: a float sum of n terms is within
 * {@code n * eps * sum |v|} of the exact one, so |float - double| <= 2 n eps mean|v| after the division.
 */
class FloatPoolsTest {
    private static final TwoThreadContext TWO = new TwoThreadContext();
    private static final double EPS = Math.ulp(1f);

    @AfterAll
    static void stop() {
        TWO.close();
    }

    private static Tensor widen(Tensor x) {
        float[] f = x.toFloatArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return Tensor.of(d, x.shape());
    }

    private static void compare(Operator op, Tensor x, double tolerance, String what) {
        Tensor ref = op.run(new TestContext(), new Tensor[] {widen(x)})[0];
        for (boolean two : new boolean[] {false, true}) {
            OpContext ctx = two ? TWO : new TestContext();
            Tensor got = op.run(ctx, new Tensor[] {x})[0];
            assertEquals(DType.FLOAT32, got.dtype());
            assertArrayEquals(ref.shape(), got.shape(), what);
            float[] g = got.toFloatArray();
            for (int i = 0; i < g.length; i++) {
                double want = ref.getDouble(i);
                if (Double.isNaN(want) || Double.isInfinite(want)) {
                    assertEquals((float) want, g[i], what + " output " + i);
                } else {
                    assertEquals(want, g[i], tolerance, what + " output " + i + (two ? " (two threads)" : ""));
                }
            }
        }
    }

    @Test
    void averagePoolMatchesTheDoublePath() {
        long seed = 20261128L;
        Random r = new Random(seed);
        for (int trial = 0; trial < 200; trial++) {
            int k = 1 + r.nextInt(3);
            int[] kernel = new int[k];
            int[] strides = new int[k];
            int[] dilations = new int[k];
            int[] pads = new int[2 * k];
            int[] shape = new int[k + 2];
            shape[0] = 1 + r.nextInt(2);
            shape[1] = 1 + r.nextInt(k == 3 ? 3 : 12);
            int taps = 1;
            for (int i = 0; i < k; i++) {
                kernel[i] = 1 + r.nextInt(4);
                strides[i] = 1 + r.nextInt(3);
                dilations[i] = 1 + r.nextInt(2);
                int extent = (kernel[i] - 1) * dilations[i] + 1;
                pads[i] = r.nextInt(extent);
                pads[k + i] = r.nextInt(extent);
                boolean wide = i == k - 1 && r.nextInt(3) == 0;
                shape[i + 2] = extent + r.nextInt(k == 3 ? 6 : 20) + (wide ? 30 + r.nextInt(70) : 0);
                taps *= kernel[i];
            }
            PoolWindow window = new PoolWindow(kernel, strides, dilations, pads, PaddingPolicy.EXPLICIT,
                    r.nextBoolean());
            float[] data = new float[Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) r.nextGaussian();
            }
            if (trial % 10 == 0) {
                data[r.nextInt(data.length)] = Float.NaN;
            }
            boolean includePad = r.nextBoolean();
            String what = "seed " + seed + " trial " + trial + " " + window + " input " + Arrays.toString(shape)
                    + (includePad ? " count_include_pad" : "");
            // |v| of a standard normal is below 5 here; the sum of taps is within taps * eps * 5 taps
            compare(new AveragePoolOp(window, includePad), Tensor.of(data, shape), 2 * taps * EPS * 5 + 1e-6, what);
        }
    }

    @Test
    void globalPoolsMatchTheDoublePath() {
        long seed = 20261129L;
        Random r = new Random(seed);
        for (int trial = 0; trial < 60; trial++) {
            int rank = 3 + r.nextInt(3);
            int[] shape = new int[rank];
            shape[0] = 1 + r.nextInt(2);
            shape[1] = 1 + r.nextInt(70);
            for (int i = 2; i < rank; i++) {
                shape[i] = 1 + r.nextInt(rank == 5 ? 5 : 12);
            }
            float[] data = new float[Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) r.nextGaussian();
            }
            if (trial % 7 == 0) {
                data[r.nextInt(data.length)] = Float.NaN;
            }
            if (trial % 5 == 0) {
                data[r.nextInt(data.length)] = Float.NEGATIVE_INFINITY;
            }
            int plane = data.length / (shape[0] * shape[1]);
            String what = "seed " + seed + " trial " + trial + " input " + Arrays.toString(shape);
            Tensor x = Tensor.of(data, shape);
            compare(new GlobalPoolOp(GlobalPoolOp.Kind.MAX, 0), x, 0, what + " max");
            compare(new GlobalPoolOp(GlobalPoolOp.Kind.AVERAGE, 0), x, 2 * (plane + 32) * EPS * 5, what + " avg");
        }
    }

    @Test
    void averageOfAllPaddingWindowsAndALargePlane() {
        // a 1x1 kernel with stride 1 over 1x1000: the direct 1-d path; output equals input
        float[] data = new float[1000];
        for (int i = 0; i < data.length; i++) {
            data[i] = i * 0.5f - 7;
        }
        Tensor y = new AveragePoolOp(PoolWindow.of(1), false).run(new TestContext(),
                new Tensor[] {Tensor.of(data, 1, 1, 1000)})[0];
        assertArrayEquals(data, y.toFloatArray());
        Tensor m = new MaxPoolOp(PoolWindow.of(1), false, false).run(new TestContext(),
                new Tensor[] {Tensor.of(data, 1, 1, 1000)})[0];
        assertArrayEquals(data, m.toFloatArray());
        // global average of 112 x 112 ones is exactly 1 (float sums of small integers are exact)
        float[] ones = new float[3 * 112 * 112];
        Arrays.fill(ones, 1f);
        Tensor g = new GlobalPoolOp(GlobalPoolOp.Kind.AVERAGE, 0).run(new TestContext(),
                new Tensor[] {Tensor.of(ones, 1, 3, 112, 112)})[0];
        assertTrue(Arrays.equals(new float[] {1, 1, 1}, g.toFloatArray()));
    }
}
