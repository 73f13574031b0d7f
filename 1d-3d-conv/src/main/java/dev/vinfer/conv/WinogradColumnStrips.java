package dev.vinfer.conv;

/**
 * {@link WinogradConv}'s strips with the tiles as the GEMMs' columns ({@code O_pos = U_pos x V_pos}, V a plain B
 * operand), for long strips of layers with at most {@link WinogradTileGrid#BY_COLUMNS_MAX_CHANNELS} output channels
 * per group (see {@link WinogradTileGrid#BY_COLUMNS_MIN} for why): the output transform then runs vectorized along
 * the tiles, one output channel at a time, and the result is {@link Backend#interleave}d back into output rows. The
 * rows of V and O are padded to whole vectors; segments keep their padding slot ({@link WinogradInputTransform}) or
 * are dense ({@link WinogradDenseColumns}), whichever pads to fewer columns ({@link #denseColumns}).
 */
final class WinogradColumnStrips {
    /** By columns, the GEMM output's rows are padded to a multiple of this (16 float lanes with AVX-512). */
    static final int OUTPUT_ROW_ALIGN = 16;
    /** Values of {@code columnsLayout}: see {@link #denseColumns}. */
    static final int COLUMNS_AUTO = 0;
    static final int COLUMNS_DENSE = 1;
    static final int COLUMNS_PAD_SLOTS = 2;

    private final WinogradTileGrid grid;
    private final Backend backend;
    /** The input transform of strips whose segments keep their padding slot. */
    private final WinogradInputTransform input;
    /** The input transform of strips with dense segments (where {@link #denseColumns} says so). */
    private final WinogradDenseColumns denseInput;
    private final WinogradOutputTransform outputTransform;
    /** [group][position] transformed weights, {@code M/G x C/G} each, packed as A operands. */
    private final PackedMatrix[][] u;
    private final float[] bias;
    private final Epilogue epilogue;
    /** {@link #COLUMNS_AUTO}, {@link #COLUMNS_DENSE} or {@link #COLUMNS_PAD_SLOTS}: see {@link #denseColumns}. */
    private final int columnsLayout;

    WinogradColumnStrips(WinogradTileGrid grid, Backend backend, WinogradInputTransform input, int patchFloats,
            PackedMatrix[][] u, float[] bias, Epilogue epilogue, int columnsLayout) {
        this.grid = grid;
        this.backend = backend;
        this.input = input;
        this.denseInput = new WinogradDenseColumns(backend, grid.g, grid.s, grid.td, grid.th, grid.tw, grid.nH,
                grid.chunks, grid.chunkTiles, patchFloats);
        this.outputTransform = new WinogradOutputTransform(backend, grid);
        this.u = u;
        this.bias = bias;
        this.epilogue = epilogue;
        this.columnsLayout = columnsLayout;
    }

    /**
     * Tile rows {@code [r0, r1)} of image n, group gi, all output channels, tiles as the GEMMs' columns:
     * {@code O_pos = U_pos x V_pos} with V as a plain B operand (packed by row copies), then the output transform
     * vectorized along the tiles and {@link Backend#interleave}d back into output rows.
     */
    void strip(int n, int gi, int r0, int r1, float[] in, int inOff, float[] out, int outOff, float[] res,
            int resDelta) {
        int cg = grid.g.inChannelsPerGroup();
        int mg = grid.g.outChannelsPerGroup();
        // Dense segments: a tile row's tiles only, no padding slot (14 tiles of 56: 196 columns for 14 rows, padded
        // to 208, instead of 210 padded to 224).
        boolean dense = denseColumns(r0, r1);
        int seg = dense ? grid.chunkTiles : grid.segW;
        int cols = (r1 - r0) * seg;
        WinogradScratch sc = WinogradScratch.ofThisThread();
        int ld = WinogradTileGrid.roundUp(cols, OUTPUT_ROW_ALIGN);
        float[] v = dense ? denseInput.input(sc, n, gi, r0, r1, in, inOff, ld)
                : input.transform(sc, n, gi, r0, r1, 0, cg, in, inOff, null, ld);
        // Rows padded to whole vectors (105 tile columns of 64@56x56 F(4,3): 112), so that the transforms' passes
        // and the (de)interleaves have no scalar tails and the GEMMs read V in place (no packing, see
        // VectorGemm.rowSweep); the padding columns go through the GEMMs too but are never read into the output.
        sc.o = WinogradScratch.grow(sc.o, grid.positions * mg * ld);
        sc.patch = WinogradScratch.grow(sc.patch, grid.td.t * grid.th.t * grid.tw.m * ld);
        sc.patch2 = WinogradScratch.grow(sc.patch2, grid.td.t * grid.th.t * grid.tw.m * ld);
        sc.line = WinogradScratch.grow(sc.line, ld * grid.tw.m);
        float[] o = sc.o;
        for (int pos = 0; pos < grid.positions; pos++) {
            backend.gemmPackedA(u[gi][pos], 0, mg, false, ld, v, pos * cg * ld, ld, o, pos * mg * ld, ld,
                    false);
        }
        int outPlane = grid.s.outPlane();
        for (int mo = 0; mo < mg; mo++) {
            int ch = gi * mg + mo;
            float[] tiles = outputTransform.channel(sc, o, mo, mg, ld);
            writeTiles(tiles, ld, seg, r0, r1, out, outOff + (n * grid.g.outChannels() + ch) * outPlane,
                    bias == null ? 0f : bias[ch], res, resDelta, sc.line);
        }
    }

