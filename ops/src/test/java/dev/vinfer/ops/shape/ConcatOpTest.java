package dev.vinfer.ops.shape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.vinfer.ops.nn.TwoThreadContext;
import dev.vinfer.ops.testing.TestContext;
import dev.vinfer.runtime.Tensor;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Concat against a plain element-by-element reference, on one thread, on two, and split at every point. */
class ConcatOpTest {

    /** The reference: output index by index, from the input that covers it. */
    private static float[] reference(Tensor[] in, int axis) {
        int[] shape = in[0].shape();
        int outer = 1;
        for (int d = 0; d < axis; d++) {
            outer *= shape[d];
        }
        int inner = 1;
        for (int d = axis + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        int along = 0;
        for (Tensor t : in) {
            along += t.dim(axis);
        }
        float[] y = new float[outer * along * inner];
        int k = 0;
        for (int o = 0; o < outer; o++) {
            for (Tensor t : in) {
                float[] x = t.floats();
                int row = t.dim(axis) * inner;
                for (int j = 0; j < row; j++) {
                    y[k++] = x[t.offset() + o * row + j];
                }
            }
        }
        return y;
    }

    private static Tensor random(Random r, int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextFloat();
        }
        return Tensor.of(a, shape);
    }

    private static Tensor[] inputs(Random r, int[] shape, int axis, int count) {
        Tensor[] in = new Tensor[count];
        for (int i = 0; i < count; i++) {
            int[] s = shape.clone();
            s[axis] = 1 + r.nextInt(5);
            in[i] = random(r, s);
        }
        return in;
    }

    @Test
    void matchesReferenceOnOneAndTwoThreads() {
        long seed = 4242;
        Random r = new Random(seed);
        try (TwoThreadContext two = new TwoThreadContext()) {
            for (int trial = 0; trial < 40; trial++) {
                // Some large enough (> 2 x 32768 elements) to take the two-thread split.
                int[] shape = trial % 2 == 0 ? new int[] {1 + r.nextInt(2), 4, 1 + r.nextInt(60), 1 + r.nextInt(130)}
                        : new int[] {1 + r.nextInt(3), 3, 1 + r.nextInt(7)};
                int axis = r.nextInt(shape.length);
                Tensor[] in = inputs(r, shape, axis, 1 + r.nextInt(4));
                float[] want = reference(in, axis);
                String what = "seed " + seed + " trial " + trial + " shape " + Arrays.toString(shape) + " axis "
                        + axis;
                assertArrayEquals(want, new ConcatOp(axis).run(new TestContext(), in)[0].floats(), what);
                assertArrayEquals(want, new ConcatOp(axis).run(two, in)[0].floats(), what + " (2 threads)");
            }
        }
    }

    @Test
    void everySplitPointFillsEachElementOnce() {
        Random r = new Random(7);
        Tensor[] in = {random(r, new int[] {2, 3, 5}), random(r, new int[] {2, 1, 5}), random(r, new int[] {2, 4, 5})};
        float[] want = reference(in, 1);
        int[] rowStart = {0, 15, 20, 40};
        for (int cut = 0; cut <= want.length; cut++) {
            float[] out = new float[want.length];
            Arrays.fill(out, Float.NaN);
            Tensor y = Tensor.of(out, 2, 8, 5);
            ConcatOp.copyRange(in, rowStart, 40, y, 0, cut);
            ConcatOp.copyRange(in, rowStart, 40, y, cut, want.length);
            assertArrayEquals(want, y.floats(), "cut at " + cut);
        }
    }

    @Test
    void planePartsOnTwoThreadsFillEveryElement() {
        // inner 40 x 30 = 1200 >= 2 x 256: split within planes; also 1-d planes and a non-channel axis
        long seed = 4343;
        Random r = new Random(seed);
        int[][] shapes = {{1, 3, 40, 30}, {2, 2, 600}, {1, 5, 1, 513}};
        try (TwoThreadContext two = new TwoThreadContext()) {
            for (int[] shape : shapes) {
                for (int axis = 0; axis < shape.length - 1; axis++) {
                    Tensor[] in = inputs(r, shape, axis, 3);
                    float[] want = reference(in, axis);
                    assertArrayEquals(want, new ConcatOp(axis).run(two, in)[0].floats(),
                            "seed " + seed + " shape " + Arrays.toString(shape) + " axis " + axis);
                }
            }
        }
        Tensor[] in = {random(r, new int[] {2, 3, 7}), random(r, new int[] {2, 1, 7})};
        float[] want = reference(in, 1);
        for (int cut = 0; cut <= 7; cut++) {
            float[] out = new float[want.length];
            Arrays.fill(out, Float.NaN);
            Tensor y = Tensor.of(out, 2, 4, 7);
            ConcatOp.copyPlaneParts(in, 1, 7, 28, 2, y, 0, cut);
            ConcatOp.copyPlaneParts(in, 1, 7, 28, 2, y, cut, 7);
            assertArrayEquals(want, y.floats(), "cut at " + cut);
        }
    }
}
