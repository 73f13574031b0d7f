package dev.vinfer.conv;

/**
 * The tiles of a {@link WinogradConv} and how its tile rows are cut into strips: tiles per axis, the chunks long rows
 * are cut into (one segment each: its tiles and a padding slot), the tile rows per strip, and whether the strips'
 * GEMMs take the tiles as columns ({@link WinogradColumnStrips}) or rows ({@link WinogradRowStrips}). A pure
 * function of the geometry and the F(m,3) variant, made once per layer.
 *
 * <p>Strips are sized so the transformed input and output ({@code t^r x (C/G + M/G) x tiles} floats) stay near
 * {@link #STRIP_BUDGET} (strips by columns: {@link #BY_COLUMNS_BUDGET}, their rows padded to whole vectors).
 */
final class WinogradTileGrid {
    /** Floats of transformed input plus GEMM output per strip (2 MiB: L2-sized on Zen 4, within L3 elsewhere). */
    static final int STRIP_BUDGET = 1 << 19;
    /**
     * Strips of at least this many tile columns (3 panels of 32) with at most {@link #BY_COLUMNS_MAX_CHANNELS}
     * output channels per group keep tiles as the GEMMs' columns: the panels run mostly full, packing V as B (row
     * copies) is cheaper than packing V^T as A (6-value gathers per channel), and the output transform runs along
     * long tile rows instead of 64-channel ones with a scalar scatter per value: measured about 5% faster on
     * 64@56x56 F(4,3) (best of 1650 alternated runs each, one JVM). With more channels rows won: 256-channel 1D k3
     * @4000 F(4,3) 10.9 ms by rows, 12.1 by columns. Shorter strips (small planes, 3D F(4,3)) always go by rows.
     */
    static final int BY_COLUMNS_MIN = 96;
    /** See {@link #BY_COLUMNS_MIN}. */
    static final int BY_COLUMNS_MAX_CHANNELS = 64;
    /**
     * The strip budget of strips that go by columns even with it (4 MiB): longer GEMMs and transform rows. The
     * whole 64@56x56 plane as one strip of 210 (padded 224) tile columns instead of two of 105 (112): one-thread
     * CPU time best 1.376 -> 1.274 ms, median 1.550 -> 1.505 (load 14, WinogradStripProbe); two threads still cut
     * it into two strips ({@link WinogradStripPlan}). Smaller strips than 105 columns were slower (60: 1.63, 30:
     * 1.92 ms best), so fitting V and O into the 1 MiB L2 does not pay for shorter GEMMs.
     */
    static final int BY_COLUMNS_BUDGET = 2 * STRIP_BUDGET;
    /**
     * Floats of transformed input plus GEMM output of the strips a layer chosen by columns (on
     * {@link #BY_COLUMNS_BUDGET}) actually runs in (1.25 MiB: 64@56x56 F(4,3) in strips of 4 tile rows, 1.2 MB,
     * near the 1 MiB L2). Since the F(4,3) transforms load each row once ({@link Backend#winogradF43}) the whole-plane
     * strip no longer wins: one thread, `WinogradStripProbe 64,64,56x56,4 1 800 0,60,120` at load 17, CPU median
     * whole plane 1.659 ms, 8 rows 1.508, 4 rows 1.456; with cold caches ({@code -Dprobe.flush=true}, as inside a
     * network, where the whole plane's 4 MiB of V and O come back from memory) 1.517, 1.457, 1.424. Two threads
     * still get one strip of 7 rows each ({@link WinogradStripPlan#evenStrip}).
     */
    static final int BY_COLUMNS_STRIP_BUDGET = 5 << 16;
    /** Tile columns per half at least this many for {@link #halvesOneRow} (GEMMs of fewer are mostly edge). */
    static final int MIN_HALF_TILES = 32;

    final ConvGeometry g;
    final Shape3 s;
    final WinogradTransform td;
    final WinogradTransform th;
    final WinogradTransform tw;
    /** Tile positions, {@code t^r}. */
    final int positions;
    /** Tiles per axis. */
    final int nD;
    final int nH;
    final int nW;
    /** Tiles per W chunk, and chunks per tile row. */
    final int chunkTiles;
    final int chunks;
    /** Columns per segment (one chunk of a tile row): its tiles and a padding slot. */
    final int segW;
    /** Segments per strip. */
    final int stripRows;
    /** Tiles as the GEMMs' columns ({@link WinogradColumnStrips}) instead of their rows ({@link WinogradRowStrips}). */
    final boolean byColumns;

