package dev.vinfer.conv;

import static dev.vinfer.conv.TestSupport.assertCloseThrough;
import static dev.vinfer.conv.TestSupport.random;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link WinogradConv}'s two layouts (tiles as the GEMMs' rows or columns) and work splits forced on the same
 * randomized geometries (seed in every message): one strip per plane, and tiny strips (a few tile columns: many
 * strips, rows cut into chunks, small input-transform channel blocks), each F(m,3), every backend, serial and
 * parallel (all threads on each strip, phase by phase, when strips are few or uneven), with residual inputs;
 * against the double reference within each F's declared bound. Strips by rows drop their padding slots when that
 * saves GEMM row tiles, which small planes and the scalar backend (row tile 1) always do.
 */
class WinogradPathsTest {
    private static final int[] MS = {2, 4, 6};

    private static void check(String ctx, ConvGeometry g, int m, int stripColumns, int byColumnsMin, Random r) {
        check(ctx, g, m, stripColumns, byColumnsMin, WinogradColumnStrips.COLUMNS_AUTO, r);
    }

    private static void check(String ctx, ConvGeometry g, int m, int stripColumns, int byColumnsMin,
            int columnsLayout, Random r) {
        float[] w = random(r, g.weightLength());
        float[] bias = r.nextBoolean() ? random(r, g.outChannels()) : null;
        float[] in = random(r, g.inputLength());
        boolean residual = r.nextBoolean();
        float[] res = residual ? random(r, g.outputLength() + 2) : null;
        Epilogue e = ConvCases.epilogue(r);
        float[] want = new float[g.outputLength()];
        ConvReference.conv(g, in, 0, w, 0, bias, Epilogue.NONE, want, 0);
        float[] convolution = want.clone();
        for (int i = 0; i < want.length; i++) {
            want[i] = e.apply(want[i] + (residual ? res[i + 2] : 0f));
        }
        ConvAlgorithm a = WinogradConv.algorithmFor(m);
        String where = ctx + " F(" + m + ",3) stripColumns=" + stripColumns + " columnsLayout=" + columnsLayout
                + " " + g + " " + e
                + (bias == null ? " no bias" : " bias") + (residual ? " residual" : "");
        for (Backend be : TestSupport.backends()) {
            // Tiny strips also get tiny input-transform channel blocks (several a strip, the last one partial).
            int patchFloats = stripColumns > 0 ? 300 * stripColumns : WinogradInputTransform.PATCH_FLOATS;
            WinogradConv k = new WinogradConv(g, m, w, 0, bias, e, be, stripColumns, byColumnsMin, patchFloats,
                    columnsLayout);
            for (Parallel p : TestSupport.PARALLELS) {
                float[] out = new float[1 + g.outputLength() + 2];
                Arrays.fill(out, Float.NaN);
                if (residual) {
                    k.run(in, 0, out, 1, res, 2, p);
                } else {
                    k.run(in, 0, out, 1, p);
                }
                assertCloseThrough(where + " " + be.name() + " " + p, a, g, e, convolution, 0, want, 0, out, 1,
                        g.outputLength());
                assertEquals(Float.NaN, out[0], where + ": wrote before the start");
                assertEquals(Float.NaN, out[out.length - 1], where + ": wrote past the end");
            }
        }
    }

    @Test
    void bothLayoutsWholeAndTinyStripsOnRandomGeometries() {
        for (long seed = 5000; seed < 5018; seed++) {
            Random r = new Random(seed);
            ConvGeometry g = ConvCases.forward(r, 1 + (int) (seed % 3), ConvCases.Kind.WINOGRAD);
            int m = MS[(int) (seed / 3 % 3)];
            for (int byColumnsMin : new int[] {0, Integer.MAX_VALUE}) {
                check("seed=" + seed, g, m, 0, byColumnsMin, new Random(seed));
                check("seed=" + seed, g, m, 2 + (int) (seed % 7), byColumnsMin, new Random(seed));
            }
            // By columns with each layout forced (AUTO picks dense only where it shortens the padded rows).
            check("seed=" + seed, g, m, 2 + (int) (seed % 7), 0, WinogradColumnStrips.COLUMNS_PAD_SLOTS, new Random(seed));
            check("seed=" + seed, g, m, 0, 0, WinogradColumnStrips.COLUMNS_DENSE, new Random(seed));
        }
    }

    /**
     * Channel counts around the column panel (32 with 16 lanes, 16 with 8) so the output-channel blocks of a
     * parallel run end inside and at panel edges, on ResNet-like small planes (7x7, 4x4), a 1D row and a 3D batch.
     */
    @Test
    void channelBlocksOnSmallPlanes() {
        long seed = 5100;
        int[][] shapes = {{20, 33, 7, 7}, {16, 64, 4, 4}, {24, 70, 9, 5}, {8, 31, 6, 6}};
        for (int[] sh : shapes) {
            for (int m : MS) {
                ConvGeometry g = ConvGeometry.builder().channels(sh[0], sh[1]).input(sh[2], sh[3]).kernel(3, 3)
                        .padsOnnx(1, 1, 1, 1).build();
                check("seed=" + seed, g, m, 0, WinogradTileGrid.BY_COLUMNS_MIN, new Random(seed++));
            }
        }
        ConvGeometry g1 = ConvGeometry.builder().channels(12, 40).input(30).kernel(3).padsOnnx(1, 1).build();
        check("seed=" + seed, g1, 4, 0, WinogradTileGrid.BY_COLUMNS_MIN, new Random(seed++));
        ConvGeometry g3 = ConvGeometry.builder().batch(2).channels(6, 34).input(3, 4, 5).kernel(3, 3, 3)
                .padsOnnx(1, 1, 1, 1, 1, 1).build();
        check("seed=" + seed, g3, 2, 0, WinogradTileGrid.BY_COLUMNS_MIN, new Random(seed));
    }

