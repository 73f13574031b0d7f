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
            for (int j = 0; j < slots; j += TILE_GROUP) {
                product(depth, u, ub, v, vOff + pos * vPosStride + j, vRowStride, o,
                        oOff + (pos * slots + j) * BLOCK_ROWS);
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
}
