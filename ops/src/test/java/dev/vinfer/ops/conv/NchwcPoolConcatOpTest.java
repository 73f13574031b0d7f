package dev.vinfer.ops.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vinfer.conv.NchwcLayout;
import dev.vinfer.conv.Parallel;
import dev.vinfer.ops.nn.pool.MaxPoolOp;
import dev.vinfer.ops.nn.pool.PaddingPolicy;
import dev.vinfer.ops.nn.pool.PoolWindow;
import dev.vinfer.ops.shape.ConcatOp;
import dev.vinfer.ops.testing.TestContext;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * {@link NchwcMaxPoolOp} and {@link NchwcConcatOp} against the NCHW ops ({@link MaxPoolOp}, {@link ConcatOp}):
 * inputs reordered to blocked by {@link NchwcReorderOp}, the blocked op run, its output reordered back and compared
 * value for value (MaxPool: equal as floats, NaN to NaN, the sign of a zero maximum left open as between the NCHW
 * paths); the blocked output's pad lanes must be zero. Outputs start NaN-filled, on one, two (real) and five
 * (claimed, run serially) threads.
 */
class NchwcPoolConcatOpTest {
    private static final long SEED = Long.getLong("vinfer.test.seed", 20261130L);
    private static final ExecutorService POOL = Executors.newFixedThreadPool(2);

    @AfterAll
    static void stop() {
        POOL.shutdown();
    }

    /** A context whose outputs are NaN-filled, on {@code threads} threads (5: claimed, run serially). */
    private static final class NanContext implements OpContext {
        private final TestContext base = new TestContext();
        private final Parallel parallel;

