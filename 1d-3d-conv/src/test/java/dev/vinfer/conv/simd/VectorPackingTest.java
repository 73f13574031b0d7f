package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.NR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The blocked transposing B pack against the layout written out from its definition, value by value. */
class VectorPackingTest {
    @Test
    void transposedPackBMatchesDefinition() {
        // The module pom's no-vector run also picks this class up under -Dtest.
        assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), "needs the vector module");
        long seed = 0x5e550a7L;
        Random r = new Random(seed);
        // Pinned: k below, at and across the k block, one panel exact, a partial last panel, a single column.
        int[][] sizes = {{1, 1}, {15, NR}, {16, NR}, {17, NR + 1}, {256, 2 * NR + 5}, {37, 3}, {100, NR - 1}};
        for (int[] kn : sizes) {
            check(kn[0], kn[1], r, seed);
        }
        for (int t = 0; t < 20; t++) {
            check(1 + r.nextInt(300), 1 + r.nextInt(3 * NR), r, seed);
        }
    }

    private static void check(int kc, int cols, Random r, long seed) {
        int ld = kc + r.nextInt(5);
        int off = r.nextInt(7);
        float[] b = new float[off + cols * ld];
        for (int i = 0; i < b.length; i++) {
            b[i] = r.nextFloat() * 2 - 1;
        }
        int np = VectorPacking.roundUp(cols, NR);
        int dstOff = r.nextInt(5);
        float[] dst = new float[dstOff + np * kc + 3];
        java.util.Arrays.fill(dst, Float.NaN);
        VectorPacking.packB(true, b, off, ld, kc, cols, dst, dstOff);
        for (int j = 0; j < np; j++) {
            for (int p = 0; p < kc; p++) {
                float want = j < cols ? b[off + j * ld + p] : 0f;
                int at = dstOff + (j / NR) * NR * kc + p * NR + j % NR;
                assertEquals(want, dst[at], 0f,
                        "seed " + seed + " kc " + kc + " cols " + cols + " at (p " + p + ", j " + j + ")");
            }
        }
        for (int i = 0; i < dstOff; i++) {
            assertEquals(Float.NaN, dst[i], "seed " + seed + " wrote before dstOff");
        }
    }
}
