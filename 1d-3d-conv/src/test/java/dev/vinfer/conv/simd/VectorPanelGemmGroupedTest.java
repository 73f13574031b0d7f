package dev.vinfer.conv.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vinfer.conv.PanelGemm;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link VectorPanelGemm}'s grouped sweep (several packed panels per row tile) against {@link PanelGemm}'s
 * definition computed in double: random m (around the 8-row tile), k, output grids (rows shorter and longer than a
 * panel, so panels hold one or several runs), pixel ranges that start and end inside panels, groups of 1-7 panels
 * and the clamps (none, ReLU, Relu6); every output column outside the range must stay untouched. The seed is in
 * every message.
 */
class VectorPanelGemmGroupedTest {

    @Test
    void groupedMatchesTheDefinition() {
        assumeTrue(vectorModule(), "needs the vector module");
        for (long seed = 7700; seed < 7760; seed++) {
            Random r = new Random(seed);
            int m = 1 + r.nextInt(20);
            int k = 1 + r.nextInt(90);
            int outW = 1 + r.nextInt(70);
            int outH = 1 + r.nextInt(4);
            int outD = 1 + r.nextInt(3);
            int rowPitch = outW + r.nextInt(4);
            int planePitch = rowPitch * outH + r.nextInt(5);
            PanelGemm.PixelGrid grid = new PanelGemm.PixelGrid(outW, outH, rowPitch, planePitch);
            int pixels = outW * outH * outD;
            int[] tapOff = new int[k];
            int maxTap = 0;
            for (int p = 0; p < k; p++) {
                tapOff[p] = r.nextInt(3 * planePitch + 1);
                maxTap = Math.max(maxTap, tapOff[p]);
            }
            int srcOff = r.nextInt(7);
            float[] src = random(r, srcOff + maxTap + grid.source(pixels - 1) + 1 + PanelGemm.SOURCE_SLACK);
            float[] w = random(r, m * k);
            float[] bias = r.nextBoolean() ? random(r, m) : null;
            int p0 = r.nextInt(pixels);
            int p1 = p0 + 1 + r.nextInt(pixels - p0);
            int group = 1 + r.nextInt(7);
            float lo;
            float hi;
            switch (r.nextInt(3)) {
                case 0 -> {
                    lo = Float.NEGATIVE_INFINITY;
                    hi = Float.POSITIVE_INFINITY;
                }
                case 1 -> {
                    lo = 0f;
                    hi = Float.POSITIVE_INFINITY;
                }
                default -> {
                    lo = 0f;
                    hi = 0.5f;
                }
            }
            int cOff = r.nextInt(5);
            int ldc = pixels + r.nextInt(3);
            float[] c = new float[cOff + m * ldc + 2];
            Arrays.fill(c, Float.NaN);
            VectorPanelGemm gemm = new VectorPanelGemm(m, k, w, 0, bias);
            gemm.runWith(src, srcOff, tapOff, grid, p0, p1, c, cOff, ldc, lo, hi, group);
            String ctx = "seed=" + seed + " m=" + m + " k=" + k + " grid=" + grid + " [" + p0 + ", " + p1
                    + ") group=" + group + " clamp [" + lo + ", " + hi + "]";
            for (int i = 0; i < m; i++) {
                for (int q = 0; q < ldc; q++) {
                    float got = c[cOff + i * ldc + q];
                    if (q < p0 || q >= p1) {
                        assertTrue(Float.isNaN(got), ctx + ": wrote outside the range at row " + i + " col " + q);
                        continue;
                    }
                    double sum = bias == null ? 0 : bias[i];
                    double mag = Math.abs(sum);
                    for (int p = 0; p < k; p++) {
                        double t = (double) w[i * k + p] * src[srcOff + tapOff[p] + grid.source(q)];
                        sum += t;
                        mag += Math.abs(t);
                    }
                    double want = Math.min(Math.max(sum, lo), hi);
                    // Float accumulation over k terms: a few ulps of the magnitude per term.
                    double tol = 4 * k * Math.ulp((float) Math.max(mag, 1e-30));
                    assertEquals(want, got, tol, ctx + " at row " + i + " col " + q);
                }
            }
        }
    }

