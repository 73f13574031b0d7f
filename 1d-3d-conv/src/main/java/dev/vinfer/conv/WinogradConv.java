package dev.vinfer.conv;

/**
 * Winograd convolution {@code F(m^r, 3^r)} for 3-tap (1D), 3x3 (2D) and 3x3x3 (3D) kernels with stride 1 and
 * dilation 1, any padding and groups: each output tile of {@code m^r} values comes from an input tile of
 * {@code t^r} ({@code t = m + 2}) values through {@code t^r} products per (input, output channel) pair instead of
 * {@code (3m)^r}, using the separable transforms of {@link WinogradTransform}.
 *
 * <p>Per image, group and strip of tiles:
 * <ol>
 * <li>input transform: the strip's input tiles, phase-split along W (see below), go through {@code B^T} along each
 * axis, giving for every tile position {@code pos < t^r} a matrix {@code V_pos} (C/G channels x tiles);</li>
 * <li>one GEMM per position, {@code O_pos = U_pos x V_pos} (M/G x tiles), where {@code U_pos} are the weights
 * transformed by {@code G} once, at prepare time, and packed as GEMM A operands;</li>
 * <li>output transform: {@code A^T} along each axis, then the {@code m^r} values of each tile are written to the
 * output (clipped at its end), with the bias and the epilogue.</li>
 * </ol>
 *
 * <p>Why the phase split: tiles along W start {@code m} inputs apart, so tile j needs inputs {@code j*m + k} for
 * {@code k < t}. Stored as m "phase" rows {@code P_p[j] = x[j*m + p]}, input k of every tile is the contiguous
 * row {@code P_(k mod m)} shifted by {@code k / m} (0 or 1), so every transform step is a linear combination of
 * whole rows ({@link Backend#combine}), vectorized across tiles. Each tile row gets one extra slot (its last tile
 * needs input {@code nW*m + k - m}); those slots ride along through the GEMM as padding columns.
 *
 * <p>Work is cut into strips of consecutive tile rows (or, for long rows, of chunks of one row) sized so the
 * transformed input and output ({@code t^r x (C/G + M/G) x columns} floats) stay near {@link #STRIP_BUDGET}, and
 * cut finer when that leaves threads idle. Scratch is per thread ({@link ThreadLocal}, kept).
 */
final class WinogradConv extends PreparedConv {
    /** Floats of transformed input plus GEMM output per strip (2 MiB: L2-sized on Zen 4, within L3 elsewhere). */
    static final int STRIP_BUDGET = 1 << 19;
    /**
     * Planes with at most this many tile columns (tiles plus one padding slot per tile row) take the small-plane
     * path: 4 GEMM column panels with 16 lanes. ResNet's 512@7x7 (F(2,3): 20 columns) and 256@14x14 (56).
     */
    static final int SMALL_PLANE_COLUMNS = 128;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

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
    /** Columns per segment (one chunk of a tile row): its tiles, a padding slot, and any widening to fill panels. */
    private int segW;
    /** Segments per strip when the threads are not short of tasks. */
    private int stripRows;
    /**
     * Whether the whole plane is one strip computed "transposed" ({@link #smallPlane}): tiles as the GEMM's rows,
     * output channels as its columns (split over threads), weights packed as B operands.
     */
    private final boolean smallPlane;
    /** Panel width of the GEMM's packed B (output-channel blocks of the small-plane path are multiples of it). */
    private final int panel;

    WinogradConv(ConvGeometry g, int m, float[] w, int wOff, float[] bias, Epilogue e, Backend backend) {
        this(g, m, w, wOff, bias, e, backend, SMALL_PLANE_COLUMNS);
    }

