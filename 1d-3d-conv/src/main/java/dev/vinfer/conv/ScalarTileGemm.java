package dev.vinfer.conv;

/**
 * {@link TileGemm} in plain loops (the scalar backend's, and the reference the vector kernel is tested against).
 * Sums in float, in reduction order, with fused multiply-adds.
 */
final class ScalarTileGemm extends PackedTileGemm {
    /** The sizes of the vector kernel this stands in for (AVX-512). */
    static final int MAX_TILES = 16;
    static final int TILE_GROUP = 8;
    static final int BLOCK_ROWS = 32;

    ScalarTileGemm(int positions, int rows, int depth, float[] transposed) {
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
            int to = oOff + pos * slots * BLOCK_ROWS;
            java.util.Arrays.fill(o, to, to + slots * BLOCK_ROWS, 0f);
            // Reduction outermost, rows innermost: contiguous weight and output rows (each output still sums in
            // reduction order).
            for (int c = 0; c < depth; c++) {
                int uc = ub + c * BLOCK_ROWS;
                int vc = vb + c * vRowStride;
                for (int j = 0; j < slots; j++) {
                    float x = v[vc + j];
                    int oj = to + j * BLOCK_ROWS;
                    for (int r = 0; r < BLOCK_ROWS; r++) {
                        o[oj + r] = Math.fma(u[uc + r], x, o[oj + r]);
                    }
                }
            }
        }
    }
}
