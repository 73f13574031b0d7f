package dev.vinfer.conv;

/**
 * {@link WinogradConv}'s strips with the tiles as the GEMMs' rows: one GEMM per position, {@code O_pos^T = V_pos^T x
 * U_pos^T} (tiles x output channels), where {@code U_pos} are the weights transformed at prepare time and packed as
 * GEMM B operands. Tiles are the GEMM's rows (6-row register tiles: any tile count fills them nearly whole) and
 * channels its columns (32-wide panels, whole for the usual multiples of 32 channels). With tiles as columns, short
 * strips (small planes; 3D F(4,3), whose 216 positions leave room for 16 tiles a strip) wasted up to half of every
 * panel. The segments' padding slots are dropped from V ({@link Backend#dropSegmentEnds}) when that saves GEMM row
 * tiles (16 tiles of a 7x7 plane: 3 row tiles of 6, not 4); otherwise they ride along through the GEMM as padding
 * rows. The output transform runs tile by tile, vectorized along the output channels, and each tile's {@code m^r}
 * values are scattered into the output planes (clipped at their ends); then residual, bias and epilogue over the
 * output rows the strip covers.
 *
 * <p>A strip runs on one thread ({@link #strip}) or, phase by phase, on all ({@link WinogradConv}'s cooperative
 * strips: {@link #gemms} split by positions, {@link #output} by output channels).
 */
final class WinogradRowStrips {
    private final WinogradTileGrid grid;
    private final Backend backend;
    private final WinogradInputTransform input;
    private final WinogradOutputTransform outputTransform;
    /** [group][position] transformed weights, {@code M/G x C/G} each, packed as B operands. */
    private final PackedMatrix[][] u;
    private final float[] bias;
    private final Epilogue epilogue;
    /**
     * Row tile of the GEMM's packed A (the micro-kernel's rows): a strip's segment padding slots are squeezed out
     * of the transformed input when that makes fewer row tiles (ResNet's 512@7x7 F(2,3): 16 tiles in 20 columns, 3
     * row tiles of 6 instead of 4).
     */
    private final int rowTile;

    WinogradRowStrips(WinogradTileGrid grid, Backend backend, WinogradInputTransform input, PackedMatrix[][] u,
            float[] bias, Epilogue epilogue) {
        this.grid = grid;
        this.backend = backend;
        this.input = input;
        this.outputTransform = new WinogradOutputTransform(backend, grid);
        this.u = u;
        this.bias = bias;
        this.epilogue = epilogue;
        this.rowTile = Math.max(1, backend.packA(false, 1, 1, new float[1], 0, 1).alignment());
    }

    /** Tile rows {@code [r0, r1)} of image n, group gi, all output channels, on this thread. */
    void strip(int n, int gi, int r0, int r1, float[] in, int inOff, float[] out, int outOff, float[] res,
            int resDelta) {
        int mg = grid.g.outChannelsPerGroup();
        WinogradScratch sc = WinogradScratch.ofThisThread();
        float[] v = input.transform(sc, n, gi, r0, r1, 0, grid.g.inChannelsPerGroup(), in, inOff, null);
        compactIfWorthIt(v, r0, r1);
        sc.o = WinogradScratch.grow(sc.o, grid.positions * (r1 - r0) * grid.segW * mg);
        gemms(v, sc.o, gi, r0, r1, 0, grid.positions);
        output(sc, sc.o, n, gi, r0, r1, 0, mg, out, outOff, res, resDelta);
    }

    /**
     * The GEMMs' rows are the strip's tiles: when dropping every segment's padding slot from V saves GEMM
     * row tiles, does so (in place).
     */
    void compactIfWorthIt(float[] v, int r0, int r1) {
        if (compact(r0, r1)) {
            backend.dropSegmentEnds(grid.segW, grid.positions * grid.g.inChannelsPerGroup() * (r1 - r0), v, 0, v,
                    0);
        }
    }

    /** Whether a strip of tile rows {@code [r0, r1)} goes through the GEMMs without its segments' padding slots. */
    private boolean compact(int r0, int r1) {
        return WinogradTileGrid.roundUp((r1 - r0) * grid.chunkTiles, rowTile)
                < WinogradTileGrid.roundUp((r1 - r0) * grid.segW, rowTile);
    }

    /** The GEMM rows of a by-rows strip: its tiles, with or without the segments' padding slots. */
    private int gemmRows(int r0, int r1) {
        return (r1 - r0) * (compact(r0, r1) ? grid.chunkTiles : grid.segW);
    }