    /** As above, with the small-plane threshold given (tests force either path with 0 or a huge value). */
    WinogradConv(ConvGeometry g, int m, float[] w, int wOff, float[] bias, Epilogue e, Backend backend,
            int smallPlaneColumns) {
        super(algorithmFor(m), backend, g.inputLength(), g.outputLength());
        if (!supports(g, m)) {
            throw new IllegalArgumentException("Winograd F(" + m + ",3) needs 3-tap kernels on every axis, stride 1,"
                    + " dilation 1, and at most " + MAX_TRANSFORMED_WEIGHTS + " transformed weights: " + g);
        }
        this.g = g;
        this.s = Shape3.of(g);
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
        int perTileColumn = positions * (g.inChannelsPerGroup() + g.outChannelsPerGroup());
        // The GEMM computes whole column panels (its packed B's alignment: 32 columns with 16 lanes), so strips are
        // laid out to fill them: segments (tile rows) widened and counted so a strip is close to whole panels.
        int panel = Math.max(1, backend.packB(false, 1, 1, new float[1], 0, 1).alignment());
        this.panel = panel;
        int fitCols = Math.max(Math.max(16, panel), STRIP_BUDGET / perTileColumn);
        int rows = nD * nH;
        if (nW + 1 > fitCols) {
            // Long rows: chunks of one row, each (with its padding slot) a whole number of panels.
            int most = Math.max(panel, fitCols / panel * panel) - 1;
            this.chunks = Math.ceilDiv(nW, most);
            this.chunkTiles = Math.ceilDiv(nW, chunks);
            this.segW = roundUp(chunkTiles + 1, panel);
            this.stripRows = 1;
        } else {
            this.chunks = 1;
            this.chunkTiles = nW;
            int[] best = bestStrip(nW, rows, fitCols, panel);
            this.segW = best[0];
            this.stripRows = best[1];
        }
        // Small planes: too few tiles to fill the GEMM's column panels, or to split over threads by tiles.
        this.smallPlane = chunks == 1 && rows * (nW + 1) <= smallPlaneColumns && (nW + 1) * rows <= fitCols;
        if (smallPlane) {
            this.segW = nW + 1;
            this.stripRows = rows;
        }
        this.u = transformWeights(w, wOff);
    }

