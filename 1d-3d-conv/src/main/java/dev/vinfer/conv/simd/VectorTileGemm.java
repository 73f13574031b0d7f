package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import dev.vinfer.conv.PackedTileGemm;
import dev.vinfer.conv.TileGemm;
import dev.vinfer.conv.TileGemms;
import jdk.incubator.vector.FloatVector;

/**
 * {@link TileGemm} on the Vector API with 16 lanes (AVX-512, 32 registers): a register tile of 8 tiles x 32 output
 * channels (16 accumulators, 2 weight vectors and a broadcast tile value: 10 loads per 16 FMAs), over the whole
 * reduction, stored once. Per 32-channel block and position the weights ({@code depth x 32} floats, packed
 * {@code [block][position][depth][32]}) are streamed from memory once for the first 8 tiles and reread from L1/L2
 * for the next 8: the whole call reads its weights front to back, a stream the hardware prefetchers follow.
 *
 * <p>Measured first with the tiles in the lanes instead (16 rows x 1 vector, one broadcast weight per FMA): 77
 * GFLOP/s on 512@7x7's products, the broadcasts the limit (85-90 with the weights in L2).
 */
final class VectorTileGemm extends PackedTileGemm {
    static final int TILE_GROUP = 8;
    static final int BLOCK_ROWS = 2 * L;
    static final int MAX_TILES = 16;
    /**
     * Whether 16 tile slots run as 12 + 4 tiles ({@link #product12}, {@link #product4}) instead of 8 + 8. The first
     * product of each (block, position) streams its weights from memory (inside a network they are not in any
     * cache: ResNet-18's transformed weights are about 90 MB); with 12 tiles it asks for them at 2/3 of the rate per
     * FMA that 8 tiles do, closer to what one core's memory stream delivers here (about 16 GB/s cold, so
     * 512@7x7 F(2,3)'s 16.8 MB take at least 1 ms against 1.3 ms of FMAs), and the 4-tile product rereads them from
     * L2 (a 512-deep reduction's 64 KiB exceed the 48 KiB L1; passes of 128 input channels so that it rereads them
     * from L1 measured 1.010 of ResNet-18's time, session 20). {@code -Dvinfer.tileGemm.twelveFour=false} keeps
     * 8 + 8 (to compare; 12 + 4 was 7-8% faster on 512@7x7 in session 20).
     */
    static final boolean TWELVE_FOUR = !"false".equals(System.getProperty("vinfer.tileGemm.twelveFour"));

    VectorTileGemm(int positions, int rows, int depth, float[] transposed) {
        super(MAX_TILES, TILE_GROUP, BLOCK_ROWS, positions, rows, depth, transposed);
    }

    @Override
    public void run(int block, int tiles, float[] v, int vOff, int vPosStride, int vRowStride, float[] o, int oOff) {
        TileGemms.run(this, block, tiles, v, vOff, vPosStride, vRowStride, o, oOff);
        int slots = slots(tiles);
        int positions = positions();
        int depth = depth();
        for (int pos = 0; pos < positions; pos++) {
            int ub = (block * positions + pos) * depth * BLOCK_ROWS;
            int vb = vOff + pos * vPosStride;
            int ob = oOff + pos * slots * BLOCK_ROWS;
            if (slots == 2 * TILE_GROUP && TWELVE_FOUR) {
                product12(depth, u, ub, v, vb, vRowStride, o, ob);
                product4(depth, u, ub, v, vb + 12, vRowStride, o, ob + 12 * BLOCK_ROWS);
                continue;
            }
            for (int j = 0; j < slots; j += TILE_GROUP) {
                product(depth, u, ub, v, vb + j, vRowStride, o, ob + j * BLOCK_ROWS);
            }
        }
    }

