package dev.vinfer.conv;

import static dev.vinfer.conv.TestSupport.assertCloseThrough;
import static dev.vinfer.conv.TestSupport.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link SmallPlaneWinograd} (all tiles of a plane in one vector) against the double reference within F(m,3)'s
 * declared bound, on every backend, serial and parallel, on randomized small planes (seed in every message):
 * odd and tile-edge sizes (1 tile up to the 16 that fill the lanes), asymmetric padding 0-2, channel counts around
 * the 16-row block (1 to 40 per group), groups, batch 2, residual inputs and every epilogue; plus its
 * {@link TileGemm} against the plain one.
 */
class SmallPlaneWinogradTest {

    private static void check(String ctx, ConvGeometry g, int m, Random r) {
        float[] w = random(r, g.weightLength());
        float[] bias = r.nextBoolean() ? random(r, g.outChannels()) : null;
        float[] in = random(r, g.inputLength());
        boolean residual = r.nextBoolean();
        float[] res = residual ? random(r, g.outputLength() + 3) : null;
        Epilogue e = ConvCases.epilogue(r);
        float[] want = new float[g.outputLength()];
        ConvReference.conv(g, in, 0, w, 0, bias, Epilogue.NONE, want, 0);
        float[] convolution = want.clone();
        for (int i = 0; i < want.length; i++) {
            want[i] = e.apply(want[i] + (residual ? res[i + 3] : 0f));
        }
        ConvAlgorithm a = WinogradConv.algorithmFor(m);
        String where = ctx + " F(" + m + ",3) " + g + " " + e + (bias == null ? " no bias" : " bias")
                + (residual ? " residual" : "");
        for (Backend be : TestSupport.backends()) {
            if (!SmallPlaneWinograd.applies(g, m, be)) {
                continue;
            }
            ConvKernel k = Convolutions.prepare(g, w, 0, bias, e, a, be);
            assertInstanceOf(SmallPlaneWinograd.class, k, where);
            for (Parallel p : TestSupport.PARALLELS) {
                float[] out = new float[2 + g.outputLength() + 2];
                Arrays.fill(out, Float.NaN);
                if (residual) {
                    k.run(in, 0, out, 2, res, 3, p);
                } else {
                    k.run(in, 0, out, 2, p);
                }
                assertCloseThrough(where + " " + be.name() + " " + p, a, g, e, convolution, 0, want, 0, out, 2,
                        g.outputLength());
                assertEquals(Float.NaN, out[1], where + ": wrote before the start");
                assertEquals(Float.NaN, out[out.length - 2], where + ": wrote past the end");
            }
        }
    }

    @Test
    void randomSmallPlanes() {
        for (long seed = 7300; seed < 7324; seed++) {
            Random r = new Random(seed);
            int m = r.nextBoolean() ? 2 : 4;
            int group = r.nextInt(4) == 0 ? 2 : 1;
            int cg = 1 + r.nextInt(r.nextBoolean() ? 40 : 6);
            int mg = 1 + r.nextInt(r.nextBoolean() ? 40 : 20);
            int[] p = {r.nextInt(3), r.nextInt(3), r.nextInt(3), r.nextInt(3)};
            // Output sizes of 1 to 4 tiles per axis (16 tiles fill the lanes), inputs to match the padding.
            int outH = 1 + r.nextInt(4 * m);
            int outW = 1 + r.nextInt(4 * m);
            int inH = Math.max(1, outH + 2 - p[0] - p[2]);
            int inW = Math.max(1, outW + 2 - p[1] - p[3]);
            ConvGeometry g = ConvGeometry.builder().batch(1 + r.nextInt(2)).channels(cg * group, mg * group)
                    .group(group).input(inH, inW).kernel(3, 3).padsOnnx(p[0], p[1], p[2], p[3]).build();
            check("seed=" + seed, g, m, r);
        }
    }

