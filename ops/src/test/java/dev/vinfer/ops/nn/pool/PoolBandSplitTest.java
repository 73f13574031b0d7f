package dev.vinfer.ops.nn.pool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.conv.Kernels;
import dev.vinfer.ops.nn.TwoThreadContext;
import dev.vinfer.ops.testing.TestContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Pools over planes large enough that two threads split every plane into bands of output rows
 * ({@link SeparablePool#BAND_SPLIT_PIXELS}) give exactly the one-thread result (the same reductions per output),
 * NaN inputs (MaxPool's repair, per band) and ceil-mode borders included. The one-thread path is checked against the
 * references in {@code FloatPoolsTest} and {@code FloatMaxPoolTest}.
 */
class PoolBandSplitTest {

    @Test
    void twoThreadBandsMatchOneThread() {
        long seed = 5151;
        Random r = new Random(seed);
        int[][] shapes = {{1, 12, 64, 70}, {2, 13, 47, 45}, {1, 7, 5, 40, 41}};
        try (TwoThreadContext two = new TwoThreadContext()) {
            for (int[] shape : shapes) {
                int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
                float[] data = new float[n];
                for (int i = 0; i < n; i++) {
                    data[i] = r.nextInt(50) == 0 ? Float.NaN : r.nextFloat() * 4 - 2;
                }
                Tensor x = Tensor.of(data, shape);
                int k = shape.length - 2;
                int[] kernel = new int[k];
                int[] strides = new int[k];
                int[] pads = new int[2 * k];
                Arrays.fill(kernel, 3);
                Arrays.fill(strides, 2);
                Arrays.fill(pads, 1);
                if (k == 3) {
                    kernel[0] = 1;
                    strides[0] = 1;
                    pads[0] = 0;
                    pads[3] = 0;
                }
                for (boolean ceil : new boolean[] {false, true}) {
                    int[] dilations = new int[k];
                    Arrays.fill(dilations, 1);
                    PoolWindow w = new PoolWindow(kernel, strides, dilations, pads, PaddingPolicy.EXPLICIT, ceil);
                    assertTrue(new SeparablePool(PoolGeometry.of(w, shape), Kernels.backend()).splitsIntoBands(2),
                            Arrays.toString(shape) + " should split into bands");
                    Operator[] ops = {new MaxPoolOp(w, false, false), new AveragePoolOp(w, false),
                        new AveragePoolOp(w, true)};
                    for (Operator op : ops) {
                        String what = "seed " + seed + " " + op.opType() + " " + Arrays.toString(shape) + " ceil "
                                + ceil;
                        float[] one = op.run(new TestContext(), new Tensor[] {x})[0].toFloatArray();
                        float[] both = op.run(two, new Tensor[] {x})[0].toFloatArray();
                        assertArrayEquals(one, both, what);
                    }
                }
            }
        }
    }

    /**
     * 1-d rows long enough that two threads split every row by output columns ({@link SeparablePool#splitsColumns}):
     * M5's MaxPool1d(4) (runs of 4), unit-stride windows read straight from the input (max and average), with
     * padded and ceil-mode borders on both threads' sides, NaN inputs and a batch of 2.
     */
    @Test
    void twoThreadColumnsMatchOneThread() {
        long seed = 6262;
        Random r = new Random(seed);
        // {batch, channels, length, kernel, stride, pad}
        int[][] cases = {{1, 128, 3981, 4, 4, 0}, {2, 40, 1001, 3, 1, 1}, {1, 45, 777, 5, 1, 2},
            {1, 64, 1030, 2, 2, 1}};
        try (TwoThreadContext two = new TwoThreadContext()) {
            for (int[] c : cases) {
                int[] shape = {c[0], c[1], c[2]};
                float[] data = new float[c[0] * c[1] * c[2]];
                for (int i = 0; i < data.length; i++) {
                    data[i] = r.nextInt(50) == 0 ? Float.NaN : r.nextFloat() * 4 - 2;
                }
                Tensor x = Tensor.of(data, shape);
                for (boolean ceil : new boolean[] {false, true}) {
                    PoolWindow w = new PoolWindow(new int[] {c[3]}, new int[] {c[4]}, new int[] {1},
                            new int[] {c[5], c[5]}, PaddingPolicy.EXPLICIT, ceil);
                    SeparablePool pool = new SeparablePool(PoolGeometry.of(w, shape), Kernels.backend());
                    assertTrue(pool.splitsColumns(dev.vinfer.conv.PoolReduction.MAX, 2),
                            Arrays.toString(c) + " should split by columns");
                    Operator[] ops = c[4] == 1 ? new Operator[] {new MaxPoolOp(w, false, false),
                        new AveragePoolOp(w, false), new AveragePoolOp(w, true)}
                            : new Operator[] {new MaxPoolOp(w, false, false)};
                    for (Operator op : ops) {
                        String what = "seed " + seed + " " + op.opType() + " " + Arrays.toString(c) + " ceil " + ceil;
                        float[] one = op.run(new TestContext(), new Tensor[] {x})[0].toFloatArray();
                        float[] both = op.run(two, new Tensor[] {x})[0].toFloatArray();
                        assertArrayEquals(one, both, what);
                    }
                }
            }
        }
    }
}
