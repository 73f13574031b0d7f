package dev.vinfer.conv;

/**
 * The GEMMs of {@link SmallPlaneWinograd}: one product per Winograd tile position, {@code O_pos = U_pos x V_pos}
 * ({@code rows x depth} transformed weights times {@code depth x tiles} transformed input) for a plane of few tiles
 * (at most {@link #maxTiles()}), one block of output rows (channels) at a time over all positions. Per block the
 * weights are read once, front to back ({@code [row block][position][depth][block row]}), and all of the plane's
 * tiles are computed from them while they are in L1/L2.
 *
 * <p>Why: on small planes a Winograd layer has few tiles (ResNet's 7x7 and 14x14 planes: 16) against many
 * weights (16 MB for 512->512 F(2,3)); the general GEMM pads 16 tiles to 18 (6-row register tiles) and works
 * position by position over all channels, with its transforms in many short calls.
 *
 * <p>Output layout: {@code o[oOff + (pos * slots + j) * blockRows() + r]} for tile j of {@code slots =
 * tiles rounded up to tileGroup()} and row r of the block (rows past {@link #rows()} are zero; slots past the
 * tiles hold whatever v held past them, to be ignored).
 *
 * <p>Prepared once per weights by {@link Backend#tileGemm}; immutable and safe to share between threads.
 */
public interface TileGemm {
    /** Most tiles per call. */
    int maxTiles();

    /** Tiles are computed in groups of this many (the register tile's rows). */
    int tileGroup();

    /** Output rows per block (the register tile's columns). */
    int blockRows();

    /** Output rows (M/G). */
    int rows();

    /** Reduction length (C/G). */
    int depth();

    /** Tile positions (products). */
    int positions();

    /** Row blocks, {@code ceil(rows / blockRows)}. */
    default int blocks() {
        return Math.ceilDiv(rows(), blockRows());
    }

    /** Tile slots of the output for {@code tiles} tiles: tiles rounded up to {@link #tileGroup()}. */
    default int slots(int tiles) {
        return Math.ceilDiv(tiles, tileGroup()) * tileGroup();
    }

    /**
     * For row block {@code block} and every position pos, tile {@code j < tiles} and row {@code r < blockRows()}:
     * {@code o[oOff + (pos * slots(tiles) + j) * blockRows() + r] = sum over c < depth of
     * U_pos[block * blockRows() + r][c] * v[vOff + pos * vPosStride + c * vRowStride + j]}. Reads
     * {@code slots(tiles)} floats from every row start of v, so v must hold that many readable floats past its last
     * row's start.
     */
    void run(int block, int tiles, float[] v, int vOff, int vPosStride, int vRowStride, float[] o, int oOff);
}
