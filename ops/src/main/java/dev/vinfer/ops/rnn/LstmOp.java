package dev.vinfer.ops.rnn;

import dev.vinfer.runtime.Tensor;

/**
 * LSTM (ONNX), gates in the spec's order i, o, f, c (f = Sigmoid, g = Tanh, h = Tanh by default):
 * <pre>
 * it = f(Xt*Wi^T + Ht-1*Ri^T + Pi (.) Ct-1 + Wbi + Rbi)
 * ft = f(Xt*Wf^T + Ht-1*Rf^T + Pf (.) Ct-1 + Wbf + Rbf)      (ft = 1 - it with input_forget)
 * ct = g(Xt*Wc^T + Ht-1*Rc^T + Wbc + Rbc)
 * Ct = ft (.) Ct-1 + it (.) ct
 * ot = f(Xt*Wo^T + Ht-1*Ro^T + Po (.) Ct + Wbo + Rbo)
 * Ht = ot (.) h(Ct)
 * </pre>
 * The clip threshold bounds the argument of f and g (the gate pre-activations), not the cell state.
 * Extra inputs: initial_c (6) and the peepholes P (7, [dirs, 3*hidden] in order i, o, f); extra output Y_c.
 */
public final class LstmOp extends RecurrentOp {
    private final boolean inputForget;

    /** See {@link RecurrentOp#RecurrentOp}; {@code inputForget} couples the forget gate to the input gate. */
    public LstmOp(RecurrentConfig config, boolean inputForget, boolean[] wanted, Tensor constW, Tensor constR) {
        super(config, wanted, constW, constR);
        this.inputForget = inputForget;
    }

    @Override
    public String opType() {
        return "LSTM";
    }

    @Override
    int gateCount() {
        return 4;
    }

    @Override
    int[][] recurrentBlocks() {
        return new int[][] {{0, 4}};
    }

    @Override
    int stateOutputs() {
        return 2;
    }

    @Override
    void checkExtraInputs(Tensor[] inputs, int hidden) {
        Tensor p = input(inputs, 7);
        checkShape("P", p, config.directions(), 3 * hidden);
    }

    @Override
    void runDirection(Pass p) {
        int hidden = p.hidden;
        int width = p.gateWidth;
        float[] rec = new float[p.batch * width];
        float[] h = p.h;
        float[] c = p.c;
        float[] xw = p.xw;
        RnnActivation f = p.activations[0];
        RnnActivation g = p.activations[1];
        RnnActivation hAct = p.activations[2];
        Tensor pt = input(p.inputs, 7);
        float[] pd = pt == null ? null : pt.floats();
        int po = pt == null ? 0 : pt.offset() + p.direction * 3 * hidden;
        boolean clips = config.clips();
        for (int s = 0, steps = p.steps(); s < steps; s++) {
            p.recurrent(0, h, rec);
            for (int b = 0; b < p.batch; b++) {
                if (s >= p.lens[b]) {
                    continue;
                }
                int t = p.time(s, b);
                int xo = p.xwRow(t, b);
                int ro = b * width;
                int ho = b * hidden;
                for (int j = 0; j < hidden; j++) {
                    float cPrev = c[ho + j];
                    float vi = xw[xo + j] + rec[ro + j];
                    float vf = xw[xo + 2 * hidden + j] + rec[ro + 2 * hidden + j];
                    float vc = xw[xo + 3 * hidden + j] + rec[ro + 3 * hidden + j];
                    if (pd != null) {
                        vi += pd[po + j] * cPrev;
                        vf += pd[po + 2 * hidden + j] * cPrev;
                    }
                    if (clips) {
                        vi = p.clip(vi);
                        vf = p.clip(vf);
                        vc = p.clip(vc);
                    }
                    float gi = f.apply(vi);
                    float gf = inputForget ? 1f - gi : f.apply(vf);
                    float cell = gf * cPrev + gi * g.apply(vc);
                    float vo = xw[xo + hidden + j] + rec[ro + hidden + j];
                    if (pd != null) {
                        vo += pd[po + hidden + j] * cell;
                    }
                    if (clips) {
                        vo = p.clip(vo);
                    }
                    c[ho + j] = cell;
                    h[ho + j] = f.apply(vo) * hAct.apply(cell);
                }
                p.emit(t, b);
            }
        }
    }

    @Override
    public String describe() {
        return super.describe() + (inputForget ? ", input_forget" : "");
    }
}
