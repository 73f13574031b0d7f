package dev.vinfer.ops.nn.pool;

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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The float32 fast path of MaxPool gives the same results as the reference path (which runs when indices are
 * asked for), on random seeded geometries of rank 1 to 3 with padding, dilation, ceil mode, NaN and -inf, on one
 * and on two threads.
 */
class FloatMaxPoolTest {
    private static final TwoThreadContext TWO = new TwoThreadContext();

    @AfterAll
    static void stop() {
        TWO.close();
    }

    @Test
    void randomGeometriesMatchTheReference() {
        long seed = 20251128L;
        Random r = new Random(seed);
        for (int trial = 0; trial < 300; trial++) {
            int k = 1 + r.nextInt(3);
            int[] kernel = new int[k];
            int[] strides = new int[k];
            int[] dilations = new int[k];
            int[] pads = new int[2 * k];
            int[] shape = new int[k + 2];
            shape[0] = 1 + r.nextInt(2);
            shape[1] = 1 + r.nextInt(k == 3 ? 3 : 40);
            for (int i = 0; i < k; i++) {
                kernel[i] = 1 + r.nextInt(4);
                strides[i] = 1 + r.nextInt(3);
                dilations[i] = 1 + r.nextInt(2);
                int extent = (kernel[i] - 1) * dilations[i] + 1;
                pads[i] = r.nextInt(extent);
                pads[k + i] = r.nextInt(extent);
                // the last (W) dim sometimes well past a vector or two, for the vector paths and their tails
                boolean wide = i == k - 1 && r.nextInt(3) == 0;
                shape[i + 2] = extent + r.nextInt(k == 3 ? 6 : 30) + (wide ? 30 + r.nextInt(70) : 0);
            }
            PoolWindow window = new PoolWindow(kernel, strides, dilations, pads, PaddingPolicy.EXPLICIT,
                    r.nextBoolean());
            float[] data = new float[Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
            for (int i = 0; i < data.length; i++) {
                int pick = r.nextInt(50);
                data[i] = pick == 0 ? Float.NaN : pick == 1 ? Float.NEGATIVE_INFINITY : (float) r.nextGaussian();
            }
            assertFastPathMatchesReference(window, Tensor.of(data, shape),
                    "seed " + seed + " trial " + trial + " " + window + " input " + Arrays.toString(shape));
        }
    }

    /**
     * 1-d windows of 2 or 4 taps as far apart as their stride (M5's MaxPool1d(4): pooled straight from the input by
     * {@code Backend.maxRuns}), against the reference path: lengths past several vectors, padding, ceil mode, NaN and
     * -inf, one and two threads.
     */
    @Test
    void oneDimensionalRunsMatchTheReference() {
        long seed = 20261130L;
        Random r = new Random(seed);
        for (int trial = 0; trial < 80; trial++) {
            int k = trial % 2 == 0 ? 4 : 2;
            int[] pads = r.nextInt(3) == 0 ? new int[] {r.nextInt(k), r.nextInt(k)} : new int[] {0, 0};
            int[] shape = {1 + r.nextInt(2), 1 + r.nextInt(9), k + r.nextInt(trial < 40 ? 40 : 300)};
            PoolWindow window = new PoolWindow(new int[] {k}, new int[] {k}, new int[] {1}, pads,
                    PaddingPolicy.EXPLICIT, r.nextInt(3) == 0);
            float[] data = new float[shape[0] * shape[1] * shape[2]];
            for (int i = 0; i < data.length; i++) {
                int pick = r.nextInt(60);
                data[i] = pick == 0 ? Float.NaN : pick == 1 ? Float.NEGATIVE_INFINITY : (float) r.nextGaussian();
            }
            assertFastPathMatchesReference(window, Tensor.of(data, shape),
                    "seed " + seed + " trial " + trial + " " + window + " input " + Arrays.toString(shape));
        }
    }

    /**
     * The fast path (no indices) against the reference path (indices asked for) on one and on two threads: equal as
     * floats (NaN to NaN); only the sign of a zero maximum is left open.
     */
    private static void assertFastPathMatchesReference(PoolWindow window, Tensor x, String what) {
        Tensor reference = new MaxPoolOp(window, true, false).run(new TestContext(), new Tensor[] {x})[0];
        for (boolean two : new boolean[] {false, true}) {
            OpContext ctx = two ? TWO : new TestContext();
            Tensor fast = new MaxPoolOp(window, false, false).run(ctx, new Tensor[] {x})[0];
            assertArrayEquals(reference.shape(), fast.shape(), what);
            float[] a = reference.toFloatArray();
            float[] b = fast.toFloatArray();
            for (int i = 0; i < a.length; i++) {
                boolean same = a[i] == b[i] || Float.isNaN(a[i]) && Float.isNaN(b[i]);
                assertTrue(same, what + (two ? " two threads" : "") + " output " + i + ": reference " + a[i]
                        + ", fast path " + b[i]);
            }
        }
    }

    /**
     * Windows whose taps all fall in the padding (here the input's single row, H 1, against a 2-tap window of
     * dilation 2 and SAME padding) have no tap inside the input: -inf on both paths, not NaN.
     */
    @Test
    void windowsEntirelyInPaddingGiveMinusInfinity() {
        PoolWindow window = new PoolWindow(new int[] {2, 4}, new int[] {3, 3}, new int[] {2, 2}, new int[4],
                PaddingPolicy.SAME_EXTRA_AT_END, false);
        int[] shape = {2, 64, 1, 17};
        float[] data = new float[2 * 64 * 17];
        Random r = new Random(7);
        for (int i = 0; i < data.length; i++) {
            data[i] = i % 97 == 0 ? Float.NaN : (float) r.nextGaussian();
        }
        Tensor x = Tensor.of(data, shape);
        Tensor reference = new MaxPoolOp(window, true, false).run(new TestContext(), new Tensor[] {x})[0];
        for (boolean two : new boolean[] {false, true}) {
            OpContext ctx = two ? TWO : new TestContext();
            Tensor fast = new MaxPoolOp(window, false, false).run(ctx, new Tensor[] {x})[0];
            assertArrayEquals(reference.shape(), fast.shape());
            float[] a = reference.toFloatArray();
            float[] b = fast.toFloatArray();
            int empty = 0;
            for (int i = 0; i < a.length; i++) {
                boolean same = a[i] == b[i] || Float.isNaN(a[i]) && Float.isNaN(b[i]);
                assertTrue(same, "output " + i + " of " + Arrays.toString(fast.shape()) + ": reference " + a[i]
                        + ", fast path " + b[i]);
                empty += b[i] == Float.NEGATIVE_INFINITY ? 1 : 0;
            }
            assertTrue(empty > 0, "the geometry should have windows with no tap inside the input");
        }
    }

    /**
     * The 3x3 stride-2 window (its own kernel, MaxPool3x3s2: whole vectors per row even for rows narrower than a
     * vector, their surplus lanes landing on the next row) against the reference: every H and W from 1 to 40 and 33 to 72 in turn (rows shorter and longer than
     * a vector of outputs, even and odd sizes), ResNet's 112 and
     * SqueezeNet's 111/55/27, pads 0-2 on either side, both rounding modes, an input offset, NaN (sparse and dense)
     * and -inf.
     */
    @Test
    void threeByThreeStrideTwoMatchesTheReference() {
        long seed = 20261129L;
        Random r = new Random(seed);
        int[] sizes = {112, 111, 55, 27, 13, 2, 3};
        for (int trial = 0; trial < 160; trial++) {
            int h = trial < 40 ? 1 + trial : trial < 80 ? 1 + r.nextInt(40) : sizes[trial % sizes.length];
            int w = trial < 40 ? 1 + r.nextInt(72) : trial < 80 ? 33 + trial - 40 : sizes[r.nextInt(sizes.length)];
            int[] pads = {r.nextInt(3), r.nextInt(3), r.nextInt(3), r.nextInt(3)};
            boolean ceil = r.nextBoolean();
            if (h + pads[0] + pads[2] < 3 || w + pads[1] + pads[3] < 3) {
                continue; // no whole window fits
            }
            int[] shape = {1 + r.nextInt(2), 1 + r.nextInt(5), h, w};
            PoolWindow window = new PoolWindow(new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}, pads,
                    PaddingPolicy.EXPLICIT, ceil);
            int n = shape[0] * shape[1] * h * w;
            int offset = r.nextInt(4);
            float[] data = new float[offset + n];
            // NaN in a third of the trials (the kernel redoes a row whose windows' first rows have NaN) and dense
            // in some (windows of NaN only, inside and on the borders, give NaN); none in the others
            int nanOdds = trial % 3 == 0 ? 60 : trial % 7 == 1 ? 3 : Integer.MAX_VALUE;
            for (int i = 0; i < data.length; i++) {
                data[i] = r.nextInt(nanOdds) == 0 ? Float.NaN
                        : r.nextInt(60) == 0 ? Float.NEGATIVE_INFINITY : (float) r.nextGaussian();
            }
            Tensor x = Tensor.wrap(DType.FLOAT32, data, offset, shape);
            assertFastPathMatchesReference(window, x,
                    "seed " + seed + " trial " + trial + " " + window + " input " + Arrays.toString(shape));
        }
    }

    @Test
    void allNaNWindowGivesNaNAndTheInputOffsetIsHonoured() {
        float[] backing = {99, 99, Float.NaN, Float.NaN, 1, 5};
        Tensor x = Tensor.wrap(DType.FLOAT32, backing, 2, 1, 1, 4);
        Tensor y = new MaxPoolOp(new PoolWindow(new int[] {2}, new int[] {2}, new int[] {1}, new int[2],
                PaddingPolicy.EXPLICIT, false), false, false).run(new TestContext(), new Tensor[] {x})[0];
        assertEquals(Float.NaN, y.getFloat(0));
        assertEquals(5f, y.getFloat(1));
    }
}
