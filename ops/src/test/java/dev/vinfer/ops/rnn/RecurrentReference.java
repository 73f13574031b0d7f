package dev.vinfer.ops.rnn;

/**
 * A plain double-precision transcription of the ONNX RNN, GRU and LSTM equations, one scalar at a time with no
 * packing, folding or batching, to check the operators against. Works in layout 0 (the test converts).
 */
final class RecurrentReference {
    enum Kind { RNN, GRU, LSTM }

    /** Results in layout 0: y [seq, dirs, batch, hidden], yh and yc [dirs, batch, hidden]. */
    record Result(double[] y, double[] yh, double[] yc) {
    }

    /**
     * @param x    [seq, batch, input]
     * @param w    [dirs, gates*hidden, input]
     * @param r    [dirs, gates*hidden, hidden]
     * @param b    [dirs, 2*gates*hidden] or null
     * @param lens [batch] or null
     * @param h0   [dirs, batch, hidden] or null
     * @param c0   [dirs, batch, hidden] or null
     * @param p    [dirs, 3*hidden] or null
     */
    static Result run(Kind kind, RecurrentConfig cfg, boolean flag, int seq, int batch, int input, int hidden,
            float[] x, float[] w, float[] r, float[] b, int[] lens, float[] h0, float[] c0, float[] p) {
        int dirs = cfg.directions();
        int gates = switch (kind) {
            case RNN -> 1;
            case GRU -> 3;
            case LSTM -> 4;
        };
        double[] y = new double[seq * dirs * batch * hidden];
        double[] yh = new double[dirs * batch * hidden];
        double[] yc = new double[dirs * batch * hidden];
        for (int d = 0; d < dirs; d++) {
            RnnActivation[] act = cfg.activations()[d];
            for (int bb = 0; bb < batch; bb++) {
                int len = lens == null ? seq : lens[bb];
                double[] h = new double[hidden];
                double[] c = new double[hidden];
                for (int j = 0; j < hidden; j++) {
                    h[j] = h0 == null ? 0 : h0[(d * batch + bb) * hidden + j];
                    c[j] = c0 == null ? 0 : c0[(d * batch + bb) * hidden + j];
                }
                for (int s = 0; s < len; s++) {
                    int t = cfg.direction().backwards(d) ? len - 1 - s : s;
                    double[] xt = new double[input];
                    for (int i = 0; i < input; i++) {
                        xt[i] = x[(t * batch + bb) * input + i];
                    }
                    double[][] hn = switch (kind) {
                        case RNN -> new double[][] {rnnStep(cfg, act, d, gates, input, hidden, w, r, b, xt, h)};
                        case GRU -> new double[][] {gruStep(cfg, act, flag, d, input, hidden, w, r, b, xt, h)};
                        case LSTM -> lstmStep(cfg, act, flag, d, input, hidden, w, r, b, p, xt, h, c);
                    };
                    h = hn[0];
                    if (kind == Kind.LSTM) {
                        c = hn[1];
                    }
                    for (int j = 0; j < hidden; j++) {
                        y[((t * dirs + d) * batch + bb) * hidden + j] = h[j];
                    }
                }
                for (int j = 0; j < hidden; j++) {
                    yh[(d * batch + bb) * hidden + j] = h[j];
                    yc[(d * batch + bb) * hidden + j] = c[j];
                }
            }
        }
        return new Result(y, yh, yc);
    }

    /** Xt*Wg^T + Ht-1*Rg^T (+ Wbg + Rbg) for gate g, element j; the recurrent term uses {@code hr}. */
    private static double pre(int d, int gates, int g, int j, int input, int hidden, float[] w, float[] r, float[] b,
            double[] xt, double[] hr, boolean withRb) {
        int row = (d * gates + g) * hidden + j;
        double v = 0;
        for (int i = 0; i < input; i++) {
            v += xt[i] * w[row * input + i];
        }
        for (int k = 0; k < hidden; k++) {
            v += hr[k] * r[row * hidden + k];
        }
        if (b != null) {
            v += b[d * 2 * gates * hidden + g * hidden + j];
            if (withRb) {
                v += b[d * 2 * gates * hidden + gates * hidden + g * hidden + j];
            }
        }
        return v;
    }