    /**
     * Whether a strip by columns of tile rows {@code [r0, r1)} uses dense segments ({@link WinogradDenseColumns}):
     * when that makes its rows shorter once padded to whole vectors (64@56x56 F(4,3) as one strip: 196 -> 208
     * columns instead of 210 -> 224), unless a segment holds a single tile (its end values would not fit the slot
     * {@link WinogradDenseColumns} keeps them in); {@link #COLUMNS_DENSE} / {@link #COLUMNS_PAD_SLOTS} force a layout.
     * Where both pad to the same length (two threads' strips of 7 rows, 98 or 105 -> 112; F(6,3) 100 or 110 -> 112)
     * the padding-slot layout stays: its fill has no end values or shifted rows to build (F(6,3) on 64@56x56 was 8%
     * slower dense, paired probe, load 16).
     */
    private boolean denseColumns(int r0, int r1) {
        if (grid.chunkTiles < 2 || columnsLayout == COLUMNS_PAD_SLOTS) {
            return false;
        }
        return columnsLayout == COLUMNS_DENSE
                || WinogradTileGrid.roundUp((r1 - r0) * grid.chunkTiles, OUTPUT_ROW_ALIGN)
                < WinogradTileGrid.roundUp((r1 - r0) * grid.segW, OUTPUT_ROW_ALIGN);
    }

    /**
     * Interleaves the phase rows of {@code tiles} into output rows ({@link Backend#interleave} into {@code line},
     * all segments at once, then each segment's clipped span copied out), then the residual (if any), bias and
     * epilogue per row.
     */
    private void writeTiles(float[] tiles, int ld, int segW, int r0, int r1, float[] out, int chBase,
            float b, float[] res, int resDelta, float[] line) {
        int mW = grid.tw.m;
        int span = segW * mW;
        for (int oz = 0; oz < grid.td.m; oz++) {
            for (int oy = 0; oy < grid.th.m; oy++) {
                backend.interleave(mW, ld, tiles, (oz * grid.th.m + oy) * mW * ld, ld, line, 0);
                // Residual into the line segment by segment, then bias and epilogue over the whole line in one call
                // (per 56-value output row, the call and its scalar tail were 6% of 64@56x56), then copied out.
                if (res != null) {
                    for (int r = r0; r < r1; r++) {
                        int row = grid.outputRow(r, oz, oy);
                        if (row >= 0) {
                            int x0 = r % grid.chunks * grid.chunkTiles * mW;
                            int x1 = Math.min(grid.s.outW, x0 + grid.chunkTiles * mW);
                            backend.axpy(x1 - x0, 1f, res, chBase + row + x0 + resDelta, 1, line, (r - r0) * span);
                        }
                    }
                }
                backend.biasEpilogue(line, 0, (r1 - r0) * span, b, epilogue);
                for (int r = r0; r < r1; r++) {
                    int row = grid.outputRow(r, oz, oy);
                    if (row >= 0) {
                        int x0 = r % grid.chunks * grid.chunkTiles * mW;
                        int x1 = Math.min(grid.s.outW, x0 + grid.chunkTiles * mW);
                        System.arraycopy(line, (r - r0) * span, out, chBase + row + x0, x1 - x0);
                    }
                }
            }
        }
    }
}
