package dev.vinfer.ops.rnn;

import dev.vinfer.conv.Parallel;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;

/**
 * What RNN, GRU and LSTM share: reading and checking X, W, R, B, sequence_lens and the initial states in either
 * layout, the input projection of every time step at once ({@code X * W^T + biases}, one GEMM per direction), the
 * recurrent products, and writing Y and the final states. Subclasses supply the gate arithmetic of one step.
 *
 * <p>Inputs in ONNX order: X, W, R, B, sequence_lens, initial_h, then (LSTM) initial_c, P. Outputs: Y, Y_h (and
 * Y_c). Each batch entry runs over its own sequence length; steps past it leave Y at zero and the state as it was,
 * so Y_h is the state after the entry's last step (for a reverse direction: after step 0).
 */
abstract class RecurrentOp implements Operator {
    final RecurrentConfig config;
    private final boolean[] wanted;
    /** Weights packed once at construction when W and R are constant, else null (packed per run). */
    private final RecurrentWeights constWeights;
    private final Tensor constW;
    private final Tensor constR;

    /**
     * @param wanted which outputs the graph uses (Y, Y_h[, Y_c]); the others are not computed
     * @param constW W when it is a constant, else null
     * @param constR R when it is a constant, else null
     */
    RecurrentOp(RecurrentConfig config, boolean[] wanted, Tensor constW, Tensor constR) {
        this.config = config;
        this.wanted = wanted.clone();
        if (constW != null && constR != null && constW.dtype() == DType.FLOAT32 && constR.dtype() == DType.FLOAT32) {
            Dims w = weightDims(constW, constR);
            this.constWeights = new RecurrentWeights(constW, constR, w.hidden, gateCount(), recurrentBlocks(),
                    config.directions());
            this.constW = constW;
            this.constR = constR;
        } else {
            this.constWeights = null;
            this.constW = null;
            this.constR = null;
        }
    }

    /** Gates per direction: 1 (RNN), 3 (GRU), 4 (LSTM). */
    abstract int gateCount();

    /**
     * The gate ranges {from, to} whose recurrent products a step computes together; the weights of each range are
     * packed separately (GRU multiplies its h gate after the reset gate is known).
     */
    abstract int[][] recurrentBlocks();

    /** Number of state outputs after Y: 1 (Y_h) or 2 (Y_h, Y_c). */
    int stateOutputs() {
        return 1;
    }

    /**
     * Whether the recurrent bias Rb of {@code gate} can be added together with Wb to the input projection (true
     * for every gate unless the equations apply something to the recurrent term before the sum).
     */
    boolean recurrentBiasFolds(int gate) {
        return true;
    }

    /** Runs direction {@code d} over the whole batch; see {@link Pass}. */
    abstract void runDirection(Pass pass);

