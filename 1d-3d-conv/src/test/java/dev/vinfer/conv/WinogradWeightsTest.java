package dev.vinfer.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The float weight transform ({@link WinogradWeights#transformGroup}, rows through the backend) against the
 * transform in double straight from its definition, {@code U[a,b,cc] = sum G_D[a,kd] G_H[b,kh] G_W[cc,kw] w[kd,kh,kw]}.
 * Declared bound per value: {@code 4 * axes * 2^-24 * sum |G_D G_H G_W| |w|} (per axis one rounding of each
 * coefficient to float and at most three roundings in its fused sum). The largest fraction of the bound used per
 * F(m) is printed, so the precision given up against the old double transform is on record.
 */
class WinogradWeightsTest {
    private static final double EPS = Math.ulp(1f) / 2; // 2^-24

    @Test
    void floatTransformMatchesDoubleDefinition() {
        long seed = 20261128L;
        Random r = new Random(seed);
        // {rank, m, inChannels, outChannels, group}: output channel counts (the vector axis) hit the vector tails.
        int[][] cases = {{2, 2, 3, 5, 1}, {2, 4, 4, 33, 1}, {2, 6, 2, 17, 1}, {2, 4, 8, 64, 2}, {1, 4, 3, 19, 1},
            {1, 6, 2, 40, 1}, {3, 2, 2, 7, 1}, {3, 4, 2, 18, 1}, {3, 6, 2, 3, 1}, {2, 6, 3, 128, 1}};
        double[] used = new double[7];
        for (int[] cs : cases) {
            int rank = cs[0];
            int m = cs[1];
            int cin = cs[2];
            int cout = cs[3];
            int group = cs[4];
            int[] dims = new int[rank];
            int[] kernel = new int[rank];
            Arrays.fill(dims, 8);
            Arrays.fill(kernel, 3);
            ConvGeometry g = ConvGeometry.of(1, cin, cout, group, dims, kernel, null, null, null, null);
            WinogradTransform f = WinogradTransform.of(m);
            WinogradTransform td = rank >= 3 ? f : WinogradTransform.IDENTITY;
            WinogradTransform th = rank >= 2 ? f : WinogradTransform.IDENTITY;
            int taps = (int) Math.pow(3, rank);
            int positions = td.t * th.t * f.t;
            int cg = cin / group;
            int mg = cout / group;
            int wOff = 3;
            float[] w = new float[wOff + cout * cg * taps];
            for (int i = 0; i < w.length; i++) {
                // mixed magnitudes, so relative errors of small values next to large ones show
                w[i] = (float) ((r.nextDouble() * 2 - 1) * Math.pow(10, r.nextInt(3) - 1));
            }
            float[] first = null;
            for (Backend backend : TestSupport.backends()) {
                for (int gi = 0; gi < group; gi++) {
                    float[] u = new float[positions * mg * cg];
                    WinogradWeights.transformGroup(g, taps, td, th, f, backend, w, wOff, gi, u);
                    String what = "F(" + m + ",3) rank " + rank + " " + cin + "->" + cout + " group " + gi + " on "
                            + backend.name() + " (seed " + seed + ")";
                    for (int a = 0; a < td.t; a++) {
                        for (int b = 0; b < th.t; b++) {
                            for (int cc = 0; cc < f.t; cc++) {
                                int p = (a * th.t + b) * f.t + cc;
                                for (int mo = 0; mo < mg; mo++) {
                                    for (int c = 0; c < cg; c++) {
                                        double want = 0;
                                        double mag = 0;
                                        int base = wOff + ((gi * mg + mo) * cg + c) * taps;
                                        for (int kd = 0; kd < td.taps; kd++) {
                                            for (int kh = 0; kh < th.taps; kh++) {
                                                for (int kw = 0; kw < f.taps; kw++) {
                                                    double coef = td.g[a * td.taps + kd] * th.g[b * th.taps + kh]
                                                            * f.g[cc * f.taps + kw];
                                                    double x = w[base + (kd * th.taps + kh) * f.taps + kw];
                                                    want += coef * x;
                                                    mag += Math.abs(coef * x);
                                                }
                                            }
                                        }
                                        double got = u[p * mg * cg + c * mg + mo];
                                        double bound = 4 * rank * EPS * mag;
                                        double err = Math.abs(got - want);
                                        assertTrue(err <= bound, what + " position " + p + " mo " + mo + " c " + c
                                                + ": " + got + " vs " + want + " (error " + err + ", bound " + bound
                                                + ")");
                                        if (mag > 0) {
                                            used[m] = Math.max(used[m], err / bound);
                                        }
                                    }
                                }
                            }
                        }
                    }
                    if (gi == 0) {
                        if (first == null) {
                            first = u;
                        } else {
                            // c0 * s0 then fused multiply-adds in k order on both backends: the same bits
                            assertArrayEquals(first, u, what + ": backends differ");
                        }
                    }
                }
            }
            first = null;
        }
        System.out.printf("WinogradWeightsTest: largest share of the float-transform bound used: F(2,3) %.3f, "
                + "F(4,3) %.3f, F(6,3) %.3f%n", used[2], used[4], used[6]);
    }

    @Test
    void linearRowsRejectsRowsOutsideTheArrays() {
        for (Backend backend : TestSupport.backends()) {
            float[] coef = {1, 2, 3};
            float[] src = new float[10];
            float[] dst = new float[4];
            List<Runnable> bad = List.of(
                    () -> backend.linearRows(1, 3, coef, 0, src, 0, 4, 3, dst, 0, 0), // src needs 11
                    () -> backend.linearRows(2, 3, coef, 0, src, 0, 1, 3, dst, 0, 1), // coef needs 6
                    () -> backend.linearRows(1, 3, coef, 0, src, 0, 1, 5, dst, 0, 0)); // dst needs 5
            for (Runnable call : bad) {
                try {
                    call.run();
                    throw new AssertionError("accepted out-of-range rows on " + backend.name());
                } catch (IndexOutOfBoundsException expected) {
                    // reported before any write
                }
            }
        }
    }
}