    /** 8 tiles (v[vb + c * vRowStride + i]) x 32 rows over the whole reduction, stored tile after tile at o[to]. */
    private static void product(int depth, float[] w, int ub, float[] v, int vb, int vRowStride, float[] o, int to) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c11 = c10;
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c21 = c20;
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c31 = c30;
        FloatVector c40 = FloatVector.zero(S);
        FloatVector c41 = c40;
        FloatVector c50 = FloatVector.zero(S);
        FloatVector c51 = c50;
        FloatVector c60 = FloatVector.zero(S);
        FloatVector c61 = c60;
        FloatVector c70 = FloatVector.zero(S);
        FloatVector c71 = c70;
        for (int c = 0; c < depth; c++) {
            int bp = ub + c * BLOCK_ROWS;
            FloatVector b0 = FloatVector.fromArray(S, w, bp);
            FloatVector b1 = FloatVector.fromArray(S, w, bp + L);
            int x = vb + c * vRowStride;
            FloatVector a = FloatVector.broadcast(S, v[x]);
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, v[x + 1]);
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, v[x + 2]);
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, v[x + 3]);
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, v[x + 4]);
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, v[x + 5]);
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
            a = FloatVector.broadcast(S, v[x + 6]);
            c60 = a.fma(b0, c60);
            c61 = a.fma(b1, c61);
            a = FloatVector.broadcast(S, v[x + 7]);
            c70 = a.fma(b0, c70);
            c71 = a.fma(b1, c71);
        }
        c00.intoArray(o, to + 0 * L);
        c01.intoArray(o, to + 1 * L);
        c10.intoArray(o, to + 2 * L);
        c11.intoArray(o, to + 3 * L);
        c20.intoArray(o, to + 4 * L);
        c21.intoArray(o, to + 5 * L);
        c30.intoArray(o, to + 6 * L);
        c31.intoArray(o, to + 7 * L);
        c40.intoArray(o, to + 8 * L);
        c41.intoArray(o, to + 9 * L);
        c50.intoArray(o, to + 10 * L);
        c51.intoArray(o, to + 11 * L);
        c60.intoArray(o, to + 12 * L);
        c61.intoArray(o, to + 13 * L);
        c70.intoArray(o, to + 14 * L);
        c71.intoArray(o, to + 15 * L);
    }

    /**
     * As {@link #product} for 12 tiles (24 accumulators, 2 weight vectors and a broadcast: 27 of the 32 registers).
     * Written out, no helper calls: a vector passed to a call C2 does not inline is boxed.
     */
    private static void product12(int depth, float[] w, int ub, float[] v, int vb, int vRowStride, float[] o, int to) {
        FloatVector c000 = FloatVector.zero(S);
        FloatVector c001 = c000;
        FloatVector c010 = c000;
        FloatVector c011 = c000;
        FloatVector c020 = c000;
        FloatVector c021 = c000;
        FloatVector c030 = c000;
        FloatVector c031 = c000;
        FloatVector c040 = c000;
        FloatVector c041 = c000;
        FloatVector c050 = c000;
        FloatVector c051 = c000;
        FloatVector c060 = c000;
        FloatVector c061 = c000;
        FloatVector c070 = c000;
        FloatVector c071 = c000;
        FloatVector c080 = c000;
        FloatVector c081 = c000;
        FloatVector c090 = c000;
        FloatVector c091 = c000;
        FloatVector c100 = c000;
        FloatVector c101 = c000;
        FloatVector c110 = c000;
        FloatVector c111 = c000;
        for (int c = 0; c < depth; c++) {
            int bp = ub + c * BLOCK_ROWS;
            FloatVector b0 = FloatVector.fromArray(S, w, bp);
            FloatVector b1 = FloatVector.fromArray(S, w, bp + L);
            int x = vb + c * vRowStride;
            FloatVector a = FloatVector.broadcast(S, v[x]);
            c000 = a.fma(b0, c000);
            c001 = a.fma(b1, c001);
            a = FloatVector.broadcast(S, v[x + 1]);
            c010 = a.fma(b0, c010);
            c011 = a.fma(b1, c011);
            a = FloatVector.broadcast(S, v[x + 2]);
            c020 = a.fma(b0, c020);
            c021 = a.fma(b1, c021);
            a = FloatVector.broadcast(S, v[x + 3]);
            c030 = a.fma(b0, c030);
            c031 = a.fma(b1, c031);
            a = FloatVector.broadcast(S, v[x + 4]);
            c040 = a.fma(b0, c040);
            c041 = a.fma(b1, c041);
            a = FloatVector.broadcast(S, v[x + 5]);
            c050 = a.fma(b0, c050);
            c051 = a.fma(b1, c051);
            a = FloatVector.broadcast(S, v[x + 6]);
            c060 = a.fma(b0, c060);
            c061 = a.fma(b1, c061);
            a = FloatVector.broadcast(S, v[x + 7]);
            c070 = a.fma(b0, c070);
            c071 = a.fma(b1, c071);
            a = FloatVector.broadcast(S, v[x + 8]);
            c080 = a.fma(b0, c080);
            c081 = a.fma(b1, c081);
            a = FloatVector.broadcast(S, v[x + 9]);
            c090 = a.fma(b0, c090);
            c091 = a.fma(b1, c091);
            a = FloatVector.broadcast(S, v[x + 10]);
            c100 = a.fma(b0, c100);
            c101 = a.fma(b1, c101);
            a = FloatVector.broadcast(S, v[x + 11]);
            c110 = a.fma(b0, c110);
            c111 = a.fma(b1, c111);
        }
        c000.intoArray(o, to + 0 * L);
        c001.intoArray(o, to + 1 * L);
        c010.intoArray(o, to + 2 * L);
        c011.intoArray(o, to + 3 * L);
        c020.intoArray(o, to + 4 * L);
        c021.intoArray(o, to + 5 * L);
        c030.intoArray(o, to + 6 * L);
        c031.intoArray(o, to + 7 * L);
        c040.intoArray(o, to + 8 * L);
        c041.intoArray(o, to + 9 * L);
        c050.intoArray(o, to + 10 * L);
        c051.intoArray(o, to + 11 * L);
        c060.intoArray(o, to + 12 * L);
        c061.intoArray(o, to + 13 * L);
        c070.intoArray(o, to + 14 * L);
        c071.intoArray(o, to + 15 * L);
        c080.intoArray(o, to + 16 * L);
        c081.intoArray(o, to + 17 * L);
        c090.intoArray(o, to + 18 * L);
        c091.intoArray(o, to + 19 * L);
        c100.intoArray(o, to + 20 * L);
        c101.intoArray(o, to + 21 * L);
        c110.intoArray(o, to + 22 * L);
        c111.intoArray(o, to + 23 * L);
    }

    /** As {@link #product} for 4 tiles: the rest of a 16-tile plane after {@link #product12}. */
    private static void product4(int depth, float[] w, int ub, float[] v, int vb, int vRowStride, float[] o, int to) {
        FloatVector c000 = FloatVector.zero(S);
        FloatVector c001 = c000;
        FloatVector c010 = c000;
        FloatVector c011 = c000;
        FloatVector c020 = c000;
        FloatVector c021 = c000;
        FloatVector c030 = c000;
        FloatVector c031 = c000;
        for (int c = 0; c < depth; c++) {
            int bp = ub + c * BLOCK_ROWS;
            FloatVector b0 = FloatVector.fromArray(S, w, bp);
            FloatVector b1 = FloatVector.fromArray(S, w, bp + L);
            int x = vb + c * vRowStride;
            FloatVector a = FloatVector.broadcast(S, v[x]);
            c000 = a.fma(b0, c000);
            c001 = a.fma(b1, c001);
            a = FloatVector.broadcast(S, v[x + 1]);
            c010 = a.fma(b0, c010);
            c011 = a.fma(b1, c011);
            a = FloatVector.broadcast(S, v[x + 2]);
            c020 = a.fma(b0, c020);
            c021 = a.fma(b1, c021);
            a = FloatVector.broadcast(S, v[x + 3]);
            c030 = a.fma(b0, c030);
            c031 = a.fma(b1, c031);
        }
        c000.intoArray(o, to + 0 * L);
        c001.intoArray(o, to + 1 * L);
        c010.intoArray(o, to + 2 * L);
        c011.intoArray(o, to + 3 * L);
        c020.intoArray(o, to + 4 * L);
        c021.intoArray(o, to + 5 * L);
        c030.intoArray(o, to + 6 * L);
        c031.intoArray(o, to + 7 * L);
    }
}