    /**
     * The GEMMs of positions {@code [p0, p1)} of a by-rows strip (tile rows {@code [r0, r1)}, group gi):
     * {@code O_pos^T = V_pos^T x U_pos^T} from the transformed input {@code v} (compacted if {@link #compact})
     * into {@code o} ({@code [position][GEMM row][output channel]}, all the group's channels).
     */
    void gemms(float[] v, float[] o, int gi, int r0, int r1, int p0, int p1) {
        int cg = grid.g.inChannelsPerGroup();
        int mg = grid.g.outChannelsPerGroup();
        int rowsV = gemmRows(r0, r1);
        for (int pos = p0; pos < p1; pos++) {
            backend.gemmPackedB(true, rowsV, v, pos * cg * rowsV, rowsV, u[gi][pos], 0, mg, o, pos * rowsV * mg, mg,
                    false);
        }
    }

    /**
     * Output channels {@code [m0, m1)} of a by-rows strip (tile rows {@code [r0, r1)} of image n, group gi) from its
     * GEMM outputs {@code o}: output transform tile by tile, scatter into the output planes, then residual, bias and
     * epilogue over the output rows the strip covers. {@code sc} is this thread's scratch.
     */
    void output(WinogradScratch sc, float[] o, int n, int gi, int r0, int r1, int m0, int m1, float[] out,
            int outOff, float[] res, int resDelta) {
        int mg = grid.g.outChannelsPerGroup();
        int len = m1 - m0;
        int rowsV = gemmRows(r0, r1);
        int perRow = rowsV / (r1 - r0);
        int patchSize = grid.positions * len;
        sc.patch = WinogradScratch.grow(sc.patch, patchSize);
        sc.patch2 = WinogradScratch.grow(sc.patch2, patchSize);
        int tmax = Math.max(grid.tw.t, Math.max(grid.th.t, grid.td.t));
        if (sc.srcOff.length < tmax) {
            sc.srcOff = new int[tmax];
            sc.dstOff = new int[tmax];
        }
        int outPlane = grid.s.outPlane();
        int chBase = outOff + (n * grid.g.outChannels() + gi * mg + m0) * outPlane;
        for (int r = r0; r < r1; r++) {
            int tileRow = r / grid.chunks;
            int j0 = r % grid.chunks * grid.chunkTiles;
            int j1 = Math.min(grid.nW, j0 + grid.chunkTiles);
            for (int j = j0; j < j1; j++) {
                float[] tile = outputTransform.tile(sc, o, (r - r0) * perRow + j - j0, rowsV, mg, m0, len);
                scatterTile(tile, len, tileRow / grid.nH, tileRow % grid.nH, j, out, chBase, outPlane);
            }
        }
        // Residual, bias and epilogue over the output rows these tiles covered, channel by channel.
        for (int i = 0; i < len; i++) {
            int plane = chBase + i * outPlane;
            float b = bias == null ? 0f : bias[gi * mg + m0 + i];
            for (int r = r0; r < r1; r++) {
                int tileRow = r / grid.chunks;
                int x0 = r % grid.chunks * grid.chunkTiles * grid.tw.m;
                int x1 = Math.min(grid.s.outW, x0 + grid.chunkTiles * grid.tw.m);
                for (int oz = 0; oz < grid.td.m; oz++) {
                    int z = tileRow / grid.nH * grid.td.m + oz;
                    for (int oy = 0; oy < grid.th.m && z < grid.s.outD; oy++) {
                        int y = tileRow % grid.nH * grid.th.m + oy;
                        if (y >= grid.s.outH) {
                            break;
                        }
                        int row = plane + (z * grid.s.outH + y) * grid.s.outW;
                        if (res != null) {
                            backend.axpy(x1 - x0, 1f, res, row + x0 + resDelta, 1, out, row + x0);
                        }
                        backend.biasEpilogue(out, row + x0, x1 - x0, b, epilogue);
                    }
                }
            }
        }
    }

    /** Writes one tile's outputs ({@code [oz][oy][ox][len]}) into the planes of {@code len} channels, clipped. */
    private void scatterTile(float[] tile, int len, int tz, int ty, int tx, float[] out, int chBase, int outPlane) {
        for (int oz = 0; oz < grid.td.m; oz++) {
            int z = tz * grid.td.m + oz;
            for (int oy = 0; oy < grid.th.m && z < grid.s.outD; oy++) {
                int y = ty * grid.th.m + oy;
                if (y >= grid.s.outH) {
                    break;
                }
                for (int ox = 0; ox < grid.tw.m; ox++) {
                    int x = tx * grid.tw.m + ox;
                    if (x >= grid.s.outW) {
                        break;
                    }
                    int from = ((oz * grid.th.m + oy) * grid.tw.m + ox) * len;
                    int to = chBase + (z * grid.s.outH + y) * grid.s.outW + x;
                    for (int i = 0; i < len; i++) {
                        out[to + i * outPlane] = tile[from + i];
                    }
                }
            }
        }
    }
}