    /**
     * The segment width ({@code >= tiles + 1}) and segments per strip (at most {@code rows}, within
     * {@code fitCols} columns) that waste the fewest GEMM columns: useful tiles over columns rounded up to whole
     * panels, the most segments among equals (fewer, larger GEMMs). E.g. 14 tiles a row, 32-column panels: 16-wide
     * segments, so strips of 2, 4 or 6 rows fill whole panels (87.5% useful instead of 77% at 15-wide).
     */
    static int[] bestStrip(int tiles, int rows, int fitCols, int panel) {
        int bestW = tiles + 1;
        int bestR = Math.max(1, Math.min(rows, fitCols / bestW));
        double bestUse = -1;
        for (int w = tiles + 1; w <= tiles + panel; w++) {
            for (int r = 1; r <= Math.min(rows, Math.max(1, fitCols / w)); r++) {
                double use = (double) r * tiles / roundUp(r * w, panel);
                if (use > bestUse + 1e-9 || use > bestUse - 1e-9 && r > bestR) {
                    bestUse = use;
                    bestW = w;
                    bestR = r;
                }
            }
        }
        return new int[] {bestW, bestR};
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

    /** {@code U = (G_D x G_H x G_W) w} per (group, position), computed in double and packed as A operands. */
    private PackedMatrix[][] transformWeights(float[] w, int wOff) {
        int cg = g.inChannelsPerGroup();
        int mg = g.outChannelsPerGroup();
        int taps = s.kernelSize();
        PackedMatrix[][] out = new PackedMatrix[g.group()][positions];
        float[][] byPos = new float[positions][mg * cg];
        double[] tmp = new double[positions];
        for (int gi = 0; gi < g.group(); gi++) {
            for (int mo = 0; mo < mg; mo++) {
                for (int c = 0; c < cg; c++) {
                    int base = wOff + ((gi * mg + mo) * cg + c) * taps;
                    java.util.Arrays.fill(tmp, 0);
                    for (int a = 0; a < td.t; a++) {
                        for (int b = 0; b < th.t; b++) {
                            for (int cc = 0; cc < tw.t; cc++) {
                                double sum = 0;
                                for (int kd = 0; kd < td.taps; kd++) {
                                    double gd = td.g[a * td.taps + kd];
                                    if (gd == 0) {
                                        continue;
                                    }
                                    for (int kh = 0; kh < th.taps; kh++) {
                                        double gdh = gd * th.g[b * th.taps + kh];
                                        if (gdh == 0) {
                                            continue;
                                        }
                                        for (int kw = 0; kw < tw.taps; kw++) {
                                            sum += gdh * tw.g[cc * tw.taps + kw]
                                                    * w[base + (kd * th.taps + kh) * tw.taps + kw];
                                        }
                                    }
                                }
                                tmp[(a * th.t + b) * tw.t + cc] = sum;
                            }
                        }
                    }
                    for (int p = 0; p < positions; p++) {
                        byPos[p][mo * cg + c] = (float) tmp[p];
                    }
                }
            }
            for (int p = 0; p < positions; p++) {
                // The small-plane path multiplies V^T x U^T: U^T (C/G x M/G) is its packed B.
                out[gi][p] = smallPlane ? backend.packB(true, cg, mg, byPos[p], 0, cg)
                        : backend.packA(false, mg, cg, byPos[p], 0, cg);
            }
        }
        return out;
    }

    /** Per-thread buffers, grown on demand. */
    private static final class Scratch {
        float[] patch = new float[0];
        float[] patch2 = new float[0];
        float[] v = new float[0];
        float[] o = new float[0];
        /** One phase-interleaved row of the strip (all segments), between input/output and the phase rows. */
        float[] line = new float[0];
        int[] srcOff = new int[8];
        int[] dstOff = new int[8];

        static float[] grow(float[] a, int n) {
            return a.length >= n ? a : new float[n];
        }
    }

    @Override
    void compute(float[] in, int inOff, float[] out, int outOff, float[] res, int resDelta, Parallel p) {
        int units = g.batch() * g.group();
        if (smallPlane) {
            // Output-channel blocks (whole panels) so that every thread gets a share even of a single image.
            int mg = g.outChannelsPerGroup();
            int blocks = units >= 2 * p.threads() ? 1 : Math.max(1, Math.min(p.threads(), mg / panel));
            int per = roundUp(Math.ceilDiv(mg, blocks), panel);
            int nb = Math.ceilDiv(mg, per);
            p.forEach(units * nb, task -> {
                int unit = task / nb;
                int m0 = task % nb * per;
                smallPlane(unit / g.group(), unit % g.group(), m0, Math.min(mg, m0 + per), in, inOff, out, outOff, res,
                        resDelta);
            });
            return;
        }
        int rows = nD * nH * chunks; // tile rows (and row chunks), the unit strips are made of
        int strip = Math.min(rows, stripRows);
        int threads = p.threads();
        if (threads > 1 && (long) units * Math.ceilDiv(rows, strip) < 8L * threads) {
            // Few tasks: the strip size (at most the budget's) whose tasks finish soonest on the threads, the
            // largest among equals (fewer, bigger GEMMs). 7 rows on 2 threads: 4 + 3, not 7 or 6 + 1.
            int best = strip;
            long bestSpan = Long.MAX_VALUE;
            for (int cand = strip; cand >= 1; cand--) {
                long span = makespan(units, rows, cand, threads);
                if (span < bestSpan) {
                    bestSpan = span;
                    best = cand;
                }
            }
            strip = best;
        }
        int stripRows = strip;
        int strips = Math.ceilDiv(rows, stripRows);
        p.forEach(units * strips, task -> {
            int unit = task / strips;
            int r0 = task % strips * stripRows;
            strip(unit / g.group(), unit % g.group(), r0, Math.min(rows, r0 + stripRows), in, inOff, out, outOff, res,
                    resDelta);
        });
    }

    /**
     * Tile rows on the busiest thread when {@code units} x strips of {@code strip} rows (the last one shorter) are
     * handed, largest first, to whichever of {@code threads} threads is least busy.
     */
    static long makespan(int units, int rows, int strip, int threads) {
        long[] load = new long[threads];
        int strips = Math.ceilDiv(rows, strip);
        int last = rows - (strips - 1) * strip;
        for (int i = 0; i < units * strips; i++) {
            int size = i < units * (strips - 1) ? strip : last;
            int min = 0;
            for (int t = 1; t < threads; t++) {
                if (load[t] < load[min]) {
                    min = t;
                }
            }
            load[min] += size;
        }
        long max = 0;
        for (long l : load) {
            max = Math.max(max, l);
        }
        return max;
    }

    /**
     * The whole plane of image n, group gi, output channels {@code [m0, m1)} of the group, computed transposed:
     * the same input transform as {@link #strip} (every block recomputes it: it is small next to the GEMMs here),
     * then per position {@code O_pos^T = V_pos^T x U_pos^T} (tiles x channels, so few tiles still fill the GEMM's
     * rows and the channels its column panels), then the output transform along the channel axis, tile by tile,
     * scattered into the output planes, and bias/epilogue per plane.
     */
    private void smallPlane(int n, int gi, int m0, int m1, float[] in, int inOff, float[] out, int outOff,
            float[] res, int resDelta) {
        int cg = g.inChannelsPerGroup();
        int mg = g.outChannelsPerGroup();
        int len = m1 - m0;
        int rows = nD * nH;
        int cols = rows * segW;
        int lp = cols + 1;
        int patchSize = td.t * th.t * tw.m * lp;
        Scratch sc = SCRATCH.get();
        sc.patch = Scratch.grow(sc.patch, Math.max(patchSize, positions * len));
        sc.patch2 = Scratch.grow(sc.patch2, Math.max(patchSize, positions * len));
        sc.v = Scratch.grow(sc.v, positions * cg * cols);
        sc.o = Scratch.grow(sc.o, positions * len * cols);
        sc.line = Scratch.grow(sc.line, cols * tw.m);
        int tmax = Math.max(tw.t, Math.max(th.t, td.t));
        if (sc.srcOff.length < tmax) {
            sc.srcOff = new int[tmax];
            sc.dstOff = new int[tmax];
        }
        float[] v = sc.v;
        float[] o = sc.o;
        int inPlane = s.inPlane();
        int inBase = inOff + (n * g.inChannels() + gi * cg) * inPlane;
        for (int c = 0; c < cg; c++) {
            fillPatch(in, inBase + c * inPlane, 0, rows, segW, lp, sc.patch, sc.line);
            inputTransform(sc, lp, cols, c, cg, v);
        }
        for (int pos = 0; pos < positions; pos++) {
            backend.gemmPackedB(true, cols, v, pos * cg * cols, cols, u[gi][pos], m0, m1, o, pos * cols * len, len,
                    false);
        }
        int outPlane = s.outPlane();
        int chBase = outOff + (n * g.outChannels() + gi * mg + m0) * outPlane;
        for (int r = 0; r < rows; r++) {
            int tz = r / nH;
            int ty = r % nH;
            for (int tx = 0; tx < nW; tx++) {
                float[] tile = outputTransformTile(sc, o, r * segW + tx, cols, len);
                for (int oz = 0; oz < td.m; oz++) {
                    int z = tz * td.m + oz;
                    for (int oy = 0; oy < th.m && z < s.outD; oy++) {
                        int y = ty * th.m + oy;
                        for (int ox = 0; ox < tw.m && y < s.outH; ox++) {
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
        }
        for (int i = 0; i < len; i++) {
            int plane = chBase + i * outPlane;
            addResidual(out, plane, outPlane, res, resDelta);
            backend.biasEpilogue(out, plane, outPlane, bias == null ? 0f : bias[gi * mg + m0 + i], epilogue);
        }
    }

    /**
     * A^T along W, H, then D of one tile of the transposed GEMM output {@code o[pos][col][len]}; returns the buffer
     * holding the tile's outputs laid out {@code [oz][oy][ox][len]} (one of the patch buffers).
     */
    private float[] outputTransformTile(Scratch sc, float[] o, int col, int cols, int len) {
        int[] so = sc.srcOff;
        int[] dso = sc.dstOff;
        float[] a = sc.patch;
        float[] b = sc.patch2;
        for (int row = 0; row < td.t * th.t; row++) {
            for (int k = 0; k < tw.t; k++) {
                so[k] = ((row * tw.t + k) * cols + col) * len;
            }
            for (int q = 0; q < tw.m; q++) {
                dso[q] = (row * tw.m + q) * len;
            }
            backend.combine(tw.m, tw.t, tw.at, o, so, a, dso, len, false);
        }
        float[] cur = a;
        float[] nxt = b;
        if (th.t > 1) {
            int seg = tw.m * len;
            for (int dz = 0; dz < td.t; dz++) {
                for (int k = 0; k < th.t; k++) {
                    so[k] = (dz * th.t + k) * seg;
                }
                for (int q = 0; q < th.m; q++) {
                    dso[q] = (dz * th.m + q) * seg;
                }
                backend.combine(th.m, th.t, th.at, cur, so, nxt, dso, seg, false);
            }
            float[] x = cur;
            cur = nxt;
            nxt = x;
        }
        if (td.t > 1) {
            int plane = th.m * tw.m * len;
            for (int k = 0; k < td.t; k++) {
                so[k] = k * plane;
            }
            for (int q = 0; q < td.m; q++) {
                dso[q] = q * plane;
            }
            backend.combine(td.m, td.t, td.at, cur, so, nxt, dso, plane, false);
            cur = nxt;
        }
        return cur;
    }

    /** Tile rows {@code [r0, r1)} of image n, group gi. */
    private void strip(int n, int gi, int r0, int r1, float[] in, int inOff, float[] out, int outOff, float[] res,
            int resDelta) {
        int cg = g.inChannelsPerGroup();
        int mg = g.outChannelsPerGroup();
        int cols = (r1 - r0) * segW;
        int lp = cols + 1; // one slot more: the W stage reads one past the last segment's extra slot
        int rowsDH = td.t * th.t;
        int patchSize = rowsDH * tw.m * lp;
        Scratch sc = SCRATCH.get();
        sc.patch = Scratch.grow(sc.patch, patchSize);
        sc.patch2 = Scratch.grow(sc.patch2, patchSize);
        sc.v = Scratch.grow(sc.v, positions * cg * cols);
        sc.o = Scratch.grow(sc.o, positions * mg * cols);
        sc.line = Scratch.grow(sc.line, cols * tw.m);
        int tmax = Math.max(tw.t, Math.max(th.t, td.t));
        if (sc.srcOff.length < tmax) {
            sc.srcOff = new int[tmax];
            sc.dstOff = new int[tmax];
        }
        float[] v = sc.v;
        float[] o = sc.o;
        int inPlane = s.inPlane();
        int inBase = inOff + (n * g.inChannels() + gi * cg) * inPlane;
        for (int c = 0; c < cg; c++) {
            fillPatch(in, inBase + c * inPlane, r0, r1, segW, lp, sc.patch, sc.line);
            inputTransform(sc, lp, cols, c, cg, v);
        }
        for (int pos = 0; pos < positions; pos++) {
            backend.gemmPackedA(u[gi][pos], 0, mg, false, cols, v, pos * cg * cols, cols, o, pos * mg * cols, cols,
                    false);
        }
        int outPlane = s.outPlane();
        for (int mo = 0; mo < mg; mo++) {
            int ch = gi * mg + mo;
            float[] tiles = outputTransform(sc, o, mo, mg, cols);
            writeTiles(tiles, cols, segW, r0, r1, out, outOff + (n * g.outChannels() + ch) * outPlane,
                    bias == null ? 0f : bias[ch], res, resDelta, sc.line);
        }
    }

    /**
     * Copies the input rows the strip's tiles read into {@code patch}, phase-split along W:
     * {@code patch[((dz * tH + dy) * mW + p) * lp + seg * segW + j] = x[z][y][x0 + j * mW + p - padW]} with zeros
     * outside the input. Per (dz, dy), each segment's input span is first copied contiguously (zero-padded) into
     * {@code line}, then all segments are split into phases at once by {@link Backend#deinterleave} (vectorized,
     * instead of a strided scalar copy per phase and segment).
     */
    private void fillPatch(float[] in, int chBase, int r0, int r1, int segW, int lp, float[] patch, float[] line) {
        int mW = tw.m;
        int span = segW * mW; // input values one segment covers
        int count = (r1 - r0) * segW;
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
                    java.util.Arrays.fill(line, dst, dst + ia, 0f);
                    if (ib > ia) {
                        System.arraycopy(in, chBase + (z * s.inH + y) * s.inW + x0 + ia, line, dst + ia, ib - ia);
                    }
                    java.util.Arrays.fill(line, dst + ib, dst + span, 0f);
                }
                backend.deinterleave(mW, count, line, 0, patch, (dz * th.t + dy) * mW * lp, lp);
            }
        }
        // The slot after the last segment is read by the W stage's shifted rows, never used.
        for (int row = 0; row < td.t * th.t * mW; row++) {
            patch[row * lp + lp - 1] = 0f;
        }
    }

    /** B^T along D, H, then W; the W stage writes channel c's row of every {@code V_pos}. */
    private void inputTransform(Scratch sc, int lp, int cols, int c, int cg, float[] v) {
        int mW = tw.m;
        int rowLen = mW * lp; // one (dz, dy) row: all phases
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
            backend.combine(td.t, td.t, td.bt, cur, so, nxt, dso, plane, false);
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
                backend.combine(th.t, th.t, th.bt, cur, so, nxt, dso, rowLen, false);
            }
            float[] x = cur;
            cur = nxt;
            nxt = x;
        }
        int posStride = cg * cols;
        for (int row = 0; row < td.t * th.t; row++) {
            int base = row * rowLen;
            for (int k = 0; k < tw.t; k++) {
                so[k] = base + k % mW * lp + k / mW;
                dso[k] = (row * tw.t + k) * posStride + c * cols;
            }
            backend.combine(tw.t, tw.t, tw.bt, cur, so, v, dso, cols, false);
        }
    }