    /**
     * The first row tile packing the panels it reads ({@code tile8Packing}) gives exactly the floats of packing
     * them first: same products, same order. Random grids (panels of one and of two runs), groups, ranges and
     * m from 8 to 70 (the fused path needs a full 8-row tile), k up to 160 (the 7x7 stem's 147), ReLU or none.
     */
    @Test
    void packingInTheFirstTileIsBitIdentical() {
        assumeTrue(vectorModule(), "needs the vector module");
        for (long seed = 9100; seed < 9130; seed++) {
            Random r = new Random(seed);
            int m = 8 + r.nextInt(63);
            int k = 1 + r.nextInt(160);
            int outW = 1 + r.nextInt(120);
            int outH = 1 + r.nextInt(5);
            int rowPitch = outW + r.nextInt(4);
            PanelGemm.PixelGrid grid = new PanelGemm.PixelGrid(outW, outH, rowPitch, rowPitch * outH);
            int pixels = outW * outH;
            int[] tapOff = new int[k];
            int maxTap = 0;
            for (int p = 0; p < k; p++) {
                tapOff[p] = r.nextInt(2 * rowPitch * outH + 1);
                maxTap = Math.max(maxTap, tapOff[p]);
            }
            float[] src = random(r, maxTap + grid.source(pixels - 1) + 1 + PanelGemm.SOURCE_SLACK);
            float[] w = random(r, m * k);
            float[] bias = r.nextBoolean() ? random(r, m) : null;
            int p0 = r.nextInt(pixels);
            int p1 = p0 + 1 + r.nextInt(pixels - p0);
            int group = 1 + r.nextInt(7);
            float lo = r.nextBoolean() ? 0f : Float.NEGATIVE_INFINITY;
            float[] fused = new float[m * pixels];
            float[] packedFirst = new float[m * pixels];
            new VectorPanelGemm(m, k, w, 0, bias, true)
                    .runWith(src, 0, tapOff, grid, p0, p1, fused, 0, pixels, lo, Float.POSITIVE_INFINITY, group);
            new VectorPanelGemm(m, k, w, 0, bias, false)
                    .runWith(src, 0, tapOff, grid, p0, p1, packedFirst, 0, pixels, lo, Float.POSITIVE_INFINITY, group);
            for (int i = 0; i < fused.length; i++) {
                if (Float.floatToRawIntBits(fused[i]) != Float.floatToRawIntBits(packedFirst[i])) {
                    throw new AssertionError("seed=" + seed + " m=" + m + " k=" + k + " grid=" + grid + " [" + p0
                            + ", " + p1 + ") group=" + group + ": row " + i / pixels + " col " + i % pixels + " "
                            + fused[i] + " != " + packedFirst[i]);
                }
            }
        }
    }

    /**
     * The rule: as many panels as fit the budget, at most a chunk (32 panels), at least one; for every output size
     * (session s5stem measured the 2-D stems faster grouped too, not only outputs of 8 MB and more).
     */
    @Test
    void groupSizeFromTheReductionLength() {
        assumeTrue(vectorModule(), "needs the vector module");
        int nr = VectorPanelGemm.NR;
        assertEquals(Math.min(32, VectorPanelGemm.GROUP_BYTES / (81 * nr * 4)), VectorPanelGemm.panelGroup(81));
        assertTrue(VectorPanelGemm.panelGroup(147) > 1, "the 7x7 stem groups several panels");
        assertEquals(32, VectorPanelGemm.panelGroup(27)); // the 3x3 stems: a whole 1024-pixel chunk
        assertEquals(1, VectorPanelGemm.panelGroup(100_000)); // a panel larger than the budget: one at a time
    }

    /** The module pom's no-vector run also picks this class up under -Dtest. */
    private static boolean vectorModule() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    private static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextFloat() * 2 - 1;
        }
        return a;
    }
}
