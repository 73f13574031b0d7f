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
 * <li>input transform: the strip's input tiles, phase-split along W, go through {@code B^T} along each axis, giving
 * for every tile position {@code pos < t^r} a matrix {@code V_pos} (C/G channels x tiles)
 * ({@link WinogradInputTransform});</li>
 * <li>one GEMM per position with {@code U_pos}, the weights transformed by {@code G} once, at prepare time
 * ({@link WinogradWeights}): tiles as the GEMMs' rows ({@link WinogradRowStrips}) or, for long strips of few output
 * channels, as their columns ({@link WinogradColumnStrips});</li>
 * <li>output transform: {@code A^T} along each axis ({@link WinogradOutputTransform}), the {@code m^r} values of
 * each tile written into the output planes (clipped at their ends); then residual, bias and epilogue over the
 * output rows the strip covers.</li>
 * </ol>
 *
 * <p>Work is cut into strips of consecutive tile rows (or, for long rows, of chunks of one row) sized so the
 * transformed input and output stay near {@link WinogradTileGrid#STRIP_BUDGET} ({@link WinogradTileGrid}). When
 * that leaves threads unevenly loaded (small planes: ResNet's 512@7x7 is one strip of 16 tiles) all threads work on
 * each strip in turn, phase by phase: input transform by input channels, GEMMs by positions, output transform by
 * output channels ({@link #cooperativeStrip}). WinogradScratch is per thread ({@link ThreadLocal}, kept); in a
 * cooperative strip V and O are the calling thread's, shared by all.
 */
final class WinogradConv extends PreparedConv {
    private final ConvGeometry g;
    private final WinogradTileGrid tileGrid;
    private final WinogradInputTransform input;
    /** The strips by rows, or null when the tiles are the GEMMs' columns. */
    private final WinogradRowStrips rowStrips;
    /** The strips by columns, or null when the tiles are the GEMMs' rows. */
    private final WinogradColumnStrips columnStrips;

    WinogradConv(ConvGeometry g, int m, float[] w, int wOff, float[] bias, Epilogue e, Backend backend) {
        this(g, m, w, wOff, bias, e, backend, 0, WinogradTileGrid.BY_COLUMNS_MIN,
                WinogradInputTransform.PATCH_FLOATS);
    }

    /**
     * As above; {@code stripColumns > 0} sets the tile columns per strip instead of
     * {@link WinogradTileGrid#STRIP_BUDGET} (tests use it to force many strips and chunked rows on small inputs,
     * probes to try strip sizes); strips of at least {@code byColumnsMin} tile columns go by columns (tests force
     * each layout with 0 and a huge value); {@code patchFloats} sizes the input transform's channel blocks
     * ({@link WinogradInputTransform#PATCH_FLOATS}; tests make it small to get several blocks).
     */
    WinogradConv(ConvGeometry g, int m, float[] w, int wOff, float[] bias, Epilogue e, Backend backend,
            int stripColumns, int byColumnsMin, int patchFloats) {
        this(g, m, w, wOff, bias, e, backend, stripColumns, byColumnsMin, patchFloats,
                WinogradColumnStrips.COLUMNS_AUTO);
    }

    /**
     * As above; {@code columnsLayout} chooses how strips by columns lay out their tiles
     * ({@link WinogradColumnStrips#COLUMNS_AUTO} and the others; tests force each).
     */
    WinogradConv(ConvGeometry g, int m, float[] w, int wOff, float[] bias, Epilogue e, Backend backend,
            int stripColumns, int byColumnsMin, int patchFloats, int columnsLayout) {
        super(algorithmFor(m), backend, g.inputLength(), g.outputLength());
        if (!supports(g, m)) {
            throw new IllegalArgumentException("Winograd F(" + m + ",3) needs 3-tap kernels on every axis, stride 1,"
                    + " dilation 1, and at most " + MAX_TRANSFORMED_WEIGHTS + " transformed weights: " + g);
        }
        this.g = g;
        this.tileGrid = new WinogradTileGrid(g, m, stripColumns, byColumnsMin);
        float[] b = checkedBias(w, wOff, g.weightLength(), bias, g.outChannels());
        this.input = new WinogradInputTransform(tileGrid, backend, patchFloats);
        PackedMatrix[][] u = WinogradWeights.transform(g, tileGrid.s.kernelSize(), tileGrid.td, tileGrid.th,
                tileGrid.tw, tileGrid.positions, tileGrid.byColumns, backend, w, wOff);
        this.rowStrips = tileGrid.byColumns ? null : new WinogradRowStrips(tileGrid, backend, input, u, b, e);
        this.columnStrips = tileGrid.byColumns
                ? new WinogradColumnStrips(tileGrid, backend, input, patchFloats, u, b, e, columnsLayout) : null;
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

    @Override
    void compute(float[] in, int inOff, float[] out, int outOff, float[] res, int resDelta, Parallel p) {
        Strips c = take(spare);
        if (c == null) {
            c = new Strips();
        }
        if (c.threads != p.threads()) {
            c.plan = WinogradStripPlan.of(g.batch() * g.group(), tileGrid.tileRows(), tileGrid.stripRows,
                    tileGrid.byColumns, p.threads());
            c.threads = p.threads();
        }
        c.set(in, inOff, out, outOff, res, resDelta);
        try {
            WinogradStripPlan plan = c.plan;
            if (plan.cooperative()) {
                int rows = tileGrid.tileRows();
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
            int rows = tileGrid.tileRows();
            int strips = plan.strips();
            int rowsPerStrip = plan.rowsPerStrip();
            int unit = task / strips;
            int n = unit / g.group();
            int gi = unit % g.group();
            int r0 = task % strips * rowsPerStrip;
            int r1 = Math.min(rows, r0 + rowsPerStrip);
            if (tileGrid.byColumns) {
                columnStrips.strip(n, gi, r0, r1, in, inOff, out, outOff, res, resDelta);
            } else {
                rowStrips.strip(n, gi, r0, r1, in, inOff, out, outOff, res, resDelta);
            }
        }

        private void runPart(int part) {
            switch (phase) {
                case 0 -> {
                    int cg = g.inChannelsPerGroup();
                    input.transform(WinogradScratch.ofThisThread(), n, gi, r0, r1, cg * part / parts,
                            cg * (part + 1) / parts, in, inOff, v);
                }
                case 1 -> rowStrips.gemms(v, o, gi, r0, r1, tileGrid.positions * part / parts,
                        tileGrid.positions * (part + 1) / parts);
                default -> {
                    int mg = g.outChannelsPerGroup();
                    rowStrips.output(WinogradScratch.ofThisThread(), o, n, gi, r0, r1, mg * part / parts,
                            mg * (part + 1) / parts, out, outOff, res, resDelta);
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
        int cols = (r1 - r0) * tileGrid.segW;
        WinogradScratch mine = WinogradScratch.ofThisThread();
        mine.v = WinogradScratch.grow(mine.v, tileGrid.positions * cg * cols);
        mine.o = WinogradScratch.grow(mine.o, tileGrid.positions * cols * mg);
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
            rowStrips.compactIfWorthIt(c.v, r0, r1);
            c.phase = 1;
            c.parts = Math.min(threads, tileGrid.positions);
            p.forEach(c.parts, c);
            c.phase = 2;
            c.parts = Math.min(threads, mg);
            p.forEach(c.parts, c);
        } finally {
            c.v = null;
            c.o = null;
        }
    }
}
