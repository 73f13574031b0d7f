package dev.vinfer.conv;

import static dev.vinfer.conv.NchwcLayout.BLOCK;

import java.util.Arrays;

/**
 * The weights of {@link NchwcWinogradConv}, transformed and packed once when a layer is prepared. They go straight
 * into the packed layout of the blocked 1x1 kernel (which runs the per-position products), row by row of it, so
 * that every position's writes are sequential, and a whole row (a group's outputs) at a time:
 * {@code U[pos] = sum over the 9 taps ab of (G[i][a] G[j][b]) w[ab]}, as loops over the row that the JIT can
 * vectorize. Session 21 found opening ResNet-50 spending about a quarter of its JFR samples in the earlier form (one
 * (output, input) pair at a time, an {@code M x C} matrix per position packed afterwards, output by output); the
 * packing orders of every kernel together took opening ResNet-50 from about 225 to 200 ms (bench/README.md,
 * "Session 21"); this row-at-a-time arithmetic alone measured within the noise of the step before it.
 */
final class NchwcWinogradWeights {
    private NchwcWinogradWeights() {
    }

    /**
     * {@code U = G w G^T} per (output, input) channel pair of {@code g}'s 3x3 weights ({@code M x C x 3 x 3} from
     * {@code wOff}), in double and rounded once; per position {@code pos = i * t + j} the {@code M x C} matrix in
     * the packed layout of {@link NchwcPointwiseConv#pack} for groups of {@code group} output blocks, from index
     * {@code lead} of each array.
     */
    static float[][] transform(ConvGeometry g, WinogradTransform tr, int group, float[] w, int wOff, int lead) {
        int t = tr.t;
        int tt = t * t;
        double[] coef = new double[tt * 9];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < t; j++) {
                for (int a = 0; a < 3; a++) {
                    for (int b = 0; b < 3; b++) {
                        coef[(i * t + j) * 9 + a * 3 + b] = tr.g[i * 3 + a] * tr.g[j * 3 + b];
                    }
                }
            }
        }
        return combine(g, coef, tt, "Winograd F(" + tr.m + ",3)", group, w, wOff, lead);
    }

    /**
     * Per matrix {@code pos < count}, {@code sum over the 9 taps ab of coef[pos * 9 + ab] w[ab]} for every (output,
     * input) channel pair of {@code g}'s 3x3 weights, in double and rounded once, packed as {@link #transform}
     * packs; {@code what} names the algorithm in the size check's message.
     */
    static float[][] combine(ConvGeometry g, double[] coef, int count, String what, int group, float[] w, int wOff,
            int lead) {
        int c = g.inChannels();
        int mo = g.outChannels();
        long total = (long) count * mo * c;
        if (total > WinogradConv.MAX_TRANSFORMED_WEIGHTS) {
            throw new IllegalArgumentException(what + " would hold " + total + " transformed weights (at most "
                    + WinogradConv.MAX_TRANSFORMED_WEIGHTS + "): " + g);
        }
        int outBlocks = NchwcLayout.blocks(mo);
        int tt = count;
        float[][] packed = new float[tt][Math.addExact(lead, Math.multiplyExact(outBlocks * c, BLOCK))];
        int width = group * BLOCK;
        double[] taps = new double[9 * width];
        double[] acc = new double[width];
        for (int g0 = 0; g0 < outBlocks; g0 += group) {
            int ld = Math.min(group, outBlocks - g0) * BLOCK;
            int o0 = g0 * BLOCK;
            int n = Math.min(mo, o0 + ld) - o0;
            int row = lead + g0 * c * BLOCK;
            for (int k = 0; k < c; k++, row += ld) {
                for (int j = 0; j < n; j++) {
                    int base = wOff + ((o0 + j) * c + k) * 9;
                    for (int ab = 0; ab < 9; ab++) {
                        taps[ab * width + j] = w[base + ab];
                    }
                }
                for (int pos = 0; pos < tt; pos++) {
                    Arrays.fill(acc, 0, n, 0d);
                    for (int ab = 0; ab < 9; ab++) {
                        double f = coef[pos * 9 + ab];
                        if (f == 0) {
                            continue;
                        }
                        int tb = ab * width;
                        for (int j = 0; j < n; j++) {
                            acc[j] += f * taps[tb + j];
                        }
                    }
                    float[] dst = packed[pos];
                    for (int j = 0; j < n; j++) {
                        dst[row + j] = (float) acc[j];
                    }
                }
            }
        }
        return packed;
    }
}
