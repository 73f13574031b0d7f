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

    WinogradConv(ConvGeometry g, int m, float[] w, int wOff, float[] bias, Epilogue e, Backend backend) {
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
        int fit = Math.max(16, STRIP_BUDGET / perTileColumn);
        this.chunkTiles = Math.min(nW, fit);
        this.chunks = Math.ceilDiv(nW, chunkTiles);
        this.u = transformWeights(w, wOff);
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

    /**
     * {@code U = (G_D x G_H x G_W) w} per (group, position), computed in double and packed as A operands. It runs
     * when a session opens, on every 3x3 weight, so it is arranged for speed: per output channel the weights are
     * turned to {@code [tap][input channel]}, and the transform is applied one axis at a time (W, then H, then D)
     * as row operations over all input channels at once (loops the JIT vectorizes), which for F(4,3) also takes half
     * the multiplications of the full Kronecker product.
     */
    private PackedMatrix[][] transformWeights(float[] w, int wOff) {
        int cg = g.inChannelsPerGroup();
        int mg = g.outChannelsPerGroup();
        int taps = s.kernelSize();
        PackedMatrix[][] out = new PackedMatrix[g.group()][positions];
        float[][] byPos = new float[positions][mg * cg];
        double[] wt = new double[taps * cg];
        double[] alongW = new double[td.taps * th.taps * tw.t * cg];
        double[] alongH = new double[td.taps * th.t * tw.t * cg];
        double[] u = new double[positions * cg];
        for (int gi = 0; gi < g.group(); gi++) {
            for (int mo = 0; mo < mg; mo++) {
                int base = wOff + (gi * mg + mo) * cg * taps;
                for (int c = 0; c < cg; c++) {
                    for (int k = 0; k < taps; k++) {
                        wt[k * cg + c] = w[base + c * taps + k];
                    }
                }
                for (int row = 0; row < td.taps * th.taps; row++) {
                    for (int cc = 0; cc < tw.t; cc++) {
                        combineRows(tw.g, cc * tw.taps, tw.taps, wt, row * tw.taps * cg, cg, alongW,
                                (row * tw.t + cc) * cg, cg);
                    }
                }
                for (int kd = 0; kd < td.taps; kd++) {
                    for (int b = 0; b < th.t; b++) {
                        for (int cc = 0; cc < tw.t; cc++) {
                            combineRows(th.g, b * th.taps, th.taps, alongW, (kd * th.taps * tw.t + cc) * cg,
                                    tw.t * cg, alongH, ((kd * th.t + b) * tw.t + cc) * cg, cg);
                        }
                    }
                }
                int plane = th.t * tw.t;
                for (int a = 0; a < td.t; a++) {
                    for (int q = 0; q < plane; q++) {
                        combineRows(td.g, a * td.taps, td.taps, alongH, q * cg, plane * cg, u, (a * plane + q) * cg,
                                cg);
                    }
                }
                for (int p = 0; p < positions; p++) {
                    float[] dst = byPos[p];
                    int d = mo * cg;
                    int src = p * cg;
                    for (int c = 0; c < cg; c++) {
                        dst[d + c] = (float) u[src + c];
                    }
                }
            }
            for (int p = 0; p < positions; p++) {
                out[gi][p] = backend.packA(false, mg, cg, byPos[p], 0, cg);
            }
        }
        return out;
    }

    /**
     * {@code dst[dOff + c] = sum over k < n of coef[cOff + k] * src[sOff + k * sStride + c]} for c < len, summed in
     * k order (a row combination over all input channels at once).
     */
    private static void combineRows(double[] coef, int cOff, int n, double[] src, int sOff, int sStride,
            double[] dst, int dOff, int len) {
        double c0 = coef[cOff];
        for (int c = 0; c < len; c++) {
            dst[dOff + c] = c0 * src[sOff + c];
        }
        for (int k = 1; k < n; k++) {
            double ck = coef[cOff + k];
            int so = sOff + k * sStride;
            for (int c = 0; c < len; c++) {
                dst[dOff + c] += ck * src[so + c];
            }
        }
    }

    /** Per-thread buffers, grown on demand. */
    private static final class Scratch {
        float[] patch = new float[0];
        float[] patch2 = new float[0];
        float[] v = new float[0];
        float[] o = new float[0];
        int[] srcOff = new int[8];
        int[] dstOff = new int[8];

        static float[] grow(float[] a, int n) {
            return a.length >= n ? a : new float[n];
        }
    }

    @Override
    void compute(float[] in, int inOff, float[] out, int outOff, float[] res, int resDelta, Parallel p) {
        int units = g.batch() * g.group();
        int rows = nD * nH * chunks; // tile rows (and row chunks), the unit strips are made of
        int cols = chunkTiles + 1;
        int perTileRow = positions * (g.inChannelsPerGroup() + g.outChannelsPerGroup()) * cols;
        int strip = Math.max(1, Math.min(rows, STRIP_BUDGET / perTileRow));
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

    /** Tile rows {@code [r0, r1)} of image n, group gi. */
    private void strip(int n, int gi, int r0, int r1, float[] in, int inOff, float[] out, int outOff, float[] res,
            int resDelta) {
        int cg = g.inChannelsPerGroup();
        int mg = g.outChannelsPerGroup();
        int segW = chunkTiles + 1;
        int cols = (r1 - r0) * segW;
        int lp = cols + 1; // one slot more: the W stage reads one past the last segment's extra slot
        int rowsDH = td.t * th.t;
        int patchSize = rowsDH * tw.m * lp;
        Scratch sc = SCRATCH.get();
        sc.patch = Scratch.grow(sc.patch, patchSize);
        sc.patch2 = Scratch.grow(sc.patch2, patchSize);
        sc.v = Scratch.grow(sc.v, positions * cg * cols);
        sc.o = Scratch.grow(sc.o, positions * mg * cols);
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
            fillPatch(in, inBase + c * inPlane, r0, r1, segW, lp, sc.patch);
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
                    bias == null ? 0f : bias[ch], res, resDelta);
        }
    }

    /**
     * Copies the input rows the strip's tiles read into {@code patch}, phase-split along W:
     * {@code patch[((dz * tH + dy) * mW + p) * lp + seg * segW + j] = x[z][y][x0 + j * mW + p - padW]} with zeros
     * outside the input.
     */
    private void fillPatch(float[] in, int chBase, int r0, int r1, int segW, int lp, float[] patch) {
        int mW = tw.m;
        for (int r = r0; r < r1; r++) {
            int chunk = r % chunks;
            int tileRow = r / chunks;
            int tz = tileRow / nH;
            int ty = tileRow % nH;
            int j0 = chunk * chunkTiles;
            int seg = (r - r0) * segW;
            for (int dz = 0; dz < td.t; dz++) {
                int z = tz * td.m + dz - s.pD;
                for (int dy = 0; dy < th.t; dy++) {
                    int y = ty * th.m + dy - s.pH;
                    boolean inside = z >= 0 && z < s.inD && y >= 0 && y < s.inH;
                    int rowBase = chBase + (z * s.inH + y) * s.inW;
                    int dstRow = (dz * th.t + dy) * mW;
                    for (int p = 0; p < mW; p++) {
                        int dst = (dstRow + p) * lp + seg;
                        int x0 = j0 * mW + p - s.pW; // input column of slot j = 0
                        // Slots [ja, jb) read inside the row; the rest are padding.
                        int ja = inside ? Math.min(segW, Shape3.firstInside(x0, mW)) : segW;
                        int jb = inside ? Math.max(ja, Math.min(segW, Shape3.endInside(x0, mW, s.inW, segW))) : segW;
                        java.util.Arrays.fill(patch, dst, dst + ja, 0f);
                        int src = rowBase + x0;
                        for (int j = ja; j < jb; j++) {
                            patch[dst + j] = in[src + j * mW];
                        }
                        java.util.Arrays.fill(patch, dst + jb, dst + segW, 0f);
                    }
                }
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
     * Interleaves the phase rows of {@code tiles} into output rows (clipped), then the residual (if any), bias and
     * epilogue per row.
     */
    private void writeTiles(float[] tiles, int cols, int segW, int r0, int r1, float[] out, int chBase, float b,
            float[] res, int resDelta) {
        int mW = tw.m;
        for (int r = r0; r < r1; r++) {
            int chunk = r % chunks;
            int tileRow = r / chunks;
            int tz = tileRow / nH;
            int ty = tileRow % nH;
            int j0 = chunk * chunkTiles;
            int x0 = j0 * mW;
            int x1 = Math.min(s.outW, (j0 + chunkTiles) * mW);
            int seg = (r - r0) * segW;
            for (int oz = 0; oz < td.m; oz++) {
                int z = tz * td.m + oz;
                if (z >= s.outD) {
                    break;
                }
                for (int oy = 0; oy < th.m; oy++) {
                    int y = ty * th.m + oy;
                    if (y >= s.outH) {
                        break;
                    }
                    int row = chBase + (z * s.outH + y) * s.outW;
                    int src = ((oz * th.m + oy) * mW) * cols + seg;
                    for (int q = 0; q < mW; q++) {
                        int from = src + q * cols;
                        int count = Math.ceilDiv(x1 - x0 - q, mW); // phase q's columns below x1
                        int to = row + x0 + q;
                        for (int j = 0; j < count; j++) {
                            out[to + j * mW] = tiles[from + j];
                        }
                    }
                    addResidual(out, row + x0, x1 - x0, res, resDelta);
                    backend.biasEpilogue(out, row + x0, x1 - x0, b, epilogue);
                }
            }
        }
    }
}