    /**
     * A^T along W, H, then D for output channel mo; returns the buffer holding its result laid out
     * {@code [oz][oy][ox][cols]} (in the patch buffers).
     */
    private float[] outputTransform(Scratch sc, float[] o, int mo, int mg, int cols) {
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
            backend.combine(tw.m, tw.t, tw.at, o, so, a, dso, cols, false);
        }
        float[] cur = a;
        float[] nxt = b;
        if (th.t > 1) {
            int seg = tw.m * cols; // one dy row
            for (int dz = 0; dz < td.t; dz++) {
                for (int k = 0; k < th.t; k++) {
                    so[k] = (dz * th.t + k) * seg;
                }
                for (int q = 0; q < th.m; q++) {
                    dso[q] = (dz * th.m + q) * seg;
                }
                backend.combine(th.m, th.t, th.at, cur, so, nxt, dso, seg, false);
            }
            float[] x = cur;
            cur = nxt;
            nxt = x;
        }
        if (td.t > 1) {
            int plane = th.m * tw.m * cols;
            for (int k = 0; k < td.t; k++) {
                so[k] = k * plane;
            }
            for (int q = 0; q < td.m; q++) {
                dso[q] = q * plane;
            }
            backend.combine(td.m, td.t, td.at, cur, so, nxt, dso, plane, false);
            cur = nxt;
        }
        return cur;
    }

    /**
     * Interleaves the phase rows of {@code tiles} into output rows ({@link Backend#interleave} into {@code line},
     * all segments at once, then each segment's clipped span copied out), then the residual (if any), bias and
     * epilogue per row.
     */
    private void writeTiles(float[] tiles, int cols, int segW, int r0, int r1, float[] out, int chBase, float b,
            float[] res, int resDelta, float[] line) {
        int mW = tw.m;
        int span = segW * mW;
        for (int oz = 0; oz < td.m; oz++) {
            for (int oy = 0; oy < th.m; oy++) {
                backend.interleave(mW, cols, tiles, (oz * th.m + oy) * mW * cols, cols, line, 0);
                for (int r = r0; r < r1; r++) {
                    int tileRow = r / chunks;
                    int z = tileRow / nH * td.m + oz;
                    int y = tileRow % nH * th.m + oy;
                    if (z >= s.outD || y >= s.outH) {
                        continue;
                    }
                    int x0 = r % chunks * chunkTiles * mW;
                    int x1 = Math.min(s.outW, x0 + chunkTiles * mW);
                    int row = chBase + (z * s.outH + y) * s.outW;
                    System.arraycopy(line, (r - r0) * span, out, row + x0, x1 - x0);
                    addResidual(out, row + x0, x1 - x0, res, resDelta);
                    backend.biasEpilogue(out, row + x0, x1 - x0, b, epilogue);
                }
            }
        }
    }
}
