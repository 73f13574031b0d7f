package dev.vinfer.conv;

/**
 * The GEMMs of {@link SmallPlaneWinograd}: one product per Winograd tile position, {@code O_pos = U_pos x V_pos}
 * ({@code rows x depth} transformed weights times {@code depth x tiles} transformed input), with every tile of the
 * plane in the lanes of one vector. The weights are the streamed operand: each weight is read once per call and
 * used for all tiles, in a layout read strictly in order ({@code [row block][position][depth][block row]}), while
 * the whole output block ({@code blockRows x tiles}) stays in registers over the reduction.
 *
 * <p>Why: on small planes a Winograd layer has few tiles (ResNet's 7x7 and 14x14 planes: 16) against many
 * weights (16 MB for 512->512 F(2,3)); the general GEMM, with the tiles as 6- or 7-row register tiles, pads 16
 * tiles to 18 and rereads its weight panels per row tile.
 *
 * <p>Prepared once per weights by {@link Backend#tileGemm}; immutable and safe to share between threads.
 */
public interface TileGemm {
    /** Tile columns computed per call: the tiles of a plane (at most this many) sit in lanes {@code [0, tiles)}. */
    int lanes();

    /** Output rows per block (the register tile's rows). */
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

    /**
     * For row block {@code block} and every position pos:
     * {@code o[oOff + (pos * blockRows() + r) * lanes() + j] = sum over c < depth of U_pos[block * blockRows() + r][c]
     * * v[vOff + pos * vPosStride + c * vRowStride + j]} for {@code r < blockRows()} (rows past {@link #rows()} are
     * zero) and {@code j < lanes()}. Reads {@link #lanes()} floats from every row start of v, so v must hold that
     * many readable floats past its last row's start; lanes past the caller's tiles carry whatever v held there
     * (finite or not) and are to be ignored.
     */
    void run(int block, float[] v, int vOff, int vPosStride, int vRowStride, float[] o, int oOff);
}