        NanContext(int threads) {
            parallel = threads == 1 ? Parallel.SERIAL : new Parallel() {
                @Override
                public int threads() {
                    return threads;
                }

                @Override
                public void forEach(int count, Task task) {
                    if (threads != 2) {
                        for (int i = count - 1; i >= 0; i--) {
                            task.run(i);
                        }
                        return;
                    }
                    Future<?>[] f = new Future<?>[count];
                    for (int i = 0; i < count; i++) {
                        int index = i;
                        f[i] = POOL.submit(() -> task.run(index));
                    }
                    for (Future<?> x : f) {
                        try {
                            x.get();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
            };
        }

        @Override
        public Tensor output(int index, DType dtype, int... shape) {
            Tensor t = base.output(index, dtype, shape);
            if (dtype == DType.FLOAT32) {
                Arrays.fill(t.floats(), Float.NaN);
            }
            return t;
        }

        @Override
        public Parallel parallel() {
            return parallel;
        }

        @Override
        public SessionOptions options() {
            return base.options();
        }

        @Override
        public Tensor[] runSubgraph(Graph graph, Tensor[] inputs) {
            throw new UnsupportedOperationException();
        }
    }

    private static final int[] THREADS = {1, 2, 5};

    @Test
    void maxPoolMatchesTheNchwOp() {
        Random r = new Random(SEED);
        int[] cs = {1, 15, 16, 17, 33, 64};
        int done = 0;
        for (int trial = 0; done < 120; trial++) {
            int kh = 1 + r.nextInt(4);
            int kw = r.nextInt(3) == 0 ? 1 + r.nextInt(5) : kh;
            int[] strides = {1 + r.nextInt(3), 1 + r.nextInt(3)};
            int[] dil = {1 + r.nextInt(2), 1 + r.nextInt(2)};
            int[] pads = {r.nextInt(kh), r.nextInt(kw), r.nextInt(kh), r.nextInt(kw)};
            PaddingPolicy policy = trial % 7 == 3 ? PaddingPolicy.SAME_EXTRA_AT_END
                    : trial % 7 == 5 ? PaddingPolicy.SAME_EXTRA_AT_BEGIN : PaddingPolicy.EXPLICIT;
            boolean ceil = policy == PaddingPolicy.EXPLICIT && r.nextBoolean();
            PoolWindow window = new PoolWindow(new int[] {kh, kw}, strides, dil, pads, policy, ceil);
            int c = cs[r.nextInt(cs.length)];
            int[] shape = {1 + r.nextInt(2), c, 1 + r.nextInt(40), 1 + r.nextInt(40)};
            if (policy == PaddingPolicy.EXPLICIT && (shape[2] + pads[0] + pads[2] < (kh - 1) * dil[0] + 1
                    || shape[3] + pads[1] + pads[3] < (kw - 1) * dil[1] + 1)) {
                continue;
            }
            float[] data = new float[shape[0] * c * shape[2] * shape[3]];
            for (int i = 0; i < data.length; i++) {
                int pick = r.nextInt(40);
                data[i] = pick == 0 ? Float.NaN : pick == 1 ? Float.NEGATIVE_INFINITY : (float) r.nextGaussian();
            }
            if (trial % 5 == 0) {
                Arrays.fill(data, 0, Math.min(data.length, 2 * shape[3] + 3), Float.NaN); // all-NaN windows
            }
            String what = "seed " + SEED + " trial " + trial + " " + window + " input " + Arrays.toString(shape);
            Tensor x = Tensor.of(data, shape);
            // The reference path (taken with indices): the float fast path gives NaN, not -inf, for a window whose
            // rows are all padding (kernel 2x4, dilations 2, SAME on a 1-row input), against its own documentation.
            Tensor want = new MaxPoolOp(window, true, false).run(new TestContext(), new Tensor[] {x})[0];
            NchwcMaxPoolOp op = new NchwcMaxPoolOp(window, c);
            assertEquals("MaxPool", op.opType());
            assertEquals("nchwc", op.describe());
            for (int threads : THREADS) {
                NanContext ctx = new NanContext(threads);
                Tensor xb = new NchwcReorderOp(true, c).run(ctx, new Tensor[] {x})[0];
                for (int rep = 0; rep < 2; rep++) { // the cached kernel and task object used again
                    Tensor yb = op.run(ctx, new Tensor[] {xb})[0];
                    padLanesZero(what, yb, c);
                    Tensor got = new NchwcReorderOp(false, c).run(ctx, new Tensor[] {yb})[0];
                    assertArrayEquals(want.shape(), got.shape(), what);
                    float[] a = want.toFloatArray();
                    float[] b = got.toFloatArray();
                    for (int i = 0; i < a.length; i++) {
                        if (!(a[i] == b[i] || Float.isNaN(a[i]) && Float.isNaN(b[i]))) {
                            fail(what + " threads " + threads + " output " + i + ": NCHW " + a[i] + ", NCHWc " + b[i]);
                        }
                    }
                }
            }
            done++;
        }
    }

    @Test
    void maxPoolSupportsAndRejects() {
        PoolWindow two = new PoolWindow(new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}, new int[4],
                PaddingPolicy.EXPLICIT, true);
        assertTrue(NchwcMaxPoolOp.supports(two));
        assertFalse(NchwcMaxPoolOp.supports(PoolWindow.of(3)));
        assertFalse(NchwcMaxPoolOp.supports(PoolWindow.of(3, 3, 3)));
        assertThrows(IllegalArgumentException.class, () -> new NchwcMaxPoolOp(PoolWindow.of(3), 16));
        NchwcMaxPoolOp op = new NchwcMaxPoolOp(two, 17);
        TestContext ctx = new TestContext();
        // 17 channels are 2 blocks
        assertThrows(VinferException.class, () -> op.run(ctx, new Tensor[] {Tensor.zeros(DType.FLOAT32, 1, 1, 5, 5,
            16)}));
        assertThrows(VinferException.class, () -> op.run(ctx, new Tensor[] {Tensor.zeros(DType.FLOAT32, 1, 2, 5, 5,
            8)}));
        assertThrows(VinferException.class, () -> op.run(ctx, new Tensor[] {Tensor.zeros(DType.FLOAT32, 1, 17, 5,
            5)}));
        assertThrows(VinferException.class, () -> op.run(ctx, new Tensor[] {Tensor.zeros(DType.FLOAT64, 1, 2, 5, 5,
            16)}));
        assertEquals(Arrays.toString(new int[] {1, 2, 2, 2, 16}),
                Arrays.toString(op.run(ctx, new Tensor[] {Tensor.zeros(DType.FLOAT32, 1, 2, 5, 5, 16)})[0].shape()));
    }

    @Test
    void concatMatchesTheNchwOp() {
        Random r = new Random(SEED + 1);
        int[][] lists = {{16, 16}, {64, 64}, {128, 128}, {16, 32, 17}, {48, 5}, {16}, {15}, {32, 1}, {256, 256}};
        int trial = 0;
        for (int[] chans : lists) {
            for (int sizes = 0; sizes < 3; sizes++, trial++) {
                int h = sizes == 2 ? 55 : 1 + r.nextInt(14);
                int w = sizes == 2 ? 55 : 1 + r.nextInt(14);
                int batch = 1 + r.nextInt(2);
                int total = Arrays.stream(chans).sum();
                Tensor[] xs = new Tensor[chans.length];
                for (int i = 0; i < chans.length; i++) {
                    float[] d = new float[batch * chans[i] * h * w];
                    for (int j = 0; j < d.length; j++) {
                        d[j] = (float) r.nextGaussian();
                    }
                    xs[i] = Tensor.of(d, batch, chans[i], h, w);
                }
                String what = "seed " + (SEED + 1) + " trial " + trial + " channels " + Arrays.toString(chans) + " "
                        + batch + "x" + h + "x" + w;
                Tensor want = new ConcatOp(1).run(new TestContext(), xs)[0];
                NchwcConcatOp op = new NchwcConcatOp(chans);
                assertEquals("Concat", op.opType());
                assertEquals("nchwc", op.describe());
                for (int threads : THREADS) {
                    NanContext ctx = new NanContext(threads);
                    Tensor[] bs = new Tensor[chans.length];
                    for (int i = 0; i < chans.length; i++) {
                        bs[i] = new NchwcReorderOp(true, chans[i]).run(ctx, new Tensor[] {xs[i]})[0];
                    }
                    for (int rep = 0; rep < 2; rep++) {
                        Tensor yb = op.run(ctx, bs)[0];
                        assertArrayEquals(new int[] {batch, NchwcLayout.blocks(total), h, w, 16}, yb.shape(), what);
                        padLanesZero(what, yb, total);
                        Tensor got = new NchwcReorderOp(false, total).run(ctx, new Tensor[] {yb})[0];
                        assertArrayEquals(want.toFloatArray(), got.toFloatArray(), what + " threads " + threads);
                    }
                }
            }
        }
    }

    @Test
    void concatSupportsAndRejects() {
        assertTrue(NchwcConcatOp.supports(new int[] {64, 64}));
        assertTrue(NchwcConcatOp.supports(new int[] {16, 3}));
        assertFalse(NchwcConcatOp.supports(new int[] {3, 16}));
        assertFalse(NchwcConcatOp.supports(new int[] {}));
        assertFalse(NchwcConcatOp.supports(new int[] {16, 0}));
        assertThrows(IllegalArgumentException.class, () -> new NchwcConcatOp(new int[] {17, 16}));
        NchwcConcatOp op = new NchwcConcatOp(new int[] {16, 20});
        TestContext ctx = new TestContext();
        Tensor a = Tensor.zeros(DType.FLOAT32, 1, 1, 3, 3, 16);
        assertThrows(VinferException.class, () -> op.run(ctx, new Tensor[] {a}));
        assertThrows(VinferException.class, () -> op.run(ctx, new Tensor[] {a, a}));
        assertThrows(VinferException.class, () -> op.run(ctx, new Tensor[] {a, Tensor.zeros(DType.FLOAT32, 1, 2, 3,
            4, 16)}));
        assertThrows(VinferException.class, () -> op.run(ctx, new Tensor[] {a, Tensor.zeros(DType.FLOAT64, 1, 2, 3,
            3, 16)}));
        assertArrayEquals(new int[] {1, 3, 3, 3, 16}, op.run(ctx, new Tensor[] {a, Tensor.zeros(DType.FLOAT32, 1, 2,
            3, 3, 16)})[0].shape());
    }

    private static void padLanesZero(String what, Tensor yb, int channels) {
        float[] v = yb.toFloatArray();
        int blocks = NchwcLayout.blocks(channels);
        int perBlock = v.length / (yb.dim(0) * blocks);
        for (int i = 0; i < v.length; i++) {
            int block = i / perBlock % blocks;
            int lane = i % 16;
            if (block * 16 + lane >= channels && v[i] != 0f) {
                fail(what + ": pad lane " + lane + " of block " + block + " is " + v[i]);
            }
        }
    }
}