    /** Checks inputs beyond the common six (LSTM's P); hidden is known by then. */
    void checkExtraInputs(Tensor[] inputs, int hidden) {
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = input(inputs, 0);
        Tensor w = input(inputs, 1);
        Tensor r = input(inputs, 2);
        if (x == null || w == null || r == null) {
            throw new VinferException(opType() + " needs inputs X, W and R");
        }
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] != null && i != 4 && inputs[i].dtype() != DType.FLOAT32) {
                throw new VinferException(opType() + " supports float32 only; input " + i + " is "
                        + inputs[i].dtype().displayName());
            }
        }
        if (x.rank() != 3) {
            throw new VinferException(opType() + " input X must be 3-D, got " + x);
        }
        Dims dims = weightDims(w, r);
        int dirs = config.directions();
        int gates = gateCount();
        int hidden = dims.hidden;
        int seq = config.batchMajor() ? x.dim(1) : x.dim(0);
        int batch = config.batchMajor() ? x.dim(0) : x.dim(1);
        int inputSize = x.dim(2);
        if (w.dim(2) != inputSize) {
            throw new VinferException(opType() + " W " + w + " does not match X " + x + " (input size "
                    + inputSize + ")");
        }
        Tensor b = input(inputs, 3);
        checkShape("B", b, dirs, 2 * gates * hidden);
        int[] lens = sequenceLengths(input(inputs, 4), seq, batch);
        Tensor h0 = input(inputs, 5);
        checkShape("initial_h", h0, stateShape(dirs, batch, hidden));
        Tensor c0 = stateOutputs() > 1 ? input(inputs, 6) : null;
        checkShape("initial_c", c0, stateShape(dirs, batch, hidden));
        checkExtraInputs(inputs, hidden);

        RecurrentWeights weights = w == constW && r == constR ? constWeights
                : new RecurrentWeights(w, r, hidden, gates, recurrentBlocks(), dirs);

        Tensor y = wanted(0) ? ctx.output(0, DType.FLOAT32, config.batchMajor()
                ? new int[] {batch, seq, dirs, hidden} : new int[] {seq, dirs, batch, hidden}) : null;
        if (y != null) {
            Arrays.fill(y.floats(), y.offset(), y.offset() + y.size(), 0f);
        }
        Tensor[] states = new Tensor[stateOutputs()];
        for (int s = 0; s < states.length; s++) {
            if (wanted(1 + s)) {
                states[s] = ctx.output(1 + s, DType.FLOAT32, stateShape(dirs, batch, hidden));
            }
        }
        // The projections of all steps: bounded like any tensor (a hostile X and W could ask for more than 2^31).
        ctx.options().limits().checkShape(opType() + " input projection",
                new int[] {Math.multiplyExact(seq, batch), gates * hidden});
        float[] xw = new float[seq * batch * gates * hidden];
        for (int d = 0; d < dirs; d++) {
            Pass pass = new Pass(this, inputs, d, seq, batch, hidden, lens, ctx.parallel(), weights, y);
            pass.project(x, xw, b);
            pass.h = initialState(h0, d, batch, hidden);
            pass.c = stateOutputs() > 1 ? initialState(c0, d, batch, hidden) : null;
            runDirection(pass);
            writeState(states[0], pass.h, d, batch, hidden);
            if (states.length > 1) {
                writeState(states[1], pass.c, d, batch, hidden);
            }
        }
        Tensor[] out = new Tensor[1 + states.length];
        out[0] = y;
        System.arraycopy(states, 0, out, 1, states.length);
        return out;
    }

    private boolean wanted(int output) {
        return output < wanted.length && wanted[output];
    }

    static Tensor input(Tensor[] inputs, int i) {
        return i < inputs.length ? inputs[i] : null;
    }

    private record Dims(int hidden) {
    }

    private Dims weightDims(Tensor w, Tensor r) {
        int dirs = config.directions();
        int gates = gateCount();
        if (w.rank() != 3 || w.dim(0) != dirs || w.dim(1) % gates != 0) {
            throw new VinferException(opType() + " W must be [" + dirs + ", " + gates + "*hidden_size, input_size],"
                    + " got " + w);
        }
        int hidden = w.dim(1) / gates;
        if (hidden < 1) {
            throw new VinferException(opType() + " W " + w + " gives a hidden size of 0");
        }
        if (config.hiddenSize() >= 0 && config.hiddenSize() != hidden) {
            throw new VinferException(opType() + " hidden_size " + config.hiddenSize() + " does not match W " + w);
        }
        if (r.rank() != 3 || r.dim(0) != dirs || r.dim(1) != gates * hidden || r.dim(2) != hidden) {
            throw new VinferException(opType() + " R must be [" + dirs + ", " + gates * hidden + ", " + hidden
                    + "], got " + r);
        }
        return new Dims(hidden);
    }

    int[] stateShape(int dirs, int batch, int hidden) {
        return config.batchMajor() ? new int[] {batch, dirs, hidden} : new int[] {dirs, batch, hidden};
    }

    void checkShape(String name, Tensor t, int... shape) {
        if (t != null && !Arrays.equals(t.shape(), shape)) {
            throw new VinferException(opType() + " input " + name + " must have shape " + Arrays.toString(shape)
                    + ", got " + t);
        }
    }

    private int[] sequenceLengths(Tensor t, int seq, int batch) {
        int[] lens = new int[batch];
        if (t == null) {
            Arrays.fill(lens, seq);
            return lens;
        }
        if (t.dtype().isFloatingPoint() || t.rank() != 1 || t.dim(0) != batch) {
            throw new VinferException(opType() + " sequence_lens must be an int32 tensor of shape [" + batch
                    + "], got " + t);
        }
        for (int i = 0; i < batch; i++) {
            long v = t.getLong(i);
            if (v < 0 || v > seq) {
                throw new VinferException(opType() + " sequence_lens[" + i + "] = " + v + " is outside [0, " + seq
                        + "]");
            }
            lens[i] = (int) v;
        }
        return lens;
    }

    /** The state of direction d as a [batch, hidden] array: a copy of the initial state, or zeros. */
    private float[] initialState(Tensor t, int d, int batch, int hidden) {
        float[] s = new float[batch * hidden];
        if (t != null) {
            float[] a = t.floats();
            for (int b = 0; b < batch; b++) {
                System.arraycopy(a, t.offset() + stateIndex(d, b, batch, hidden), s, b * hidden, hidden);
            }
        }
        return s;
    }

    private void writeState(Tensor out, float[] s, int d, int batch, int hidden) {
        if (out == null) {
            return;
        }
        for (int b = 0; b < batch; b++) {
            System.arraycopy(s, b * hidden, out.floats(), out.offset() + stateIndex(d, b, batch, hidden), hidden);
        }
    }

    private int stateIndex(int d, int b, int batch, int hidden) {
        int dirs = config.directions();
        return (config.batchMajor() ? b * dirs + d : d * batch + b) * hidden;
    }

    @Override
    public String describe() {
        return config.toString();
    }

    /**
     * One direction's run: the projected inputs of every step, the per-step recurrent product, the running states
     * (h and, for LSTM, c, each [batch, hidden]) and the Y writer.
     */
    static final class Pass {
        final RecurrentOp op;
        /** The op's inputs, for subclass-specific ones (LSTM's peepholes). */
        final Tensor[] inputs;
        final int direction;
        final boolean backwards;
        final int seq;
        final int batch;
        final int hidden;
        final int gateWidth;
        final int[] lens;
        final Parallel parallel;
        final RecurrentWeights weights;
        final Tensor y;
        final RnnActivation[] activations;
        final float clip;
        /** X * W^T + folded biases, one row of gates*hidden per (t, b), in X's row order. */
        float[] xw;
        /** Recurrent biases that could not be folded (zero for gates whose bias folds), gates*hidden. */
        final float[] recurrentBias;
        float[] h;
        float[] c;

        Pass(RecurrentOp op, Tensor[] inputs, int direction, int seq, int batch, int hidden, int[] lens, Parallel parallel,
                RecurrentWeights weights, Tensor y) {
            this.op = op;
            this.inputs = inputs;
            this.direction = direction;
            this.backwards = op.config.direction().backwards(direction);
            this.seq = seq;
            this.batch = batch;
            this.hidden = hidden;
            this.gateWidth = op.gateCount() * hidden;
            this.lens = lens;
            this.parallel = parallel;
            this.weights = weights;
            this.y = y;
            this.activations = op.config.activations()[direction];
            this.clip = op.config.clip();
            this.recurrentBias = new float[gateWidth];
        }

        /** Fills {@code xw} with X * W^T plus Wb and the foldable part of Rb. */
        void project(Tensor x, float[] xw, Tensor b) {
            this.xw = xw;
            int rows = seq * batch;
            weights.projectInputs(direction, rows, x.floats(), x.offset(), x.dim(2), xw, parallel);
            if (b == null) {
                return;
            }
            float[] bias = new float[gateWidth];
            float[] bd = b.floats();
            int base = b.offset() + direction * 2 * gateWidth;
            for (int g = 0; g < op.gateCount(); g++) {
                boolean folds = op.recurrentBiasFolds(g);
                for (int j = 0; j < hidden; j++) {
                    int k = g * hidden + j;
                    float rb = bd[base + gateWidth + k];
                    bias[k] = bd[base + k] + (folds ? rb : 0f);
                    recurrentBias[k] = folds ? 0f : rb;
                }
            }
            for (int row = 0; row < rows; row++) {
                int o = row * gateWidth;
                for (int k = 0; k < gateWidth; k++) {
                    xw[o + k] += bias[k];
                }
            }
        }

        /** Index in {@code xw} of the gates of batch entry b at time t. */
        int xwRow(int t, int b) {
            return (op.config.batchMajor() ? b * seq + t : t * batch + b) * gateWidth;
        }

        /** The time index of step {@code s} of batch entry {@code b} (steps count from the direction's start). */
        int time(int s, int b) {
            return backwards ? lens[b] - 1 - s : s;
        }

        /** Longest sequence: the number of steps to run. */
        int steps() {
            int m = 0;
            for (int l : lens) {
                m = Math.max(m, l);
            }
            return m;
        }

        /** {@code out[batch, width] = state * R_block^T} for recurrent block {@code block}. */
        void recurrent(int block, float[] state, float[] out) {
            weights.recurrent(direction, block, batch, state, out, parallel);
        }

        /** Clips v to [-clip, clip] when the layer clips. */
        float clip(float v) {
            return v > clip ? clip : v < -clip ? -clip : v;
        }

        /** Writes h of batch entry b as Y at time t. */
        void emit(int t, int b) {
            if (y == null) {
                return;
            }
            int dirs = op.config.directions();
            int at = op.config.batchMajor() ? ((b * seq + t) * dirs + direction) * hidden
                    : ((t * dirs + direction) * batch + b) * hidden;
            System.arraycopy(h, b * hidden, y.floats(), y.offset() + at, hidden);
        }
    }
}
