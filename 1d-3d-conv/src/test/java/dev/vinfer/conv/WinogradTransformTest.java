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
}
