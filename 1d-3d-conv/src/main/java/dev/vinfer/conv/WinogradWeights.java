package dev.vinfer.conv;

/** The Winograd weight transform of {@link WinogradConv}, done once per weight when a session opens. */
final class WinogradWeights {
    private WinogradWeights() {
    }

    /**
     * {@code U = (G_D x G_H x G_W) w} per (group, position), computed in double and packed for the chosen GEMM
     * layout (as A operands by columns, transposed as B operands by rows). It runs when a session opens, on every
     * 3x3 weight, so it is arranged for speed: per output channel the weights are turned to
     * {@code [tap][input channel]}, and the transform is applied one axis at a time (W, then H, then D) as row
     * operations over all input channels at once (loops the JIT vectorizes), which for F(4,3) also takes half the
     * multiplications of the full Kronecker product. {@code taps} is the kernel's size (3, 9 or 27),
     * {@code positions} the transformed tile's ({@code td.t * th.t * tw.t}).
     */
    static PackedMatrix[][] transform(ConvGeometry g, int taps, WinogradTransform td, WinogradTransform th,
            WinogradTransform tw, int positions, boolean byColumns, Backend backend, float[] w, int wOff) {
        int cg = g.inChannelsPerGroup();
        int mg = g.outChannelsPerGroup();
        PackedMatrix[][] out = new PackedMatrix[g.group()][];
        for (int gi = 0; gi < g.group(); gi++) {
            float[][] byPos = transformGroup(g, gi, taps, td, th, tw, positions, w, wOff);
            out[gi] = new PackedMatrix[positions];
            for (int p = 0; p < positions; p++) {
                // By rows the GEMMs are V^T x U^T (U^T is their packed B); by columns U x V (U packed as A).
                out[gi][p] = byColumns ? backend.packA(false, mg, cg, byPos[p], 0, cg)
                        : backend.packB(true, cg, mg, byPos[p], 0, cg);
            }
        }
        return out;
    }

    /**
     * Group gi's transformed weights unpacked: {@code [position][output channel * C/G + input channel]}
     * ({@code U_pos}, M/G x C/G row-major).
     */
    static float[][] transformGroup(ConvGeometry g, int gi, int taps, WinogradTransform td, WinogradTransform th,
            WinogradTransform tw, int positions, float[] w, int wOff) {
        int cg = g.inChannelsPerGroup();
        int mg = g.outChannelsPerGroup();
        float[][] byPos = new float[positions][mg * cg];
        double[] wt = new double[taps * cg];
        double[] alongW = new double[td.taps * th.taps * tw.t * cg];
        double[] alongH = new double[td.taps * th.t * tw.t * cg];
        double[] u = new double[positions * cg];
        for (int mo = 0; mo < mg; mo++) {
            int base = wOff + (gi * mg + mo) * cg * taps;
            for (int c = 0; c < cg; c++) {
                for (int k = 0; k < taps; k++) {
                    wt[k * cg + c] = w[base + c * taps + k];
                }
            }
            for (int row = 0; row < td.taps * th.taps; row++) {
                for (int cc = 0; cc < tw.t; cc++) {
                    combineRows(tw.g, cc * tw.taps, tw.taps, wt, row * tw.taps * cg, cg, alongW,
                            (row * tw.t + cc) * cg, cg);
                }
            }
            for (int kd = 0; kd < td.taps; kd++) {
                for (int b = 0; b < th.t; b++) {
                    for (int cc = 0; cc < tw.t; cc++) {
                        combineRows(th.g, b * th.taps, th.taps, alongW, (kd * th.taps * tw.t + cc) * cg,
                                tw.t * cg, alongH, ((kd * th.t + b) * tw.t + cc) * cg, cg);
                    }
                }
            }
            int plane = th.t * tw.t;
            for (int a = 0; a < td.t; a++) {
                for (int q = 0; q < plane; q++) {
                    combineRows(td.g, a * td.taps, td.taps, alongH, q * cg, plane * cg, u, (a * plane + q) * cg,
                            cg);
                }
            }
            for (int p = 0; p < positions; p++) {
                float[] dst = byPos[p];
                int d = mo * cg;
                int src = p * cg;
                for (int c = 0; c < cg; c++) {
                    dst[d + c] = (float) u[src + c];
                }
            }
        }
        return byPos;
    }

    /**
     * {@code dst[dOff + c] = sum over k < n of coef[cOff + k] * src[sOff + k * sStride + c]} for c < len, summed in
     * k order (a row combination over all input channels at once).
     */
    private static void combineRows(double[] coef, int cOff, int n, double[] src, int sOff, int sStride,
            double[] dst, int dOff, int len) {
        double c0 = coef[cOff];
        for (int c = 0; c < len; c++) {
            dst[dOff + c] = c0 * src[sOff + c];
        }
        for (int k = 1; k < n; k++) {
            double ck = coef[cOff + k];
            int so = sOff + k * sStride;
            for (int c = 0; c < len; c++) {
                dst[dOff + c] += ck * src[so + c];
            }
        }
    }
}
