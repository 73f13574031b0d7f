package dev.vinfer.ops.rnn;

import dev.vinfer.ops.testing.TestContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vinfer.ops.rnn.RecurrentReference.Kind;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * RNN, GRU and LSTM against {@link RecurrentReference} on random seeded configurations covering every direction,
 * both layouts, every activation with random alpha/beta, clip, sequence lengths (including 0), initial states,
 * peepholes, input_forget, linear_before_reset, constant and run-time weights, and omitted outputs.
 */
class RecurrentOpTest {
    private static final RnnActivation.Kind[] KINDS = RnnActivation.Kind.values();

    @Test
    void randomConfigurationsMatchTheReference() {
        // A fixed default keeps CI repeatable; -Dvinfer.test.seed=N explores other draws.
        long seed = Long.getLong("vinfer.test.seed", 20261129L);
        Random rnd = new Random(seed);
        for (int iter = 0; iter < 300; iter++) {
            try {
                runCase(rnd, iter);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("case " + iter + " failed (reproduce with -Dvinfer.test.seed=" + seed + "): "
                        + e.getMessage(), e);
            }
        }
    }

    private static void runCase(Random rnd, int iter) {
        Kind kind = Kind.values()[iter % 3];
        Direction direction = Direction.values()[rnd.nextInt(3)];
        int dirs = direction.count();
        int gates = kind == Kind.RNN ? 1 : kind == Kind.GRU ? 3 : 4;
        int seq = 1 + rnd.nextInt(5);
        int batch = 1 + rnd.nextInt(4);
        int input = 1 + rnd.nextInt(6);
        int hidden = 1 + rnd.nextInt(7);
        boolean batchMajor = rnd.nextBoolean();
        float clip = rnd.nextInt(3) == 0 ? 0.2f + rnd.nextFloat() * 2 : Float.POSITIVE_INFINITY;
        int per = kind == Kind.RNN ? 1 : kind == Kind.GRU ? 2 : 3;
        String[] names = null;
        float[] alphas = null;
        float[] betas = null;
        if (rnd.nextBoolean()) {
            names = new String[per * dirs];
            for (int i = 0; i < names.length; i++) {
                names[i] = KINDS[rnd.nextInt(KINDS.length)].onnxName();
            }
            alphas = new float[rnd.nextInt(per * dirs + 1)];
            betas = new float[rnd.nextInt(per * dirs + 1)];
            for (int i = 0; i < alphas.length; i++) {
                alphas[i] = 0.1f + rnd.nextFloat();
            }
            for (int i = 0; i < betas.length; i++) {
                betas[i] = rnd.nextFloat() - 0.5f;
            }
        }
        String[] defaults = switch (kind) {
            case RNN -> new String[] {"Tanh"};
            case GRU -> new String[] {"Sigmoid", "Tanh"};
            case LSTM -> new String[] {"Sigmoid", "Tanh", "Tanh"};
        };
        RecurrentConfig cfg = new RecurrentConfig(direction, rnd.nextBoolean() ? hidden : -1, batchMajor, clip,
                RecurrentConfig.resolveActivations(names, alphas, betas, direction, defaults));
        boolean flag = rnd.nextBoolean();

        float[] x = random(rnd, seq * batch * input, 1f);
        float[] w = random(rnd, dirs * gates * hidden * input, 0.6f);
        float[] r = random(rnd, dirs * gates * hidden * hidden, 0.6f);
        float[] b = rnd.nextBoolean() ? random(rnd, dirs * 2 * gates * hidden, 0.5f) : null;
        int[] lens = null;
        if (rnd.nextBoolean()) {
            lens = new int[batch];
            for (int i = 0; i < batch; i++) {
                lens[i] = rnd.nextInt(seq + 1);
            }
        }
        float[] h0 = rnd.nextBoolean() ? random(rnd, dirs * batch * hidden, 1f) : null;
        float[] c0 = kind == Kind.LSTM && rnd.nextBoolean() ? random(rnd, dirs * batch * hidden, 1f) : null;
        float[] p = kind == Kind.LSTM && rnd.nextBoolean() ? random(rnd, dirs * 3 * hidden, 0.5f) : null;
        RecurrentReference.Result want = RecurrentReference.run(kind, cfg, flag, seq, batch, input, hidden, x, w, r,
                b, lens, h0, c0, p);

        int outputs = kind == Kind.LSTM ? 3 : 2;
        boolean[] wanted = new boolean[outputs];
        for (int i = 0; i < outputs; i++) {
            wanted[i] = rnd.nextInt(4) != 0;
        }
        Tensor wt = Tensor.of(w, dirs, gates * hidden, input);
        Tensor rt = Tensor.of(r, dirs, gates * hidden, hidden);
        boolean constant = rnd.nextBoolean();
        RecurrentOp op = switch (kind) {
            case RNN -> new RnnOp(cfg, wanted, constant ? wt : null, constant ? rt : null);
            case GRU -> new GruOp(cfg, flag, wanted, constant ? wt : null, constant ? rt : null);
            case LSTM -> new LstmOp(cfg, flag, wanted, constant ? wt : null, constant ? rt : null);
        };
        Tensor[] in = new Tensor[kind == Kind.LSTM ? 8 : 6];
        in[0] = batchMajor ? Tensor.of(swap01(x, seq, batch, input), batch, seq, input) : Tensor.of(x, seq, batch,
                input);
        in[1] = wt;
        in[2] = rt;
        in[3] = b == null ? null : Tensor.of(b, dirs, 2 * gates * hidden);
        in[4] = lens == null ? null : Tensor.of(lens, batch);
        in[5] = h0 == null ? null : state(h0, dirs, batch, hidden, batchMajor);
        if (kind == Kind.LSTM) {
            in[6] = c0 == null ? null : state(c0, dirs, batch, hidden, batchMajor);
            in[7] = p == null ? null : Tensor.of(p, dirs, 3 * hidden);
        }
        Tensor[] got = op.run(new TestContext(), in);

        // Float sums of (input + hidden) terms per gate, repeated over the steps: a float rounding budget.
        double atol = 4e-6 * (input + hidden + 4) * seq;
        double rtol = 1e-5 * seq;
        String what = kind + " " + cfg + " flag=" + flag + " seq=" + seq + " batch=" + batch + " input=" + input
                + " hidden=" + hidden + " lens=" + Arrays.toString(lens);
        if (wanted[0]) {
            double[] y = want.y();
            if (batchMajor) {
                y = yToBatchMajor(y, seq, dirs, batch, hidden);
            }
            int[] shape = batchMajor ? new int[] {batch, seq, dirs, hidden} : new int[] {seq, dirs, batch, hidden};
            compare(what + " Y", y, got[0], shape, atol, rtol);
        } else {
            assertNull(got[0]);
        }
        int[] stateShape = batchMajor ? new int[] {batch, dirs, hidden} : new int[] {dirs, batch, hidden};
        double[][] states = {want.yh(), want.yc()};
        for (int s = 1; s < outputs; s++) {
            if (wanted[s]) {
                double[] v = batchMajor ? swap01(states[s - 1], dirs, batch, hidden) : states[s - 1];
                compare(what + (s == 1 ? " Y_h" : " Y_c"), v, got[s], stateShape, atol, rtol);
            } else {
                assertNull(got[s]);
            }
        }
    }

