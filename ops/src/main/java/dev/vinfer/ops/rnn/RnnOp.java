package dev.vinfer.ops.rnn;

import dev.vinfer.runtime.Tensor;

/**
 * RNN (ONNX): the simple recurrent layer {@code Ht = f(Xt*Wi^T + Ht-1*Ri^T + Wbi + Rbi)}, f = Tanh by default.
 */
public final class RnnOp extends RecurrentOp {

    /** See {@link RecurrentOp#RecurrentOp}. */
    public RnnOp(RecurrentConfig config, boolean[] wanted, Tensor constW, Tensor constR) {
        super(config, wanted, constW, constR);
    }

    @Override
    public String opType() {
        return "RNN";
    }

    @Override
    int gateCount() {
        return 1;
    }

    @Override
    int[][] recurrentBlocks() {
        return new int[][] {{0, 1}};
    }

    @Override
    void runDirection(Pass p) {
        int hidden = p.hidden;
        float[] rec = new float[p.batch * hidden];
        float[] h = p.h;
        float[] xw = p.xw;
        RnnActivation f = p.activations[0];
        boolean clips = config.clips();
        for (int s = 0, steps = p.steps(); s < steps; s++) {
            p.recurrent(0, h, rec);
            for (int b = 0; b < p.batch; b++) {
                if (s >= p.lens[b]) {
                    continue;
                }
                int t = p.time(s, b);
                int xo = p.xwRow(t, b);
                int ho = b * hidden;
                for (int j = 0; j < hidden; j++) {
                    float v = xw[xo + j] + rec[ho + j];
                    h[ho + j] = clips ? p.clip(v) : v;
                }
                f.applyInPlace(h, ho, hidden);
                p.emit(t, b);
            }
        }
    }
}
