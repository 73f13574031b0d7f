package dev.vinfer.conv;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Winograd {@code F(m x m, 3 x 3)} for 2-D planes of few tiles ({@link Backend#tileGemmMaxTiles}: 16 with
 * AVX-512), e.g. ResNet's 7x7 planes on F(2,3) and 14x14 planes on F(4,3),
 * both 4 x 4 = 16 tiles. Same arithmetic as {@link WinogradConv} (which it replaces there: see
 * {@link #applies}), arranged for the case where the weights, not the tiles, are the big operand:
 * <ol>
 * <li>input transform per block of input channels: each channel copied into a zero-bordered plane, its
 * {@code t x t} input tiles gathered from there ({@link Backend#gather}, one vector of tiles per position) through a
 * precomputed index table as {@code [dy][dx][channel][tile]}, then {@code B^T} along H
 * and along W as a few long {@link Backend#combine} calls, the last writing {@code V[pos][channel][tile]}
 * directly;</li>
 * <li>per block of 32 output channels: the {@code t^2} products {@code U_pos x V_pos} for all tiles at once
 * ({@link TileGemm}; each transformed weight read from memory once, front to back), then right away, while the
 * block's products ({@code t^2 x 16 x 32} floats) are in L1/L2, {@code A^T} along W and H, each of the block's
 * output planes copied from the result in one indexed pass, and residual, bias and epilogue per plane.</li>
 * </ol>
 *
 * <p>Threads: the input transform is split by input channels (one join), the products and output transform by
 * blocks of output channels, each thread streaming its own contiguous part of the weights.
 */
final class SmallPlaneWinograd extends PreparedConv {
    /** Floats per input-transform patch buffer: 7x7 F(2,3) takes 32 channels a block, 14x14 F(4,3) 14. */
    static final int PATCH_FLOATS = 8192;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final ConvGeometry g;
    private final Shape3 s;
    private final WinogradTransform f;
    private final int positions;
    /** Tiles of a plane ({@code nH x nW}), at most {@link TileGemm#maxTiles()}. */
    private final int tiles;
    /** Tile slots of the products' output: tiles rounded up to the kernel's tile group. */
    private final int slots;
    private final int blockRows;
    /** Per group. */
    private final TileGemm[] gemms;
    /** {@code [dy * t + dx][tile]}: where in the zero-bordered plane the tile's input (dy, dx) is. */
    private final int[] srcIdx;
    /** The zero-bordered plane: {@code padH x padW}, input (y, x) at {@code (y + pH, x + pW)}. */
    private final int padH;
    private final int padW;
    /**
     * {@code [output pixel]}: where in a block's transformed outputs ({@code [oy * m + ox][tile slot][row]}, row 0)
     * the pixel's value is, so that each output plane is written front to back by one indexed copy instead of a
     * scalar store per tile output scattered over the plane.
     */
    private final int[] outputSource;
    private final float[] bias;
    private final Epilogue epilogue;
    private final AtomicReference<Run> spare = new AtomicReference<>();

    /**
     * Whether this kernel computes F(m,3) on {@code g} with {@code backend}: a 2-D convolution Winograd supports
     * whose plane has at most {@link Backend#tileGemmMaxTiles()} tiles.
     */
    static boolean applies(ConvGeometry g, int m, Backend backend) {
        return g.rank() == 2 && WinogradConv.supports(g, m) && tiles(g, m) <= backend.tileGemmMaxTiles();
    }

    private static int tiles(ConvGeometry g, int m) {
        return Math.ceilDiv(g.outputDim(0), m) * Math.ceilDiv(g.outputDim(1), m);
    }

    SmallPlaneWinograd(ConvGeometry g, int m, float[] w, int wOff, float[] bias, Epilogue e, Backend backend) {
        super(WinogradConv.algorithmFor(m), backend, g.inputLength(), g.outputLength());
        if (!applies(g, m, backend)) {
            throw new IllegalArgumentException("small-plane Winograd F(" + m + ",3) needs a 2-D 3x3 stride-1"
                    + " convolution of at most " + backend.tileGemmMaxTiles() + " tiles: " + g);
        }
        this.g = g;
        this.s = Shape3.of(g);
        this.f = WinogradTransform.of(m);
        this.bias = checkedBias(w, wOff, g.weightLength(), bias, g.outChannels());
        this.epilogue = e;
        int t = f.t;
        this.positions = t * t;
        int nH = Math.ceilDiv(s.outH, m);
        int nW = Math.ceilDiv(s.outW, m);
        this.tiles = nH * nW;
        this.gemms = new TileGemm[g.group()];
        for (int gi = 0; gi < g.group(); gi++) {
            float[] u = WinogradWeights.transposedGroup(g, gi, s.kernelSize(), WinogradTransform.IDENTITY, f, f,
                    positions, backend, w, wOff);
            gemms[gi] = backend.tileGemm(positions, g.outChannelsPerGroup(), g.inChannelsPerGroup(), u);
        }
        this.slots = gemms[0].slots(tiles);
        this.blockRows = gemms[0].blockRows();
        this.padH = nH * m + 2;
        this.padW = nW * m + 2;
        this.srcIdx = new int[positions * tiles];
        this.outputSource = new int[s.outPlane()];
        int run = slots * blockRows;
        for (int j = 0; j < tiles; j++) {
            int ty = j / nW;
            int tx = j % nW;
            for (int dy = 0; dy < t; dy++) {
                for (int dx = 0; dx < t; dx++) {
                    srcIdx[(dy * t + dx) * tiles + j] = (ty * m + dy) * padW + tx * m + dx;
                }
            }
            for (int oy = 0; oy < m; oy++) {
                for (int ox = 0; ox < m; ox++) {
                    int y = ty * m + oy;
                    int x = tx * m + ox;
                    if (y < s.outH && x < s.outW) {
                        outputSource[y * s.outW + x] = (oy * m + ox) * run + j * blockRows;
                    }
                }
            }
        }
    }

    /** Per-thread buffers, grown on demand and kept. */
    private static final class Scratch {
        float[] v = new float[0];
        float[] o = new float[0];
        float[] patch = new float[0];
        float[] patch2 = new float[0];
        float[] plane = new float[0];
        final int[] srcOff = new int[8];
        final int[] dstOff = new int[8];

        static float[] grow(float[] a, int n) {
            return a.length >= n ? a : new float[n];
        }
    }

    /** One call: the phase in progress (0 input transform, 1 products and output) of image n, group gi. */
    private final class Run extends Call {
        int phase;
        int parts;
        int n;
        int gi;
        float[] v;

        @Override
        public void run(int part) {
            if (phase == 0) {
                int cg = g.inChannelsPerGroup();
                inputTransform(SCRATCH.get(), n, gi, cg * part / parts, cg * (part + 1) / parts, in, inOff, v);
            } else {
                int blocks = gemms[gi].blocks();
                Scratch sc = SCRATCH.get();
                for (int b = blocks * part / parts; b < blocks * (part + 1) / parts; b++) {
                    outputBlock(sc, v, n, gi, b, out, outOff, res, resDelta);
                }
            }
        }
    }

    @Override
    void compute(float[] in, int inOff, float[] out, int outOff, float[] res, int resDelta, Parallel p) {
        Run c = take(spare);
        if (c == null) {
            c = new Run();
        }
        c.set(in, inOff, out, outOff, res, resDelta);
        Scratch mine = SCRATCH.get();
        int cg = g.inChannelsPerGroup();
        // Slack: the products read a whole tile group from every (position, channel) row.
        mine.v = Scratch.grow(mine.v, positions * cg * tiles + slots);
        c.v = mine.v;
        int threads = p.threads();
        try {
            for (int n = 0; n < g.batch(); n++) {
                for (int gi = 0; gi < g.group(); gi++) {
                    c.n = n;
                    c.gi = gi;
                    c.phase = 0;
                    c.parts = Math.min(threads, cg);
                    p.forEach(c.parts, c);
                    c.phase = 1;
                    c.parts = Math.min(threads, gemms[gi].blocks());
                    p.forEach(c.parts, c);
                }
            }
        } finally {
            c.v = null;
            give(spare, c);
        }
    }

    /**
     * B^T along H and W of input channels {@code [c0, c1)} of group gi, image n, into {@code v}
     * ({@code [position][channel][tile]}, all the group's channels), in blocks of channels that fill a patch buffer.
     */
    private void inputTransform(Scratch sc, int n, int gi, int c0, int c1, float[] in, int inOff, float[] v) {
        int t = f.t;
        int cg = g.inChannelsPerGroup();
        int perChannel = positions * tiles;
        int block = Math.max(1, Math.min(c1 - c0, PATCH_FLOATS / perChannel));
        sc.patch = Scratch.grow(sc.patch, perChannel * block);
        sc.patch2 = Scratch.grow(sc.patch2, perChannel * block);
        float[] patch = sc.patch;
        float[] patch2 = sc.patch2;
        sc.plane = Scratch.grow(sc.plane, padH * padW);
        float[] padded = sc.plane;
        int[] so = sc.srcOff;
        int[] dso = sc.dstOff;
        int inPlane = s.inPlane();
        // The input rows and columns the tiles read: padded row yy holds input row yy - pH.
        int y0 = Math.max(0, s.pH);
        int y1 = Math.min(padH, s.inH + s.pH);
        int x0 = Math.max(0, s.pW);
        int x1 = Math.min(padW, s.inW + s.pW);
        int base = inOff + (n * g.inChannels() + gi * cg) * inPlane;
        int posStride = cg * tiles;
        // Every channel copies into the same rectangle of the plane, so its zero border is written once per call
        // (the buffer is per thread and shared with other layers' geometries).
        java.util.Arrays.fill(padded, 0, padH * padW, 0f);
        for (int c = c0; c < c1; c += block) {
            int nb = Math.min(block, c1 - c);
            int run = nb * tiles; // one (dy, dx) row of the block: its channels' tiles
            for (int i = 0; i < nb; i++) {
                int ch = base + (c + i) * inPlane;
                for (int yy = y0; yy < y1 && x1 > x0; yy++) {
                    System.arraycopy(in, ch + (yy - s.pH) * s.inW + x0 - s.pW, padded, yy * padW + x0, x1 - x0);
                }
                for (int p = 0; p < positions; p++) {
                    backend.gather(padded, 0, srcIdx, p * tiles, patch, (p * nb + i) * tiles, tiles);
                }
            }
            // Along H: row dy of the patch is t * run floats (all dx), so one combine covers every dx.
            for (int k = 0; k < t; k++) {
                so[k] = k * t * run;
                dso[k] = k * t * run;
            }
            rows(true, patch, so, patch2, dso, t * run);
            // Along W, straight into V: position (a, b) of channel c + i at v[(a * t + b) * posStride + (c + i) * tiles].
            for (int a = 0; a < t; a++) {
                for (int k = 0; k < t; k++) {
                    so[k] = (a * t + k) * run;
                    dso[k] = (a * t + k) * posStride + c * tiles;
                }
                rows(true, patch2, so, v, dso, run);
            }
        }
    }

    /**
     * Output channels of row block b of group gi, image n: the products, A^T along W and H, each output plane
     * copied from the result, then residual, bias and epilogue per plane.
     */
    private void outputBlock(Scratch sc, float[] v, int n, int gi, int b, float[] out, int outOff, float[] res,
            int resDelta) {
        int t = f.t;
        int m = f.m;
        int cg = g.inChannelsPerGroup();
        int run = slots * blockRows; // one position of the block: [tile][row]
        sc.o = Scratch.grow(sc.o, positions * run);
        sc.patch = Scratch.grow(sc.patch, t * m * run);
        sc.patch2 = Scratch.grow(sc.patch2, m * m * run);
        float[] o = sc.o;
        float[] alongW = sc.patch;
        float[] done = sc.patch2;
        int[] so = sc.srcOff;
        int[] dso = sc.dstOff;
        gemms[gi].run(b, tiles, v, 0, cg * tiles, tiles, o, 0);
        for (int a = 0; a < t; a++) {
            for (int k = 0; k < t; k++) {
                so[k] = (a * t + k) * run;
            }
            for (int q = 0; q < m; q++) {
                dso[q] = (a * m + q) * run;
            }
            rows(false, o, so, alongW, dso, run);
        }
        // Along H: row a of alongW is m * run floats (all ox).
        for (int k = 0; k < t; k++) {
            so[k] = k * m * run;
        }
        for (int q = 0; q < m; q++) {
            dso[q] = q * m * run;
        }
        rows(false, alongW, so, done, dso, m * run);
        int mg = g.outChannelsPerGroup();
        int rows = Math.min(blockRows, mg - b * blockRows);
        int outPlane = s.outPlane();
        for (int r = 0; r < rows; r++) {
            int ch = gi * mg + b * blockRows + r;
            int plane = outOff + (n * g.outChannels() + ch) * outPlane;
            // A plain indexed copy: the backend's vector gather here (an indexed vector load per 16 pixels) was
            // compiled without its intrinsic in two JVMs of three, boxing every vector (55-84 KB a run of a small
            // CNN, SteadyStateAllocationTest, session 8).
            for (int q = 0; q < outPlane; q++) {
                out[plane + q] = done[r + outputSource[q]];
            }
            addResidual(out, plane, outPlane, res, resDelta);
            backend.biasEpilogue(out, plane, outPlane, bias == null ? 0f : bias[ch], epilogue);
        }
    }

    /**
     * One axis of the input ({@code input}: B^T) or output (A^T) transform over rows of {@code len} values:
     * {@link Backend#winogradF43} for F(4,3), {@link Backend#combine} otherwise.
     */
    private void rows(boolean input, float[] src, int[] so, float[] dst, int[] dso, int len) {
        if (f.m == 4) {
            backend.winogradF43(input, input ? f.bt : f.at, src, so, dst, dso, len);
        } else {
            backend.combine(input ? f.t : f.m, f.t, input ? f.bt : f.at, src, so, dst, dso, len, false);
        }
    }
}