    @Test
    void activationAlphasAreConsumedInOrderByTheFunctionsThatTakeThem() {
        RnnActivation[][] a = RecurrentConfig.resolveActivations(
                new String[] {"LeakyRelu", "Tanh", "HardSigmoid", "Affine", "Sigmoid", "ScaledTanh"},
                new float[] {0.3f, 0.4f, 0.5f}, new float[] {0.6f}, Direction.BIDIRECTIONAL,
                new String[] {"Sigmoid", "Tanh", "Tanh"});
        assertEquals(new RnnActivation(RnnActivation.Kind.LEAKY_RELU, 0.3f, 0f), a[0][0]);
        assertEquals(new RnnActivation(RnnActivation.Kind.HARD_SIGMOID, 0.4f, 0.6f), a[0][2]);
        assertEquals(new RnnActivation(RnnActivation.Kind.AFFINE, 0.5f, 0f), a[1][0]);
        // Run out: ScaledTanh gets its defaults.
        assertEquals(new RnnActivation(RnnActivation.Kind.SCALED_TANH, 1f, 1f), a[1][2]);
    }

    @Test
    void oneDirectionsActivationsServeBothDirections() {
        RnnActivation[][] a = RecurrentConfig.resolveActivations(new String[] {"Relu", "Softsign"}, null, null,
                Direction.BIDIRECTIONAL, new String[] {"Sigmoid", "Tanh"});
        assertEquals(RnnActivation.Kind.SOFTSIGN, a[1][1].kind());
        assertThrows(VinferException.class, () -> RecurrentConfig.resolveActivations(new String[] {"Relu"}, null,
                null, Direction.FORWARD, new String[] {"Sigmoid", "Tanh"}));
        assertThrows(VinferException.class, () -> RnnActivation.Kind.of("Gelu"));
    }