    /**
     * F(4,3) by columns with segments around a vector of tiles (the fill's clipped phase split and the fused output
     * rows work a vector of tiles at a time): output widths of 15-17 and 31-33 tiles' worth (last tile whole or
     * partial), asymmetric pads 0-2 on both axes so the first and last strips start or end in padding rows, strips
     * of 1-3 tile rows, both layouts; epilogue (fused or not) and residual drawn per seed as in {@link #check}.
     */
    @Test
    void columnsAroundAVectorOfTiles() {
        long seed = 5400;
        for (int tiles : new int[] {15, 16, 17, 31, 32, 33}) {
            for (int partial = 0; partial < 2; partial++) {
                Random r = new Random(seed);
                int pl = r.nextInt(3);
                int pr = r.nextInt(3);
                int outW = 4 * tiles - 3 * partial; // the last tile whole, or with one output
                ConvGeometry g = ConvGeometry.builder().channels(1 + r.nextInt(4), 1 + r.nextInt(6))
                        .input(5 + r.nextInt(9), outW + 2 - pl - pr).kernel(3, 3)
                        .padsOnnx(r.nextInt(3), pl, r.nextInt(3), pr).build();
                int rows = 1 + r.nextInt(3);
                check("seed=" + seed, g, 4, rows * (tiles + 1), 0, WinogradColumnStrips.COLUMNS_PAD_SLOTS,
                        new Random(seed));
                check("seed=" + seed, g, 4, 0, 0, WinogradColumnStrips.COLUMNS_DENSE, new Random(seed));
                seed++;
            }
        }
    }

    /**
     * Strips by columns with dense segments at the tile edges: widths one below, at and above a multiple of m
     * (the last tile partial or whole, the segment's end values inside or past the row), asymmetric pads 0-2, one
     * plane as one strip and cut into chunks of 2-3 tiles, against the padding-slot layout's bound.
     */
    @Test
    void denseColumnsAtTileEdges() {
        long seed = 5300;
        for (int m : MS) {
            for (int w = 2 * m - 1; w <= 2 * m + 1; w++) {
                Random r = new Random(seed);
                int pl = r.nextInt(3);
                int pr = r.nextInt(3);
                ConvGeometry g = ConvGeometry.builder().channels(1 + r.nextInt(5), 1 + r.nextInt(9))
                        .input(3 + r.nextInt(6), w).kernel(3, 3).padsOnnx(r.nextInt(3), pl, r.nextInt(3), pr).build();
                check("seed=" + seed, g, m, 0, 0, WinogradColumnStrips.COLUMNS_DENSE, new Random(seed));
                check("seed=" + seed, g, m, 3 + r.nextInt(2), 0, WinogradColumnStrips.COLUMNS_DENSE, new Random(seed));
                seed++;
            }
        }
    }

    /**
     * Strips capped to 3 tile rows of a 3D 8x28x28 plane (14 rows: 3, 3, 3, 3, 2) on two threads become two
     * strips of 7, one a thread ({@link WinogradStripPlan#evenStrip}); on five, cooperative strips.
     */
    @Test
    void fewUnevenStripsGrowToOneAThread() {
        ConvGeometry g = ConvGeometry.builder().channels(5, 7).input(8, 28, 28).kernel(3, 3, 3)
                .padsOnnx(1, 1, 1, 1, 1, 1).build();
        check("seed=5200", g, 4, 24, Integer.MAX_VALUE, new Random(5200));
    }

    /**
     * A single long 1-d tile row with few channels is cut into two chunks (one a thread) by default; checked at the
     * production strip budget (stripColumns 0), both layouts, against the reference, and the rule pinned on M5's
     * three layers.
     */
    @Test
    void oneLongRowInHalves() {
        ConvGeometry g = ConvGeometry.builder().channels(16, 12).input(401).kernel(3).padsOnnx(1, 1).build();
        for (int m : MS) {
            int tiles = Math.ceilDiv(401, m);
            assertEquals(true, WinogradTileGrid.halvesOneRow(1, tiles, 16, 12), "F(" + m + ",3) " + tiles + " tiles");
            for (int byColumnsMin : new int[] {0, Integer.MAX_VALUE}) {
                check("seed=5300", g, m, 0, byColumnsMin, new Random(5300 + m));
            }
        }
        assertEquals(true, WinogradTileGrid.halvesOneRow(1, 249, 128, 128));
        assertEquals(false, WinogradTileGrid.halvesOneRow(1, 62, 256, 256));
        assertEquals(false, WinogradTileGrid.halvesOneRow(1, 16, 512, 512));
        assertEquals(false, WinogradTileGrid.halvesOneRow(2, 249, 128, 128));
    }
}