    /** See {@link WinogradConv}'s constructors for {@code stripColumns} and {@code byColumnsMin}. */
    WinogradTileGrid(ConvGeometry g, int m, int stripColumns, int byColumnsMin) {
        this.g = g;
        this.s = Shape3.of(g);
        WinogradTransform f = WinogradTransform.of(m);
        int rank = g.rank();
        this.td = rank >= 3 ? f : WinogradTransform.IDENTITY;
        this.th = rank >= 2 ? f : WinogradTransform.IDENTITY;
        this.tw = f;
        this.positions = td.t * th.t * tw.t;
        this.nD = Math.ceilDiv(s.outD, td.m);
        this.nH = Math.ceilDiv(s.outH, th.m);
        this.nW = Math.ceilDiv(s.outW, tw.m);
        int perTileColumn = positions * (g.inChannelsPerGroup() + g.outChannelsPerGroup());
        int fitCols = Math.max(24, STRIP_BUDGET / perTileColumn);
        int wideCols = Math.max(24, BY_COLUMNS_BUDGET / perTileColumn);
        boolean wide = false;
        if (stripColumns > 0) {
            fitCols = Math.max(2, stripColumns);
        } else if (g.outChannelsPerGroup() <= BY_COLUMNS_MAX_CHANNELS
                && stripColumns(wideCols, nW, nD * nH) >= byColumnsMin) {
            fitCols = wideCols;
            wide = true;
        }
        if (nW + 1 > fitCols) {
            // Long rows: balanced chunks of one row.
            this.chunks = Math.ceilDiv(nW, fitCols - 1);
            this.chunkTiles = Math.ceilDiv(nW, chunks);
            this.stripRows = 1;
        } else if (stripColumns == 0 && halvesOneRow(nD * nH, nW, g.inChannelsPerGroup(), g.outChannelsPerGroup())) {
            this.chunks = 2;
            this.chunkTiles = Math.ceilDiv(nW, 2);
            this.stripRows = 1;
        } else {
            this.chunks = 1;
            this.chunkTiles = nW;
            int rows = Math.max(1, Math.min(nD * nH, fitCols / (nW + 1)));
            if (wide) {
                // Chosen by columns on the wide budget; run in strips whose V and O stay near L2's size.
                rows = Math.max(1, Math.min(rows, BY_COLUMNS_STRIP_BUDGET / (perTileColumn * (nW + 1))));
            }
            this.stripRows = rows;
        }
        this.segW = chunkTiles + 1;
        this.byColumns = (wide || stripRows * segW >= byColumnsMin)
                && g.outChannelsPerGroup() <= BY_COLUMNS_MAX_CHANNELS;
    }

    /** The tile columns (tiles and padding slots) of a full strip when {@code fitCols} fit: see the constructor. */
    private static int stripColumns(int fitCols, int nW, int tileRows) {
        if (nW + 1 > fitCols) {
            return Math.ceilDiv(nW, Math.ceilDiv(nW, fitCols - 1)) + 1;
        }
        return Math.max(1, Math.min(tileRows, fitCols / (nW + 1))) * (nW + 1);
    }

    /**
     * Whether a single tile row (a 1-d convolution: M5's 128@995) is cut into two chunks, so that two threads take
     * one each, instead of one strip that all threads run cooperatively phase by phase. Cooperatively each thread
     * reads only its share of the transformed weights but hands the transformed input and the GEMM output over to
     * the other thread between phases (three joins); in halves each thread reads all the weights but keeps its own
     * tiles. Halves win when the weights of one position ({@code cin x cout}) are smaller than half the tiles'
     * transformed input and output ({@code (cin + cout) x tiles / 2}): M5's 128->128 over 249 tiles, not its
     * 256->256 over 62 or 512->512 over 16 tiles. On one thread the two chunks run one after the other.
     */
    static boolean halvesOneRow(int rows, int tiles, int cin, int cout) {
        return rows == 1 && tiles >= 2 * MIN_HALF_TILES && (long) cin * cout < (long) (cin + cout) * tiles / 2;
    }

    /** Tile rows (row chunks, one segment each) of one image and group: what strips are made of. */
    int tileRows() {
        return nD * nH * chunks;
    }

    /**
     * The offset in a channel plane of the output row that tile row {@code r}'s (chunk's) outputs {@code (oz, oy)}
     * go to, or -1 if it lies past the plane's end.
     */
    int outputRow(int r, int oz, int oy) {
        int tileRow = r / chunks;
        int z = tileRow / nH * td.m + oz;
        int y = tileRow % nH * th.m + oy;
        return z >= s.outD || y >= s.outH ? -1 : (z * s.outH + y) * s.outW;
    }

    static int roundUp(int x, int to) {
        return Math.ceilDiv(x, to) * to;
    }
}