    @Test
    void activationFormulas() {
        assertEquals(0.5f * 2f + 0.25f, new RnnActivation(RnnActivation.Kind.AFFINE, 0.5f, 0.25f).apply(2f));
        assertEquals(-0.02f, RnnActivation.of(RnnActivation.Kind.LEAKY_RELU).apply(-2f), 1e-7);
        assertEquals(0f, RnnActivation.of(RnnActivation.Kind.THRESHOLDED_RELU).apply(0.99f));
        assertEquals(1f, RnnActivation.of(RnnActivation.Kind.THRESHOLDED_RELU).apply(1f));
        assertEquals(2 * Math.tanh(3 * 0.1), new RnnActivation(RnnActivation.Kind.SCALED_TANH, 2, 3).apply(0.1f),
                1e-6);
        assertEquals(1f, RnnActivation.of(RnnActivation.Kind.HARD_SIGMOID).apply(10f));
        assertEquals(Math.expm1(-1), RnnActivation.of(RnnActivation.Kind.ELU).apply(-1f), 1e-6);
        assertEquals(-0.5f, RnnActivation.of(RnnActivation.Kind.SOFTSIGN).apply(-1f));
        assertEquals(100f, RnnActivation.of(RnnActivation.Kind.SOFTPLUS).apply(100f));
        assertEquals(0f, RnnActivation.of(RnnActivation.Kind.SIGMOID).apply(-1000f));
    }

    @Test
    void badShapesAndLengthsNameTheInput() {
        RecurrentConfig cfg = new RecurrentConfig(Direction.FORWARD, -1, false, Float.POSITIVE_INFINITY,
                RecurrentConfig.resolveActivations(null, null, null, Direction.FORWARD, new String[] {"Tanh"}));
        RnnOp op = new RnnOp(cfg, new boolean[] {true, true}, null, null);
        Tensor x = Tensor.zeros(dev.vinfer.runtime.DType.FLOAT32, 3, 2, 4);
        Tensor w = Tensor.zeros(dev.vinfer.runtime.DType.FLOAT32, 1, 5, 4);
        Tensor r = Tensor.zeros(dev.vinfer.runtime.DType.FLOAT32, 1, 5, 5);
        VinferException e = assertThrows(VinferException.class, () -> op.run(new TestContext(),
                new Tensor[] {x, w, r, null, Tensor.of(new int[] {1, 4}, 2), null}));
        assertTrue(e.getMessage().contains("sequence_lens[1] = 4"), e.getMessage());
        e = assertThrows(VinferException.class, () -> op.run(new TestContext(),
                new Tensor[] {x, w, r, Tensor.zeros(dev.vinfer.runtime.DType.FLOAT32, 1, 7), null, null}));
        assertTrue(e.getMessage().contains("input B"), e.getMessage());
        e = assertThrows(VinferException.class, () -> op.run(new TestContext(),
                new Tensor[] {x, Tensor.zeros(dev.vinfer.runtime.DType.FLOAT32, 1, 5, 3), r, null, null, null}));
        assertTrue(e.getMessage().contains("input size"), e.getMessage());
    }

    private static void compare(String what, double[] want, Tensor got, int[] shape, double atol, double rtol) {
        if (!Arrays.equals(shape, got.shape())) {
            fail(what + ": shape " + Arrays.toString(got.shape()) + ", expected " + Arrays.toString(shape));
        }
        for (int i = 0; i < want.length; i++) {
            double g = got.getDouble(i);
            if (!(Math.abs(g - want[i]) <= atol + rtol * Math.abs(want[i]))) {
                fail(what + ": element " + i + " is " + g + ", expected " + want[i] + " (atol " + atol + ", rtol "
                        + rtol + ")");
            }
        }
    }

    private static float[] random(Random rnd, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (rnd.nextFloat() * 2 - 1) * scale;
        }
        return a;
    }

    private static Tensor state(float[] s, int dirs, int batch, int hidden, boolean batchMajor) {
        return batchMajor ? Tensor.of(swap01(s, dirs, batch, hidden), batch, dirs, hidden)
                : Tensor.of(s, dirs, batch, hidden);
    }

    /** [a, b, c] to [b, a, c]. */
    private static float[] swap01(float[] v, int a, int b, int c) {
        float[] out = new float[v.length];
        for (int i = 0; i < a; i++) {
            for (int j = 0; j < b; j++) {
                System.arraycopy(v, (i * b + j) * c, out, (j * a + i) * c, c);
            }
        }
        return out;
    }

    private static double[] swap01(double[] v, int a, int b, int c) {
        double[] out = new double[v.length];
        for (int i = 0; i < a; i++) {
            for (int j = 0; j < b; j++) {
                System.arraycopy(v, (i * b + j) * c, out, (j * a + i) * c, c);
            }
        }
        return out;
    }

    /** [seq, dirs, batch, hidden] to [batch, seq, dirs, hidden]. */
    private static double[] yToBatchMajor(double[] y, int seq, int dirs, int batch, int hidden) {
        double[] out = new double[y.length];
        for (int t = 0; t < seq; t++) {
            for (int d = 0; d < dirs; d++) {
                for (int b = 0; b < batch; b++) {
                    System.arraycopy(y, ((t * dirs + d) * batch + b) * hidden, out,
                            ((b * seq + t) * dirs + d) * hidden, hidden);
                }
            }
        }
        return out;
    }
}
