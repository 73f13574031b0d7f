package dev.vinfer.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The derived F(m,3) matrices compute the 3-tap correlation exactly (up to double rounding) in one dimension. */
class WinogradTransformTest {

    @Test
    void oneDimensionalTileIsTheCorrelation() {
        for (int m : new int[] {2, 4, 6}) {
            WinogradTransform f = WinogradTransform.of(m);
            assertEquals(m + 2, f.t);
            Random r = new Random(40 + m);
            for (int trial = 0; trial < 50; trial++) {
                double[] d = new double[f.t];
                double[] g = new double[3];
                for (int i = 0; i < f.t; i++) {
                    d[i] = r.nextDouble() * 2 - 1;
                }
                for (int k = 0; k < 3; k++) {
                    g[k] = r.nextDouble() * 2 - 1;
                }
                double[] prod = new double[f.t];
                for (int j = 0; j < f.t; j++) {
                    double gg = 0;
                    double bd = 0;
                    for (int k = 0; k < 3; k++) {
                        gg += f.g[j * 3 + k] * g[k];
                    }
                    for (int i = 0; i < f.t; i++) {
                        bd += f.bt[j * f.t + i] * d[i];
                    }
                    prod[j] = gg * bd;
                }
                for (int i = 0; i < m; i++) {
                    double y = 0;
                    for (int j = 0; j < f.t; j++) {
                        y += f.at[i * f.t + j] * prod[j];
                    }
                    double want = g[0] * d[i] + g[1] * d[i + 1] + g[2] * d[i + 2];
                    assertTrue(Math.abs(y - want) < 1e-12, "F(" + m + ",3) trial " + trial + " output " + i + ": "
                            + y + " vs " + want);
                }
            }
        }
    }

    @Test
    void matrixEntriesAreExactInFloat() {
        // Integers and small powers of 1/2 only, so casting the derived doubles to float loses nothing.
        for (int m : new int[] {2, 4, 6}) {
            WinogradTransform f = WinogradTransform.of(m);
            for (float v : f.bt) {
                assertEquals(v, (float) (Math.round(v * 64.0) / 64.0), "B^T entry of F(" + m + ",3)");
            }
            for (float v : f.at) {
                assertEquals(v, (float) (Math.round(v * 64.0) / 64.0), "A^T entry of F(" + m + ",3)");
            }
        }
    }

    /**
     * Every backend's {@link Backend#winogradF43} (the vector one written out from the matrices' structure) equals
     * the general combine with F(4,3)'s B^T and A^T on rows of random length (vector tails) at scattered offsets,
     * within float rounding of the differently ordered sums (seed in the message).
     */
    @Test
    void structuredF43RowsMatchTheGeneralCombine() {
        WinogradTransform f = WinogradTransform.of(4);
        for (long seed = 700; seed < 712; seed++) {
            Random r = new Random(seed);
            int len = 1 + r.nextInt(70);
            int stride = len + r.nextInt(5);
            float[] src = TestSupport.random(r, 7 * stride + 3);
            int[] so = new int[6];
            int[] dso = new int[6];
            for (int k = 0; k < 6; k++) {
                so[k] = 1 + ((k * 5 + (int) seed) % 7) * stride; // rows in a scrambled order
                dso[k] = 2 + k * stride;
            }
            for (boolean input : new boolean[] {true, false}) {
                int outs = input ? 6 : 4;
                float[] coef = input ? f.bt : f.at;
                float[] want = new float[6 * stride + 2 + len];
                Kernels.scalar().combine(outs, 6, coef, src, so, want, dso, len, false);
                for (Backend be : TestSupport.backends()) {
                    float[] got = new float[want.length];
                    be.winogradF43(input, coef, src, so, got, dso, len);
                    for (int i = 0; i < got.length; i++) {
                        assertEquals(want[i], got[i], 2e-5f * 20, "seed=" + seed + " " + be.name() + " input="
                                + input + " len=" + len + " at " + i);
                    }
                }
            }
        }
    }
}
