package dev.vinfer.ops.shape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vinfer.ops.nn.TwoThreadContext;
import dev.vinfer.ops.testing.TestContext;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fused shuffle against the four ops it stands for (Concat on axis 1, Reshape, Transpose [0, 2, 1, 3, 4],
 * Reshape), run one after another: equal bit for bit (both only move values), on one and two threads, for the
 * plane-by-plane path (groups of 2, 3 and 4, inputs of unequal channel counts, batches of 1 and 3, planes large
 * enough for the two-thread split) and for shapes that take the general route (the first reshape not of the
 * {@code [N, g, C / g, H, W]} form, inputs of rank 3 and 5).
 */
class ChannelShuffleConcatOpTest {
    private static final long SEED = Long.getLong("vinfer.test.seed", 20261203L);
    private static final int[] SWAP = {0, 2, 1, 3, 4};

    /** {inputs' channels..., then N, H, W, g} as {channels, n, h, w, g}. */
    private static final int[][][] PLANE_CASES = {
        {{58, 58}, {1, 28, 28, 2}}, // ShuffleNet v2 at 28x28
        {{24, 24}, {1, 56, 56, 2}}, // large planes: the two-thread split
        {{5, 7}, {3, 4, 5, 2}}, // unequal inputs, a batch of three
        {{6, 3, 9}, {1, 3, 3, 3}}, // three inputs, three groups
        {{8}, {2, 2, 7, 4}}, // one input, four groups
    };

    @Test
    void planesMatchTheFourOps() {
        Random r = new Random(SEED);
        try (TwoThreadContext two = new TwoThreadContext()) {
            for (int[][] q : PLANE_CASES) {
                int n = q[1][0];
                int h = q[1][1];
                int w = q[1][2];
                int g = q[1][3];
                Tensor[] in = new Tensor[q[0].length];
                int c = 0;
                for (int i = 0; i < in.length; i++) {
                    in[i] = random(r, n, q[0][i], h, w);
                    c += q[0][i];
                }
                long[] s1 = {n, g, c / g, h, w};
                long[] s2 = {n, -1, h, w};
                String what = "seed " + SEED + " " + Arrays.deepToString(q);
                float[] want = composed(in, s1, s2).floats();
                ChannelShuffleConcatOp op = new ChannelShuffleConcatOp(s1, false, s2, false);
                assertArrayEquals(want, op.run(new TestContext(), in)[0].floats(), what + " one thread");
                assertArrayEquals(want, op.run(two, in)[0].floats(), what + " two threads");
            }
        }
    }

    /**
     * Reshapes the four ops accept but the plane copy does not cover: the same values by the general route (and one
     * with a 0 in the targets, which resolves to planes).
     */
    @Test
    void otherShapesTakeTheGeneralRoute() {
        Random r = new Random(SEED + 1);
        Object[][] cases = {
            // rank 4, first reshape splitting H instead of C: blocks of W values, not planes
            {new int[][] {{1, 4, 6, 5}, {1, 2, 6, 5}}, new long[] {1, 6, 6, 1, 5}, new long[] {1, 6, 6, 5}},
            // the batch of two folded into the channel axes
            {new int[][] {{2, 2, 3, 2}, {2, 4, 3, 2}}, new long[] {1, 4, 3, 3, 2}, new long[] {-1}},
            // 0 copies the input's dim (allowzero off): planes again
            {new int[][] {{2, 2, 3, 2}, {2, 4, 3, 2}}, new long[] {0, 3, 2, 3, 2}, new long[] {0, -1}},
            // rank 3 inputs
            {new int[][] {{2, 6, 4}, {2, 2, 4}}, new long[] {2, 2, 4, 2, 2}, new long[] {2, 8, 4}},
        };
        for (Object[] q : cases) {
            int[][] shapes = (int[][]) q[0];
            Tensor[] in = new Tensor[shapes.length];
            for (int i = 0; i < in.length; i++) {
                in[i] = random(r, shapes[i]);
            }
            long[] s1 = (long[]) q[1];
            long[] s2 = (long[]) q[2];
            Tensor want = composed(in, s1, s2);
            Tensor got = new ChannelShuffleConcatOp(s1, false, s2, false).run(new TestContext(), in)[0];
            String what = "seed " + SEED + " " + Arrays.deepToString(shapes) + " " + Arrays.toString(s1);
            assertArrayEquals(want.shape(), got.shape(), what);
            assertArrayEquals(want.floats(), got.floats(), what);
        }
    }

    @Test
    void badInputsNameTheProblem() {
        ChannelShuffleConcatOp op = new ChannelShuffleConcatOp(new long[] {1, 2, 2, 2, 2}, false, new long[] {1, 4,
            2, 2}, false);
        Tensor a = Tensor.zeros(dev.vinfer.runtime.DType.FLOAT32, 1, 2, 2, 2);
        Tensor b = Tensor.zeros(dev.vinfer.runtime.DType.FLOAT32, 1, 2, 3, 2);
        assertThrows(VinferException.class, () -> op.run(new TestContext(), new Tensor[] {a, b}));
        Tensor i = Tensor.zeros(dev.vinfer.runtime.DType.INT64, 1, 2, 2, 2);
        assertThrows(VinferException.class, () -> op.run(new TestContext(), new Tensor[] {a, i}));
        // the first reshape does not fit the concatenation
        Tensor c = Tensor.zeros(dev.vinfer.runtime.DType.FLOAT32, 1, 3, 2, 2);
        assertThrows(VinferException.class, () -> op.run(new TestContext(), new Tensor[] {a, c}));
        assertThrows(IllegalArgumentException.class, () -> new ChannelShuffleConcatOp(new long[] {1, 2}, false,
                new long[] {2}, false));
    }

    /** The four ops, one after another. */
    private static Tensor composed(Tensor[] in, long[] s1, long[] s2) {
        OpContext ctx = new TestContext();
        Tensor cat = new ConcatOp(1).run(ctx, in)[0];
        Tensor r1 = new ReshapeOp(false).run(ctx, new Tensor[] {cat, Tensor.of(s1, s1.length)})[0];
        Tensor t = new TransposeOp(SWAP).run(ctx, new Tensor[] {r1})[0];
        return new ReshapeOp(false).run(ctx, new Tensor[] {t, Tensor.of(s2, s2.length)})[0];
    }

    private static Tensor random(Random r, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextFloat() - 0.5f;
        }
        return Tensor.of(a, shape);
    }
}
