package dev.vinfer.ops.rnn;

import dev.vinfer.runtime.Tensor;

/**
 * GRU (ONNX), gates in the spec's order z, r, h (f = Sigmoid, g = Tanh by default):
 * <pre>
 * zt = f(Xt*Wz^T + Ht-1*Rz^T + Wbz + Rbz)
 * rt = f(Xt*Wr^T + Ht-1*Rr^T + Wbr + Rbr)
 * ht = g(Xt*Wh^T + (rt (.) Ht-1)*Rh^T + Rbh + Wbh)          linear_before_reset = 0
 * ht = g(Xt*Wh^T + (rt (.) (Ht-1*Rh^T + Rbh)) + Wbh)        linear_before_reset != 0
 * Ht = (1 - zt) (.) ht + zt (.) Ht-1
 * </pre>
 * Without linear_before_reset the h gate's recurrent product needs rt first, so R is packed as two blocks (z and r
 * together, then h) and a step runs two products.
 */
public final class GruOp extends RecurrentOp {
    private final boolean linearBeforeReset;

    /** See {@link RecurrentOp#RecurrentOp}. */
    public GruOp(RecurrentConfig config, boolean linearBeforeReset, boolean[] wanted, Tensor constW,
            Tensor constR) {
        super(config, wanted, constW, constR);
        this.linearBeforeReset = linearBeforeReset;
    }

    @Override
    public String opType() {
        return "GRU";
    }

    @Override
    int gateCount() {
        return 3;
    }

    @Override
    int[][] recurrentBlocks() {
        return new int[][] {{0, 2}, {2, 3}};
    }

    @Override
    boolean recurrentBiasFolds(int gate) {
        // With linear_before_reset, Rbh is multiplied by rt and so cannot join Wbh.
        return gate != 2 || !linearBeforeReset;
    }

    @Override
    void runDirection(Pass p) {
        int hidden = p.hidden;
        int batch = p.batch;
        float[] recZr = new float[batch * 2 * hidden];
        float[] recH = new float[batch * hidden];
        float[] z = new float[batch * hidden];
        float[] resetH = new float[batch * hidden];
        float[] h = p.h;
        float[] xw = p.xw;
        float[] rbh = p.recurrentBias;
        RnnActivation f = p.activations[0];
        RnnActivation g = p.activations[1];
        boolean clips = config.clips();
        for (int s = 0, steps = p.steps(); s < steps; s++) {
            p.recurrent(0, h, recZr);
            if (linearBeforeReset) {
                p.recurrent(1, h, recH);
            }
            for (int b = 0; b < batch; b++) {
                if (s >= p.lens[b]) {
                    continue;
                }
                int xo = p.xwRow(p.time(s, b), b);
                int ro = b * 2 * hidden;
                int ho = b * hidden;
                for (int j = 0; j < hidden; j++) {
                    float vz = xw[xo + j] + recZr[ro + j];
                    float vr = xw[xo + hidden + j] + recZr[ro + hidden + j];
                    if (clips) {
                        vz = p.clip(vz);
                        vr = p.clip(vr);
                    }
                    z[ho + j] = f.apply(vz);
                    float r = f.apply(vr);
                    // Without linear_before_reset keep r (.) H for the second product; with it, the finished
                    // reset term r (.) (H*Rh^T + Rbh).
                    resetH[ho + j] = linearBeforeReset ? r * (recH[ho + j] + rbh[2 * hidden + j]) : r * h[ho + j];
                }
            }
            if (!linearBeforeReset) {
                p.recurrent(1, resetH, recH);
            }
            for (int b = 0; b < batch; b++) {
                if (s >= p.lens[b]) {
                    continue;
                }
                int t = p.time(s, b);
                int xo = p.xwRow(t, b) + 2 * hidden;
                int ho = b * hidden;
                for (int j = 0; j < hidden; j++) {
                    float v = xw[xo + j] + (linearBeforeReset ? resetH[ho + j] : recH[ho + j]);
                    float candidate = g.apply(clips ? p.clip(v) : v);
                    float zj = z[ho + j];
                    h[ho + j] = (1f - zj) * candidate + zj * h[ho + j];
                }
                p.emit(t, b);
            }
        }
    }

    @Override
    public String describe() {
        return super.describe() + (linearBeforeReset ? ", linear_before_reset" : "");
    }
}
