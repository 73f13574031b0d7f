package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import dev.vinfer.conv.TileGemm;
import dev.vinfer.conv.TileGemms;
import jdk.incubator.vector.FloatVector;

/**
 * {@link TileGemm} on the Vector API: all tiles in one vector ({@link MicroKernel#L} lanes, 16 with AVX-512), a
 * register tile of {@value #BLOCK_ROWS} output rows (16 accumulators, one per row, of 32 registers), and per
 * reduction step one vector load of the transformed input and 16 broadcast weights, each multiplied into all tiles at
 * once. The weights are packed {@code [row block][position][depth][16 rows]}, so one call reads its block's weights
 * front to back, exactly once, a stream the hardware prefetchers follow.
 *
 * <p>Only offered with 16 lanes (see {@link VectorBackend#tileGemmLanes}): with 8 lanes (AVX2, 16 registers) 16
 * accumulators would spill, and ResNet's 16-tile planes would need two vectors per row.
 */
final class VectorTileGemm implements TileGemm {
    static final int BLOCK_ROWS = 16;

    private final int rows;
    private final int depth;
    private final int positions;
    /** {@code [block][position][depth][BLOCK_ROWS]}, zero past {@link #rows}. */
    private final float[] u;

    VectorTileGemm(int positions, int rows, int depth, float[][] byPosition) {
        this.rows = rows;
        this.depth = depth;
        this.positions = positions;
        this.u = TileGemms.pack(positions, rows, depth, byPosition, BLOCK_ROWS);
    }

    @Override
    public int lanes() {
        return L;
    }

    @Override
    public int blockRows() {
        return BLOCK_ROWS;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int depth() {
        return depth;
    }

    @Override
    public int positions() {
        return positions;
    }

    @Override
    public void run(int block, float[] v, int vOff, int vPosStride, int vRowStride, float[] o, int oOff) {
        TileGemms.run(this, block, v, vOff, vPosStride, vRowStride, o, oOff);
        for (int pos = 0; pos < positions; pos++) {
            product(depth, u, (block * positions + pos) * depth * BLOCK_ROWS, v, vOff + pos * vPosStride, vRowStride,
                    o, oOff + pos * BLOCK_ROWS * L);
        }
    }

    /** One position: 16 rows x L tiles over the whole reduction, stored row after row at {@code o[to]}. */
    private static void product(int depth, float[] w, int ub, float[] v, int vb, int vRowStride, float[] o, int to) {
        FloatVector c0 = FloatVector.zero(S);
        FloatVector c1 = FloatVector.zero(S);
        FloatVector c2 = FloatVector.zero(S);
        FloatVector c3 = FloatVector.zero(S);
        FloatVector c4 = FloatVector.zero(S);
        FloatVector c5 = FloatVector.zero(S);
        FloatVector c6 = FloatVector.zero(S);
        FloatVector c7 = FloatVector.zero(S);
        FloatVector c8 = FloatVector.zero(S);
        FloatVector c9 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c11 = FloatVector.zero(S);
        FloatVector c12 = FloatVector.zero(S);
        FloatVector c13 = FloatVector.zero(S);
        FloatVector c14 = FloatVector.zero(S);
        FloatVector c15 = FloatVector.zero(S);
        for (int c = 0; c < depth; c++) {
            FloatVector x = FloatVector.fromArray(S, v, vb + c * vRowStride);
            int a = ub + c * BLOCK_ROWS;
            c0 = FloatVector.broadcast(S, w[a]).fma(x, c0);
            c1 = FloatVector.broadcast(S, w[a + 1]).fma(x, c1);
            c2 = FloatVector.broadcast(S, w[a + 2]).fma(x, c2);
            c3 = FloatVector.broadcast(S, w[a + 3]).fma(x, c3);
            c4 = FloatVector.broadcast(S, w[a + 4]).fma(x, c4);
            c5 = FloatVector.broadcast(S, w[a + 5]).fma(x, c5);
            c6 = FloatVector.broadcast(S, w[a + 6]).fma(x, c6);
            c7 = FloatVector.broadcast(S, w[a + 7]).fma(x, c7);
            c8 = FloatVector.broadcast(S, w[a + 8]).fma(x, c8);
            c9 = FloatVector.broadcast(S, w[a + 9]).fma(x, c9);
            c10 = FloatVector.broadcast(S, w[a + 10]).fma(x, c10);
            c11 = FloatVector.broadcast(S, w[a + 11]).fma(x, c11);
            c12 = FloatVector.broadcast(S, w[a + 12]).fma(x, c12);
            c13 = FloatVector.broadcast(S, w[a + 13]).fma(x, c13);
            c14 = FloatVector.broadcast(S, w[a + 14]).fma(x, c14);
            c15 = FloatVector.broadcast(S, w[a + 15]).fma(x, c15);
        }
        c0.intoArray(o, to);
        c1.intoArray(o, to + 1 * L);
        c2.intoArray(o, to + 2 * L);
        c3.intoArray(o, to + 3 * L);
        c4.intoArray(o, to + 4 * L);
        c5.intoArray(o, to + 5 * L);
        c6.intoArray(o, to + 6 * L);
        c7.intoArray(o, to + 7 * L);
        c8.intoArray(o, to + 8 * L);
        c9.intoArray(o, to + 9 * L);
        c10.intoArray(o, to + 10 * L);
        c11.intoArray(o, to + 11 * L);
        c12.intoArray(o, to + 12 * L);
        c13.intoArray(o, to + 13 * L);
        c14.intoArray(o, to + 14 * L);
        c15.intoArray(o, to + 15 * L);
    }
}