    /** ResNet-like planes: 7x7 on F(2,3) and 14x14 on F(4,3) (16 tiles), and 8x8 / 16x16 (16 exact tiles). */
    @Test
    void resnetLikePlanes() {
        long seed = 7400;
        int[][] shapes = {{24, 40, 7, 2}, {20, 33, 14, 4}, {17, 16, 8, 2}, {9, 48, 16, 4}, {32, 17, 6, 2}};
        for (int[] sh : shapes) {
            ConvGeometry g = ConvGeometry.builder().channels(sh[0], sh[1]).input(sh[2], sh[2]).kernel(3, 3)
                    .padsOnnx(1, 1, 1, 1).build();
            check("seed=" + seed, g, sh[3], new Random(seed++));
        }
    }

    /** AUTO's algorithm on 512@7x7 and 256@14x14 runs here when the backend has 16 lanes. */
    @Test
    void takenForResNetPlanes() {
        for (Backend be : TestSupport.backends()) {
            if (be.tileGemmMaxTiles() < 16) {
                continue;
            }
            ConvGeometry g7 = ConvGeometry.builder().channels(64, 64).input(7, 7).kernel(3, 3).padsOnnx(1, 1, 1, 1)
                    .build();
            assertTrue(SmallPlaneWinograd.applies(g7, 2, be), be.name());
            ConvGeometry g28 = ConvGeometry.builder().channels(64, 64).input(28, 28).kernel(3, 3)
                    .padsOnnx(1, 1, 1, 1).build();
            assertTrue(!SmallPlaneWinograd.applies(g28, 4, be), be.name());
        }
    }

    /** The backends' tile GEMMs against double sums, on odd row, depth and tile counts and strided inputs. */
    @Test
    void tileGemmMatchesDoubleSums() {
        for (long seed = 7500; seed < 7508; seed++) {
            Random r = new Random(seed);
            int positions = 1 + r.nextInt(6);
            int rows = 1 + r.nextInt(70);
            int depth = 1 + r.nextInt(50);
            int tiles = 1 + r.nextInt(16);
            int rowStride = tiles + r.nextInt(3);
            float[] u = random(r, positions * depth * rows); // U_pos transposed, position after position
            int posStride = depth * rowStride + r.nextInt(5);
            float[] v = random(r, 3 + positions * posStride + 16);
            for (Backend be : TestSupport.backends()) {
                if (be.tileGemmMaxTiles() == 0) {
                    continue;
                }
                TileGemm k = be.tileGemm(positions, rows, depth, u);
                int slots = k.slots(tiles);
                int br = k.blockRows();
                for (int b = 0; b < k.blocks(); b++) {
                    float[] got = new float[1 + positions * slots * br];
                    k.run(b, tiles, v, 3, posStride, rowStride, got, 1);
                    for (int p = 0; p < positions; p++) {
                        for (int j = 0; j < tiles; j++) {
                            for (int i = 0; i < br; i++) {
                                int row = b * br + i;
                                double exact = 0;
                                for (int c = 0; c < depth && row < rows; c++) {
                                    exact += (double) u[(p * depth + c) * rows + row] * v[3 + p * posStride + c * rowStride + j];
                                }
                                float g = got[1 + (p * slots + j) * br + i];
                                double tol = 1e-5 * Math.sqrt(depth) * (1 + Math.abs(exact));
                                assertEquals(exact, g, tol, "seed=" + seed + " " + be.name() + " pos " + p + " row "
                                        + row + " tile " + j);
                            }
                        }
                    }
                }
            }
        }
    }

    /** {@link Backend#gather} on every backend: random indices, lengths with and without a partial vector. */
    @Test
    void gatherMatchesIndexing() {
        Random r = new Random(7600);
        float[] src = random(r, 300);
        for (int n : new int[] {0, 1, 15, 16, 17, 40}) {
            int[] idx = new int[n + 2];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = r.nextInt(290);
            }
            for (Backend be : TestSupport.backends()) {
                float[] dst = new float[n + 4];
                Arrays.fill(dst, Float.NaN);
                be.gather(src, 7, idx, 2, dst, 3, n);
                for (int i = 0; i < n; i++) {
                    assertEquals(src[7 + idx[2 + i]], dst[3 + i], be.name() + " n=" + n + " i=" + i);
                }
                assertEquals(Float.NaN, dst[2], be.name() + " wrote before");
                if (n + 3 < dst.length) {
                    assertEquals(Float.NaN, dst[n + 3], be.name() + " wrote after");
                }
            }
        }
    }
}
