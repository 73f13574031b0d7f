package dev.vinfer.conv;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Winograd convolution {@code F(m^r, 3^r)} for 3-tap (1D), 3x3 (2D) and 3x3x3 (3D) kernels with stride 1 and
 * dilation 1, any padding and groups: each output tile of {@code m^r} values comes from an input tile of
 * {@code t^r} ({@code t = m + 2}) values through {@code t^r} products per (input, output channel) pair instead of
 * {@code (3m)^r}, using the separable transforms of {@link WinogradTransform}.
 *
 * <p>Per image, group, strip of tiles and block of output channels:
 * <ol>
 * <li>input transform: the strip's input tiles, phase-split along W (see below), go through {@code B^T} along each
 * axis, giving for every tile position {@code pos < t^r} a matrix {@code V_pos} (C/G channels x tiles);</li>
 * <li>one GEMM per position, {@code O_pos^T = V_pos^T x U_pos^T} (tiles x output channels), where {@code U_pos}
 * are the weights transformed by {@code G} once, at prepare time, and packed as GEMM B operands. Tiles are the
 * GEMM's rows (6-row register tiles: any tile count fills them nearly whole) and channels its columns (32-wide
 * panels, whole for the usual multiples of 32 channels). With tiles as columns, short strips (small planes; 3D
 * F(4,3), whose 216 positions leave room for 16 tiles a strip) wasted up to half of every panel;</li>
 * <li>output transform: {@code A^T} along each axis, tile by tile, vectorized along the output channels, and the
 * {@code m^r} values of each tile scattered into the output planes (clipped at their ends); then residual, bias and
 * epilogue over the output rows the strip covers.</li>
 * </ol>
 *
 * <p>Why the phase split: tiles along W start {@code m} inputs apart, so tile j needs inputs {@code j*m + k} for
 * {@code k < t}. Stored as m "phase" rows {@code P_p[j] = x[j*m + p]}, input k of every tile is the contiguous
 * row {@code P_(k mod m)} shifted by {@code k / m} (0 or 1), so every input-transform step is a linear combination
 * of whole rows ({@link Backend#combine}), vectorized across tiles. Each tile row gets one extra slot (its last tile
 * needs input {@code nW*m + k - m}). With tiles as the GEMMs' rows those slots are dropped from V
 * ({@link Backend#dropSegmentEnds}) when that saves GEMM row tiles (16 tiles of a 7x7 plane: 3 row tiles of 6,
 * not 4); otherwise they ride along through the GEMM as padding rows.
 *
 * <p>Work is cut into strips of consecutive tile rows (or, for long rows, of chunks of one row) sized so the
 * transformed input and output ({@code t^r x (C/G + M/G) x tiles} floats) stay near {@link #STRIP_BUDGET} (strips
 * by columns: {@link #BY_COLUMNS_BUDGET}, their rows padded to whole vectors). When that leaves threads unevenly
 * loaded (small planes: ResNet's 512@7x7 is one strip of 16 tiles) all threads work on each strip in turn, phase by
 * phase: input transform by input channels, GEMMs by positions, output transform by output channels
 * ({@link #cooperativeStrip}). WinogradScratch is per thread ({@link ThreadLocal}, kept); in a cooperative strip V and O are
 * the calling thread's, shared by all.
 */
final class WinogradConv extends PreparedConv {
    /**
     * Floats per patch buffer of the input transform: channels are transformed in blocks that fill it (7x7 F(2,3):
     * 51 channels a block), so small planes make a few long combine calls instead of many short ones.
     */
    static final int PATCH_FLOATS = 8192;
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
    /** By columns, the GEMM output's rows are padded to a multiple of this (16 float lanes with AVX-512). */
    static final int OUTPUT_ROW_ALIGN = 16;

    private static final ThreadLocal<WinogradScratch> SCRATCH = ThreadLocal.withInitial(WinogradScratch::new);

    private final ConvGeometry g;
    private final Shape3 s;
    private final WinogradTransform td;
    private final WinogradTransform th;
    private final WinogradTransform tw;
    /** Tile positions, {@code t^r}. */
    private final int positions;
    /** [group][position] transformed weights, {@code M/G x C/G} each. */
    private final PackedMatrix[][] u;
    private final float[] bias;
    private final Epilogue epilogue;
    /** Tiles per axis. */
    private final int nD;
    private final int nH;
    private final int nW;
    /** Tiles per W chunk, and chunks per tile row. */
    private final int chunkTiles;
    private final int chunks;
    /** Columns per segment (one chunk of a tile row): its tiles and a padding slot. */
    private final int segW;
    /** Segments per strip. */
    private final int stripRows;
    /**
     * Row tile of the GEMM's packed A (the micro-kernel's rows): by rows, a strip's segment padding slots are
     * squeezed out of the transformed input when that makes fewer row tiles (ResNet's 512@7x7 F(2,3): 16 tiles in
     * 20 columns, 3 row tiles of 6 instead of 4).
     */
    private final int rowTile;
    /** Floats per input-transform patch buffer ({@link #PATCH_FLOATS} but in tests). */
    private final int patchFloats;
    /** {@link #COLUMNS_AUTO}, {@link #COLUMNS_DENSE} or {@link #COLUMNS_PAD_SLOTS}: see {@link #denseColumns}. */
    private final int columnsLayout;
    static final int COLUMNS_AUTO = 0;
    static final int COLUMNS_DENSE = 1;
    static final int COLUMNS_PAD_SLOTS = 2;
    /** Tiles as the GEMMs' columns ({@link #stripByColumns}) instead of their rows ({@link #strip}). */
    private final boolean byColumns;
    /** The input transform of strips by columns with dense segments (where {@link #denseColumns} says so). */
    private final WinogradDenseColumns denseInput;

    WinogradConv(ConvGeometry g, int m, float[] w, int wOff, float[] bias, Epilogue e, Backend backend) {
        this(g, m, w, wOff, bias, e, backend, 0, BY_COLUMNS_MIN, PATCH_FLOATS);
    }

    /**
     * As above; {@code stripColumns > 0} sets the tile columns per strip instead of {@link #STRIP_BUDGET} (tests
     * use it to force many strips and chunked rows on small inputs, probes to try strip sizes); strips of at least
     * {@code byColumnsMin} tile columns go by columns (tests force each layout with 0 and a huge value);
     * {@code patchFloats} sizes the input transform's channel blocks ({@link #PATCH_FLOATS}; tests make it small to
     * get several blocks).
     */
    WinogradConv(ConvGeometry g, int m, float[] w, int wOff, float[] bias, Epilogue e, Backend backend,
            int stripColumns, int byColumnsMin, int patchFloats) {
        this(g, m, w, wOff, bias, e, backend, stripColumns, byColumnsMin, patchFloats, COLUMNS_AUTO);
    }

    /**
     * As above; {@code columnsLayout} chooses how strips by columns lay out their tiles ({@link #denseColumns};
     * tests force each).
     */
    WinogradConv(ConvGeometry g, int m, float[] w, int wOff, float[] bias, Epilogue e, Backend backend,
            int stripColumns, int byColumnsMin, int patchFloats, int columnsLayout) {
        super(algorithmFor(m), backend, g.inputLength(), g.outputLength());
        if (!supports(g, m)) {
            throw new IllegalArgumentException("Winograd F(" + m + ",3) needs 3-tap kernels on every axis, stride 1,"
                    + " dilation 1, and at most " + MAX_TRANSFORMED_WEIGHTS + " transformed weights: " + g);
        }
        this.g = g;
        this.s = Shape3.of(g);
        this.patchFloats = patchFloats;
        this.columnsLayout = columnsLayout;
        WinogradTransform f = WinogradTransform.of(m);
        int rank = g.rank();
        this.td = rank >= 3 ? f : WinogradTransform.IDENTITY;
        this.th = rank >= 2 ? f : WinogradTransform.IDENTITY;
        this.tw = f;
        this.positions = td.t * th.t * tw.t;
        this.bias = checkedBias(w, wOff, g.weightLength(), bias, g.outChannels());
        this.epilogue = e;
        this.nD = Math.ceilDiv(s.outD, td.m);
        this.nH = Math.ceilDiv(s.outH, th.m);
        this.nW = Math.ceilDiv(s.outW, tw.m);
        this.rowTile = Math.max(1, backend.packA(false, 1, 1, new float[1], 0, 1).alignment());
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
        this.denseInput = new WinogradDenseColumns(backend, g, s, td, th, tw, nH, chunks, chunkTiles, patchFloats);
        this.u = WinogradWeights.transform(g, s.kernelSize(), td, th, tw, positions, byColumns, backend, w, wOff);
    }

    /** The tile columns (tiles and padding slots) of a full strip when {@code fitCols} fit: see the constructor. */
    private static int stripColumns(int fitCols, int nW, int tileRows) {
        if (nW + 1 > fitCols) {
            return Math.ceilDiv(nW, Math.ceilDiv(nW, fitCols - 1)) + 1;
        }
        return Math.max(1, Math.min(tileRows, fitCols / (nW + 1))) * (nW + 1);
    }

    private static int roundUp(int x, int to) {
        return Math.ceilDiv(x, to) * to;
    }

    /** Most floats of transformed weights a kernel may hold (256 MiB): beyond it, im2col instead of an OOM. */
    static final long MAX_TRANSFORMED_WEIGHTS = 1L << 26;

    /** 3-tap kernels on every axis, stride 1, dilation 1. */
    static boolean supports(ConvGeometry g) {
        for (int d = 0; d < g.rank(); d++) {
            if (g.kernel(d) != 3 || g.stride(d) != 1 || g.dilation(d) != 1) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@link #supports(ConvGeometry)}, and F(m,3)'s transformed weights ({@code (m+2)^rank} positions x M x C/G
     * floats; 512 positions for F(6,3) in 3D) within {@link #MAX_TRANSFORMED_WEIGHTS}.
     */
    static boolean supports(ConvGeometry g, int m) {
        long positions = (long) Math.pow(m + 2, g.rank());
        return supports(g) && positions * g.outChannels() * g.inChannelsPerGroup() <= MAX_TRANSFORMED_WEIGHTS;
    }

    static ConvAlgorithm algorithmFor(int m) {
        return switch (m) {
            case 2 -> ConvAlgorithm.WINOGRAD_F2_3;
            case 4 -> ConvAlgorithm.WINOGRAD_F4_3;
            case 6 -> ConvAlgorithm.WINOGRAD_F6_3;
            default -> throw new IllegalArgumentException("no Winograd F(" + m + ",3)");
        };
    }

    /** A spare call object (see {@link PreparedConv.Call}): a steady run allocates no task lambda per call. */
    private final AtomicReference<Strips> spare = new AtomicReference<>();

    /** Tile columns per half at least this many for {@link #halvesOneRow} (GEMMs of fewer are mostly edge). */
    static final int MIN_HALF_TILES = 32;

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

    @Override
    void compute(float[] in, int inOff, float[] out, int outOff, float[] res, int resDelta, Parallel p) {
        Strips c = take(spare);
        if (c == null) {
            c = new Strips();
        }
        if (c.threads != p.threads()) {
            c.plan = WinogradStripPlan.of(g.batch() * g.group(), nD * nH * chunks, stripRows, byColumns, p.threads());
            c.threads = p.threads();
        }
        c.set(in, inOff, out, outOff, res, resDelta);
        try {
            WinogradStripPlan plan = c.plan;
            if (plan.cooperative()) {
                int rows = nD * nH * chunks;
                for (int st = 0; st < plan.units() * plan.strips(); st++) {
                    int unit = st / plan.strips();
                    int r0 = st % plan.strips() * plan.rowsPerStrip();
                    cooperativeStrip(c, unit / g.group(), unit % g.group(), r0,
                            Math.min(rows, r0 + plan.rowsPerStrip()), p);
                }
            } else {
                p.forEach(plan.units() * plan.strips(), c);
            }
        } finally {
            give(spare, c);
        }
    }

    /**
     * One call's state. As a task (not cooperative): one strip of one image and group. In a cooperative strip, the
     * current phase's part: {@link #phase} selects the input transform, the GEMMs or the output transform.
     */
    private final class Strips extends Call {
        /** The strip plan for {@link #threads} threads. */
        WinogradStripPlan plan;
        // The cooperative strip in progress.
        int phase;
        int parts;
        int n;
        int gi;
        int r0;
        int r1;
        float[] v;
        float[] o;

        @Override
        public void run(int task) {
            if (plan.cooperative()) {
                runPart(task);
                return;
            }
            int rows = nD * nH * chunks;
            int mg = g.outChannelsPerGroup();
            int strips = plan.strips();
            int rowsPerStrip = plan.rowsPerStrip();
            int unit = task / strips;
            int n = unit / g.group();
            int gi = unit % g.group();
            int r0 = task % strips * rowsPerStrip;
            int r1 = Math.min(rows, r0 + rowsPerStrip);
            if (byColumns) {
                stripByColumns(n, gi, r0, r1, in, inOff, out, outOff, res, resDelta);
            } else {
                WinogradScratch sc = SCRATCH.get();
                float[] v = transformedInput(sc, n, gi, r0, r1, 0, g.inChannelsPerGroup(), in, inOff, null);
                sc.o = WinogradScratch.grow(sc.o, positions * (r1 - r0) * segW * mg);
                stripGemms(v, sc.o, gi, r0, r1, 0, positions);
                stripOutput(sc, sc.o, n, gi, r0, r1, 0, mg, out, outOff, res, resDelta);
            }
        }

        private void runPart(int part) {
            switch (phase) {
                case 0 -> {
                    int cg = g.inChannelsPerGroup();
                    transformedInput(SCRATCH.get(), n, gi, r0, r1, cg * part / parts, cg * (part + 1) / parts, in,
                            inOff, v);
                }
                case 1 -> stripGemms(v, o, gi, r0, r1, positions * part / parts, positions * (part + 1) / parts);
                default -> {
                    int mg = g.outChannelsPerGroup();
                    stripOutput(SCRATCH.get(), o, n, gi, r0, r1, mg * part / parts, mg * (part + 1) / parts, out,
                            outOff, res, resDelta);
                }
            }
        }
    }

    /**
     * One strip by rows on all threads, in three phases with a join after each: the input transform (input
     * channels split between the threads, into the calling thread's V), the GEMMs (positions split, into its O),
     * the output transform with residual, bias and epilogue (output channels split). Splitting the GEMMs by
     * output-channel blocks instead made every thread pack the same transformed input for its GEMMs, and (before
     * session 3) redo the whole input transform: a sixth of 512@7x7 F(2,3), nearly half of 3D 64@8x28x28 F(4,3).
     */
    private void cooperativeStrip(Strips c, int n, int gi, int r0, int r1, Parallel p) {
        int cg = g.inChannelsPerGroup();
        int mg = g.outChannelsPerGroup();
        int cols = (r1 - r0) * segW;
        WinogradScratch mine = SCRATCH.get();
        mine.v = WinogradScratch.grow(mine.v, positions * cg * cols);
        mine.o = WinogradScratch.grow(mine.o, positions * cols * mg);
        c.n = n;
        c.gi = gi;
        c.r0 = r0;
        c.r1 = r1;
        c.v = mine.v;
        c.o = mine.o;
        int threads = p.threads();
        try {
            c.phase = 0;
            c.parts = Math.min(threads, cg);
            p.forEach(c.parts, c);
            compactIfWorthIt(c.v, r0, r1);
            c.phase = 1;
            c.parts = Math.min(threads, positions);
            p.forEach(c.parts, c);
            c.phase = 2;
            c.parts = Math.min(threads, mg);
            p.forEach(c.parts, c);
        } finally {
            c.v = null;
            c.o = null;
        }
    }

    /**
     * By rows, the GEMMs' rows are the strip's tiles: when dropping every segment's padding slot from V saves GEMM
     * row tiles, does so (in place).
     */
    private void compactIfWorthIt(float[] v, int r0, int r1) {
        if (compact(r0, r1)) {
            backend.dropSegmentEnds(segW, positions * g.inChannelsPerGroup() * (r1 - r0), v, 0, v, 0);
        }
    }

    /** Whether a strip of tile rows {@code [r0, r1)} goes through the GEMMs without its segments' padding slots. */
    private boolean compact(int r0, int r1) {
        return roundUp((r1 - r0) * chunkTiles, rowTile) < roundUp((r1 - r0) * segW, rowTile);
    }

    /** The GEMM rows of a by-rows strip: its tiles, with or without the segments' padding slots. */
    private int gemmRows(int r0, int r1) {
        return (r1 - r0) * (compact(r0, r1) ? chunkTiles : segW);
    }

    /**
     * The GEMMs of positions {@code [p0, p1)} of a by-rows strip (tile rows {@code [r0, r1)}, group gi):
     * {@code O_pos^T = V_pos^T x U_pos^T} from the transformed input {@code v} (compacted if {@link #compact})
     * into {@code o} ({@code [position][GEMM row][output channel]}, all the group's channels).
     */
    private void stripGemms(float[] v, float[] o, int gi, int r0, int r1, int p0, int p1) {
        int cg = g.inChannelsPerGroup();
        int mg = g.outChannelsPerGroup();
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
    private void stripOutput(WinogradScratch sc, float[] o, int n, int gi, int r0, int r1, int m0, int m1, float[] out,
            int outOff, float[] res, int resDelta) {
        int mg = g.outChannelsPerGroup();
        int len = m1 - m0;
        int rowsV = gemmRows(r0, r1);
        int perRow = rowsV / (r1 - r0);
        int patchSize = positions * len;
        sc.patch = WinogradScratch.grow(sc.patch, patchSize);
        sc.patch2 = WinogradScratch.grow(sc.patch2, patchSize);
        int tmax = Math.max(tw.t, Math.max(th.t, td.t));
        if (sc.srcOff.length < tmax) {
            sc.srcOff = new int[tmax];
            sc.dstOff = new int[tmax];
        }
        int outPlane = s.outPlane();
        int chBase = outOff + (n * g.outChannels() + gi * mg + m0) * outPlane;
        for (int r = r0; r < r1; r++) {
            int tileRow = r / chunks;
            int j0 = r % chunks * chunkTiles;
            int j1 = Math.min(nW, j0 + chunkTiles);
            for (int j = j0; j < j1; j++) {
                float[] tile = outputTransformTile(sc, o, (r - r0) * perRow + j - j0, rowsV, mg, m0, len);
                scatterTile(tile, len, tileRow / nH, tileRow % nH, j, out, chBase, outPlane);
            }
        }
        // Residual, bias and epilogue over the output rows these tiles covered, channel by channel.
        for (int i = 0; i < len; i++) {
            int plane = chBase + i * outPlane;
            float b = bias == null ? 0f : bias[gi * mg + m0 + i];
            for (int r = r0; r < r1; r++) {
                int tileRow = r / chunks;
                int x0 = r % chunks * chunkTiles * tw.m;
                int x1 = Math.min(s.outW, x0 + chunkTiles * tw.m);
                for (int oz = 0; oz < td.m; oz++) {
                    int z = tileRow / nH * td.m + oz;
                    for (int oy = 0; oy < th.m && z < s.outD; oy++) {
                        int y = tileRow % nH * th.m + oy;
                        if (y >= s.outH) {
                            break;
                        }
                        int row = plane + (z * s.outH + y) * s.outW;
                        addResidual(out, row + x0, x1 - x0, res, resDelta);
                        backend.biasEpilogue(out, row + x0, x1 - x0, b, epilogue);
                    }
                }
            }
        }
    }

    /**
     * The part both strip layouts share: the input transform of input channels {@code [c0, c1)} of group gi, image
     * n, tile rows {@code [r0, r1)}, into {@code v} ({@code [position][channel][column]}, all the group's channels),
     * or into this thread's {@code sc.v} (grown) if {@code v} is null; returns the array written. Uses (and grows)
     * {@code sc}'s patch and line buffers. Compacts a by-rows V of all channels when worth it.
     */
    private float[] transformedInput(WinogradScratch sc, int n, int gi, int r0, int r1, int c0, int c1, float[] in,
            int inOff, float[] v) {
        return transformedInput(sc, n, gi, r0, r1, c0, c1, in, inOff, v, (r1 - r0) * segW);
    }

    /**
     * As above with the rows of V (and of the patch's phase rows) {@code ld >= cols} floats apart: by columns they
     * are padded to whole vectors so that no pass has a scalar tail; the padding columns carry values computed from
     * zeros or from neighbouring padding, never read into the output.
     */
    private float[] transformedInput(WinogradScratch sc, int n, int gi, int r0, int r1, int c0, int c1, float[] in,
            int inOff, float[] v, int ld) {
        int cg = g.inChannelsPerGroup();
        int cols = ld;
        int perChannel = td.t * th.t * tw.m * cols;
        int block = Math.max(1, Math.min(c1 - c0, patchFloats / perChannel));
        // One slot more: the W stage's shifted rows read one value past the block's last row.
        int patchSize = perChannel * block + 1;
        sc.patch = WinogradScratch.grow(sc.patch, patchSize);
        sc.patch2 = WinogradScratch.grow(sc.patch2, patchSize);
        sc.line = WinogradScratch.grow(sc.line, cols * tw.m);
        boolean own = v == null;
        if (own) {
            sc.v = WinogradScratch.grow(sc.v, positions * cg * cols);
            v = sc.v;
        }
        int tmax = Math.max(tw.t, Math.max(th.t, td.t));
        if (sc.srcOff.length < tmax) {
            sc.srcOff = new int[tmax];
            sc.dstOff = new int[tmax];
        }
        int inPlane = s.inPlane();
        int inBase = inOff + (n * g.inChannels() + gi * cg) * inPlane;
        for (int c = c0; c < c1; c += block) {
            int nc = Math.min(block, c1 - c);
            for (int i = 0; i < nc; i++) {
                fillPatch(in, inBase + (c + i) * inPlane, r0, r1, nc, i, cols, sc.patch, sc.line);
            }
            inputTransform(sc, cols, nc, c, cg, v);
        }
        if (own && !byColumns) {
            compactIfWorthIt(v, r0, r1);
        }
        return v;
    }

    /**
     * Tile rows {@code [r0, r1)} of image n, group gi, all output channels, tiles as the GEMMs' columns:
     * {@code O_pos = U_pos x V_pos} with V as a plain B operand (packed by row copies), then the output transform
     * vectorized along the tiles and {@link Backend#interleave}d back into output rows.
     */
    private void stripByColumns(int n, int gi, int r0, int r1, float[] in, int inOff, float[] out, int outOff, float[] res,
            int resDelta) {
        int cg = g.inChannelsPerGroup();
        int mg = g.outChannelsPerGroup();
        // Dense segments: a tile row's tiles only, no padding slot (14 tiles of 56: 196 columns for 14 rows, padded
        // to 208, instead of 210 padded to 224).
        boolean dense = denseColumns(r0, r1);
        int seg = dense ? chunkTiles : segW;
        int cols = (r1 - r0) * seg;
        WinogradScratch sc = SCRATCH.get();
        int ld = roundUp(cols, OUTPUT_ROW_ALIGN);
        float[] v = dense ? denseInput.input(sc, n, gi, r0, r1, in, inOff, ld)
                : transformedInput(sc, n, gi, r0, r1, 0, cg, in, inOff, null, ld);
        // Rows padded to whole vectors (105 tile columns of 64@56x56 F(4,3): 112), so that the transforms' passes
        // and the (de)interleaves have no scalar tails and the GEMMs read V in place (no packing, see
        // VectorGemm.rowSweep); the padding columns go through the GEMMs too but are never read into the output.
        sc.o = WinogradScratch.grow(sc.o, positions * mg * ld);
        sc.patch = WinogradScratch.grow(sc.patch, td.t * th.t * tw.m * ld);
        sc.patch2 = WinogradScratch.grow(sc.patch2, td.t * th.t * tw.m * ld);
        sc.line = WinogradScratch.grow(sc.line, ld * tw.m);
        float[] o = sc.o;
        for (int pos = 0; pos < positions; pos++) {
            backend.gemmPackedA(u[gi][pos], 0, mg, false, ld, v, pos * cg * ld, ld, o, pos * mg * ld, ld,
                    false);
        }
        int outPlane = s.outPlane();
        for (int mo = 0; mo < mg; mo++) {
            int ch = gi * mg + mo;
            float[] tiles = outputTransform(sc, o, mo, mg, ld);
            writeTiles(tiles, ld, seg, r0, r1, out, outOff + (n * g.outChannels() + ch) * outPlane,
                    bias == null ? 0f : bias[ch], res, resDelta, sc.line);
        }
    }

    /**
     * One axis of the input ({@code input}: B^T, t rows from t) or output (A^T, m rows from t) transform over rows
     * of {@code len} values: {@link Backend#winogradF43} for F(4,3), {@link Backend#combine} otherwise.
     */
    private void rows(WinogradTransform f, boolean input, float[] src, int[] so, float[] dst, int[] dso, int len) {
        f.apply(backend, input, src, so, dst, dso, len);
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
        if (chunkTiles < 2 || columnsLayout == COLUMNS_PAD_SLOTS) {
            return false;
        }
        return columnsLayout == COLUMNS_DENSE || roundUp((r1 - r0) * chunkTiles, OUTPUT_ROW_ALIGN)
                < roundUp((r1 - r0) * segW, OUTPUT_ROW_ALIGN);
    }

    /**
     * A^T along W, H, then D for output channel mo; returns the buffer holding its result laid out
     * {@code [oz][oy][ox][cols]} (in the patch buffers).
     */
    private float[] outputTransform(WinogradScratch sc, float[] o, int mo, int mg, int cols) {
        int[] so = sc.srcOff;
        int[] dso = sc.dstOff;
        int posStride = mg * cols;
        float[] a = sc.patch;
        float[] b = sc.patch2;
        // W: rows (dz, dy) of t values -> m values; a = [dz][dy][ox][cols]
        for (int row = 0; row < td.t * th.t; row++) {
            for (int k = 0; k < tw.t; k++) {
                so[k] = (row * tw.t + k) * posStride + mo * cols;
            }
            for (int q = 0; q < tw.m; q++) {
                dso[q] = (row * tw.m + q) * cols;
            }
            rows(tw, false, o, so, a, dso, cols);
        }
        return outputTransformHD(sc, a, b, cols);
    }

    /**
     * Interleaves the phase rows of {@code tiles} into output rows ({@link Backend#interleave} into {@code line},
     * all segments at once, then each segment's clipped span copied out), then the residual (if any), bias and
     * epilogue per row.
     */
    private void writeTiles(float[] tiles, int ld, int segW, int r0, int r1, float[] out, int chBase,
            float b, float[] res, int resDelta, float[] line) {
        int mW = tw.m;
        int span = segW * mW;
        for (int oz = 0; oz < td.m; oz++) {
            for (int oy = 0; oy < th.m; oy++) {
                backend.interleave(mW, ld, tiles, (oz * th.m + oy) * mW * ld, ld, line, 0);
                // Residual into the line segment by segment, then bias and epilogue over the whole line in one call
                // (per 56-value output row, the call and its scalar tail were 6% of 64@56x56), then copied out.
                if (res != null) {
                    for (int r = r0; r < r1; r++) {
                        int row = outputRow(r, oz, oy);
                        if (row >= 0) {
                            int x0 = r % chunks * chunkTiles * mW;
                            int x1 = Math.min(s.outW, x0 + chunkTiles * mW);
                            backend.axpy(x1 - x0, 1f, res, chBase + row + x0 + resDelta, 1, line, (r - r0) * span);
                        }
                    }
                }
                backend.biasEpilogue(line, 0, (r1 - r0) * span, b, epilogue);
                for (int r = r0; r < r1; r++) {
                    int row = outputRow(r, oz, oy);
                    if (row >= 0) {
                        int x0 = r % chunks * chunkTiles * mW;
                        int x1 = Math.min(s.outW, x0 + chunkTiles * mW);
                        System.arraycopy(line, (r - r0) * span, out, chBase + row + x0, x1 - x0);
                    }
                }
            }
        }
    }

    /**
     * The offset in a channel plane of the output row that tile row {@code r}'s (chunk's) outputs {@code (oz, oy)}
     * go to, or -1 if it lies past the plane's end.
     */
    private int outputRow(int r, int oz, int oy) {
        int tileRow = r / chunks;
        int z = tileRow / nH * td.m + oz;
        int y = tileRow % nH * th.m + oy;
        return z >= s.outD || y >= s.outH ? -1 : (z * s.outH + y) * s.outW;
    }

    /** Writes one tile's outputs ({@code [oz][oy][ox][len]}) into the planes of {@code len} channels, clipped. */
    private void scatterTile(float[] tile, int len, int tz, int ty, int tx, float[] out, int chBase, int outPlane) {
        for (int oz = 0; oz < td.m; oz++) {
            int z = tz * td.m + oz;
            for (int oy = 0; oy < th.m && z < s.outD; oy++) {
                int y = ty * th.m + oy;
                if (y >= s.outH) {
                    break;
                }
                for (int ox = 0; ox < tw.m; ox++) {
                    int x = tx * tw.m + ox;
                    if (x >= s.outW) {
                        break;
                    }
                    int from = ((oz * th.m + oy) * tw.m + ox) * len;
                    int to = chBase + (z * s.outH + y) * s.outW + x;
                    for (int i = 0; i < len; i++) {
                        out[to + i * outPlane] = tile[from + i];
                    }
                }
            }
        }
    }

    /**
     * A^T along W, H, then D of one tile of the GEMM output {@code o[pos][col][ld]}, its channels
     * {@code [m0, m0 + len)}; returns the buffer holding the tile's outputs laid out {@code [oz][oy][ox][len]} (one
     * of the patch buffers).
     */
    private float[] outputTransformTile(WinogradScratch sc, float[] o, int col, int cols, int ld, int m0, int len) {
        int[] so = sc.srcOff;
        int[] dso = sc.dstOff;
        float[] a = sc.patch;
        float[] b = sc.patch2;
        for (int row = 0; row < td.t * th.t; row++) {
            for (int k = 0; k < tw.t; k++) {
                so[k] = ((row * tw.t + k) * cols + col) * ld + m0;
            }
            for (int q = 0; q < tw.m; q++) {
                dso[q] = (row * tw.m + q) * len;
            }
            rows(tw, false, o, so, a, dso, len);
        }
        return outputTransformHD(sc, a, b, len);
    }

    /**
     * The H and D stages of the output transform (A^T along H, then D) over {@code a}, already transformed along W
     * and laid out {@code [dz][dy][ox][run]}; {@code b} is the other buffer. Returns the buffer holding the result,
     * {@code [oz][oy][ox][run]}. Shared by both GEMM layouts, which differ only in the W stage's gathering.
     */
    private float[] outputTransformHD(WinogradScratch sc, float[] a, float[] b, int run) {
        int[] so = sc.srcOff;
        int[] dso = sc.dstOff;
        float[] cur = a;
        float[] nxt = b;
        if (th.t > 1) {
            int seg = tw.m * run; // one dy row
            for (int dz = 0; dz < td.t; dz++) {
                for (int k = 0; k < th.t; k++) {
                    so[k] = (dz * th.t + k) * seg;
                }
                for (int q = 0; q < th.m; q++) {
                    dso[q] = (dz * th.m + q) * seg;
                }
                rows(th, false, cur, so, nxt, dso, seg);
            }
            float[] x = cur;
            cur = nxt;
            nxt = x;
        }
        if (td.t > 1) {
            int plane = th.m * tw.m * run;
            for (int k = 0; k < td.t; k++) {
                so[k] = k * plane;
            }
            for (int q = 0; q < td.m; q++) {
                dso[q] = q * plane;
            }
            rows(td, false, cur, so, nxt, dso, plane);
            cur = nxt;
        }
        return cur;
    }

    /**
     * Copies the input rows the strip's tiles read, of channel i of a block of nc channels, into {@code patch},
     * phase-split along W: {@code patch[(((dz * tH + dy) * mW + p) * nc + i) * cols + seg * segW + j] =
     * x[z][y][x0 + j * mW + p - padW]} with zeros
     * outside the input. Per (dz, dy), each segment's input span is first copied contiguously (zero-padded) into
     * {@code line}, then all segments are split into phases at once by {@link Backend#deinterleave} (vectorized,
     * instead of a strided scalar copy per phase and segment).
     */
    private void fillPatch(float[] in, int chBase, int r0, int r1, int nc, int i, int cols, float[] patch,
            float[] line) {
        int mW = tw.m;
        int span = segW * mW; // input values one segment covers
        int count = cols;
        // Padded rows (by columns): the line's end past the segments is deinterleaved too; keep it zero.
        java.util.Arrays.fill(line, (r1 - r0) * span, cols * mW, 0f);
        for (int dz = 0; dz < td.t; dz++) {
            for (int dy = 0; dy < th.t; dy++) {
                for (int r = r0; r < r1; r++) {
                    int tileRow = r / chunks;
                    int z = tileRow / nH * td.m + dz - s.pD;
                    int y = tileRow % nH * th.m + dy - s.pH;
                    int x0 = r % chunks * chunkTiles * mW - s.pW; // input column of the segment's first value
                    int dst = (r - r0) * span;
                    boolean inside = z >= 0 && z < s.inD && y >= 0 && y < s.inH;
                    int ia = inside ? Math.min(span, Math.max(0, -x0)) : span;
                    int ib = inside ? Math.max(ia, Math.min(span, s.inW - x0)) : span;
                    zero(line, dst, dst + ia);
                    if (ib > ia) {
                        System.arraycopy(in, chBase + (z * s.inH + y) * s.inW + x0 + ia, line, dst + ia, ib - ia);
                    }
                    zero(line, dst + ib, dst + span);
                }
                backend.deinterleave(mW, count, line, 0, patch, ((dz * th.t + dy) * mW * nc + i) * cols,
                        nc * cols);
            }
        }
    }

    /**
     * Zeroes {@code a[from, to)}: the pads of a segment are mostly a value or two, which a plain loop writes faster
     * than an {@code Arrays.fill} call (those calls were 3% of 64@56x56).
     */
    static void zero(float[] a, int from, int to) {
        if (to - from > 8) {
            java.util.Arrays.fill(a, from, to, 0f);
            return;
        }
        for (int j = from; j < to; j++) {
            a[j] = 0f;
        }
    }

    /**
     * B^T along D, H, then W over a block of nc channels (laid out by {@link #fillPatch}: for each (dz, dy) and
     * phase, the block's channels one after another, so every stage is one long combine per row for the whole
     * block, not one short one per channel); the W stage writes channels {@code [c0, c0 + nc)} of every
     * {@code V_pos}.
     */
    private void inputTransform(WinogradScratch sc, int cols, int nc, int c0, int cg, float[] v) {
        int mW = tw.m;
        int run = nc * cols; // one phase row of the block
        int rowLen = mW * run; // one (dz, dy) row: all phases
        float[] cur = sc.patch;
        float[] nxt = sc.patch2;
        int[] so = sc.srcOff;
        int[] dso = sc.dstOff;
        if (td.t > 1) {
            int plane = th.t * rowLen;
            for (int k = 0; k < td.t; k++) {
                so[k] = k * plane;
                dso[k] = k * plane;
            }
            rows(td, true, cur, so, nxt, dso, plane);
            float[] x = cur;
            cur = nxt;
            nxt = x;
        }
        if (th.t > 1) {
            for (int dz = 0; dz < td.t; dz++) {
                int base = dz * th.t * rowLen;
                for (int k = 0; k < th.t; k++) {
                    so[k] = base + k * rowLen;
                    dso[k] = base + k * rowLen;
                }
                rows(th, true, cur, so, nxt, dso, rowLen);
            }
            float[] x = cur;
            cur = nxt;
            nxt = x;
        }
        // The shifted rows (k >= mW) of the block's last channel read one value past it: only into that channel's
        // last padding slot, whose output is never used; keep it finite.
        cur[td.t * th.t * rowLen] = 0f;
        int posStride = cg * cols;
        for (int row = 0; row < td.t * th.t; row++) {
            int base = row * rowLen;
            for (int k = 0; k < tw.t; k++) {
                so[k] = base + k % mW * run + k / mW;
                dso[k] = (row * tw.t + k) * posStride + c0 * cols;
            }
            rows(tw, true, cur, so, v, dso, run);
        }
    }
}