    private static double act(RecurrentConfig cfg, RnnActivation a, double v) {
        if (cfg.clips()) {
            v = Math.max(-cfg.clip(), Math.min(cfg.clip(), v));
        }
        return a.applyDouble(v);
    }

    private static double[] rnnStep(RecurrentConfig cfg, RnnActivation[] act, int d, int gates, int input,
            int hidden, float[] w, float[] r, float[] b, double[] xt, double[] h) {
        double[] out = new double[hidden];
        for (int j = 0; j < hidden; j++) {
            out[j] = act(cfg, act[0], pre(d, gates, 0, j, input, hidden, w, r, b, xt, h, true));
        }
        return out;
    }

    private static double[] gruStep(RecurrentConfig cfg, RnnActivation[] act, boolean lbr, int d, int input,
            int hidden, float[] w, float[] r, float[] b, double[] xt, double[] h) {
        double[] z = new double[hidden];
        double[] rr = new double[hidden];
        for (int j = 0; j < hidden; j++) {
            z[j] = act(cfg, act[0], pre(d, 3, 0, j, input, hidden, w, r, b, xt, h, true));
            rr[j] = act(cfg, act[0], pre(d, 3, 1, j, input, hidden, w, r, b, xt, h, true));
        }
        double[] out = new double[hidden];
        double[] zero = new double[hidden];
        double[] rh = new double[hidden];
        for (int k = 0; k < hidden; k++) {
            rh[k] = rr[k] * h[k];
        }
        for (int j = 0; j < hidden; j++) {
            double v;
            if (lbr) {
                // Xt*Wh^T + Wbh + rt (.) (Ht-1*Rh^T + Rbh)
                double xPart = pre(d, 3, 2, j, input, hidden, w, r, b, xt, zero, false);
                double hPart = pre(d, 3, 2, j, 0, hidden, w, r, null, new double[0], h, false);
                if (b != null) {
                    hPart += b[d * 6 * hidden + 3 * hidden + 2 * hidden + j];
                }
                v = xPart + rr[j] * hPart;
            } else {
                v = pre(d, 3, 2, j, input, hidden, w, r, b, xt, rh, true);
            }
            double hh = act(cfg, act[1], v);
            out[j] = (1 - z[j]) * hh + z[j] * h[j];
        }
        return out;
    }

    private static double[][] lstmStep(RecurrentConfig cfg, RnnActivation[] act, boolean inputForget, int d,
            int input, int hidden, float[] w, float[] r, float[] b, float[] p, double[] xt, double[] h,
            double[] c) {
        double[] hn = new double[hidden];
        double[] cn = new double[hidden];
        for (int j = 0; j < hidden; j++) {
            double pi = p == null ? 0 : p[d * 3 * hidden + j];
            double po = p == null ? 0 : p[d * 3 * hidden + hidden + j];
            double pf = p == null ? 0 : p[d * 3 * hidden + 2 * hidden + j];
            double i = act(cfg, act[0], pre(d, 4, 0, j, input, hidden, w, r, b, xt, h, true) + pi * c[j]);
            double f = inputForget ? 1 - i
                    : act(cfg, act[0], pre(d, 4, 2, j, input, hidden, w, r, b, xt, h, true) + pf * c[j]);
            double g = act(cfg, act[1], pre(d, 4, 3, j, input, hidden, w, r, b, xt, h, true));
            cn[j] = f * c[j] + i * g;
            double o = act(cfg, act[0], pre(d, 4, 1, j, input, hidden, w, r, b, xt, h, true) + po * cn[j]);
            hn[j] = o * act[2].applyDouble(cn[j]);
        }
        return new double[][] {hn, cn};
    }
}
