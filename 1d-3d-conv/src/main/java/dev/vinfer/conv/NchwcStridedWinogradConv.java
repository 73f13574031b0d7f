package dev.vinfer.conv;

import static dev.vinfer.conv.NchwcLayout.BLOCK;

import java.util.concurrent.atomic.AtomicReference;

/**
 * A 3x3 convolution of stride 2 on channel-blocked tensors ({@link NchwcLayout}) by Winograd on the parity split of
 * its input ({@link StridedWinogradTransform}): ResNet's 3x3/2 layers (56 -> 28, 28 -> 14), which otherwise run as a
 * GEMM over gathered taps ({@link NchwcGatherConv}) at 9 multiply-adds an output and channel pair. Here a tile of
 * {@code m x m} outputs takes {@code (2m + 1)^2} products: 81 per 16 outputs for m = 4 (0.56 of the direct count),
 * 25 per 4 for m = 2 (0.69).
 *
 * <p>The same three steps as {@link NchwcWinogradConv}, per image and strip of tile rows: input transform
 * ({@link Backend#nchwcStridedWinogradInput}), one product per class of positions that share their transformed
 * weights, output transform with bias, residual and Relu/Clip ({@link Backend#nchwcStridedWinogradOutput}). The
 * classes ({@link StridedWinogradTransform#classes}) make the products fewer and longer than one per position: for
 * m = 4, 25 products over the strip's tiles, 10 over four times as many pixels and one over sixteen times, 36 weight
 * matrices (as F(4,3)'s) for 81 positions; V and O are laid out by class, each a blocked tensor whose pixels are
 * the class's positions of every tile, so the blocked 1x1 kernel ({@link Backend#nchwcPointwise}) runs each.
 *
 * <p>Each thread copies the zero-bordered input rows its strip reads into a buffer of its own. With several threads,
 * threads take whole strips where they divide evenly, else each runs every strip for its own range of output blocks
 * (repeating the input side, which is the smaller one on ResNet's layers, whose output has twice the channels or as
 * many at a quarter of the pixels).
 */
public final class NchwcStridedWinogradConv implements NchwcConvKernel {
    private final ConvGeometry g;
    private final Backend backend;
    private final StridedWinogradTransform tr;
    private final int m;
    private final int t;
    private final int inBlocks;
    private final int outBlocks;
    private final int group;
    /** Per class, its weights packed as {@link NchwcPointwiseConv#pack} does, from {@link #lead}. */
    private final float[][] u;
    private final int lead;
    private final float[] bias;
    private final float[] zeros;
    private final Epilogue epilogue;
    private final float lo;
    private final float hi;
    private final boolean epiloguePass;
    private final int tilesH;
    private final int tilesW;
    /** Columns of the zero-bordered input rows, {@code 2m * tilesW + 1}. */
    private final int cols;
    private final int stripRows;
    private final int strips;
    private final boolean weighty;
    /** V and O layouts of a whole strip ([0]) and of the last, shorter one ([1]). */
    private final Layout[] layouts;
    /** Floats of a thread's padded rows, V, O and transform scratch ({@link #scratch}). */
    private final int[] scratchFloats;

    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[4][0]);

    /**
     * Where each class and position of a strip of {@code tiles} tiles lies in V and O: class c's tensor from
     * {@code vClass[c]} ({@code [inBlock][size x tiles][16]}), position pos of input block cb from
     * {@code vPos[cb][pos]}; the same for O with output blocks.
     */
    private record Layout(int tiles, int[] vClass, int[] oClass, int[][] vPos, int[][] oPos, int vLength,
            int oLength) {
    }

    private NchwcStridedWinogradConv(ConvGeometry g, int m, float[] w, int wOff, float[] b, Epilogue e,
            Backend backend) {
        this.g = g;
        this.backend = backend;
        this.tr = StridedWinogradTransform.of(m);
        this.m = m;
        this.t = tr.t;
        int c = g.inChannels();
        int mo = g.outChannels();
        this.inBlocks = NchwcLayout.blocks(c);
        this.outBlocks = NchwcLayout.blocks(mo);
        this.tilesH = Math.ceilDiv(g.outputDim(0), m);
        this.tilesW = Math.ceilDiv(g.outputDim(1), m);
        this.cols = 2 * m * tilesW + 1;
        long perRow = (long) t * t * (inBlocks + outBlocks) * BLOCK * tilesW;
        int stripFloats = Integer.getInteger("vinfer.nchwcStridedWinograd.stripFloats",
                NchwcWinogradConv.STRIP_FLOATS);
        long transformedWeights = (long) tr.classes() * c * mo;
        this.weighty = 2 * transformedWeights >= perRow * tilesH;
        int sr = (int) Math.max(1, Math.min(tilesH, stripFloats / perRow));
        if (perRow * tilesH <= 2L * stripFloats || weighty) {
            sr = tilesH; // one strip: small, or every strip would stream all of U (as NchwcWinogradConv)
        }
        this.strips = Math.ceilDiv(tilesH, sr);
        this.stripRows = Math.ceilDiv(tilesH, strips);
        long stripFloatsNeeded = (long) t * t * Math.max(inBlocks, outBlocks) * stripRows * tilesW * BLOCK;
        long padFloats = (long) inBlocks * (2L * m * stripRows + 1) * cols * BLOCK;
        if (stripFloatsNeeded > Integer.MAX_VALUE - 64 || padFloats > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("NCHWc strided Winograd (m " + m + ") would need " + padFloats
                    + " floats of padded input and " + stripFloatsNeeded + " of transformed tiles per strip: " + g);
        }
        this.group = Math.max(1, backend.nchwcPointwiseGroup(c, mo, stripRows * tilesW));
        this.lead = ArrayAlignment.floatLead();
        this.u = NchwcWinogradWeights.combine(g, tr.weightCoefficients(), tr.classes(),
                "strided Winograd (m " + m + ")", group, w, wOff, lead);
        this.bias = new float[outBlocks * BLOCK];
        if (b != null) {
            System.arraycopy(b, 0, bias, 0, mo);
        }
        this.zeros = new float[outBlocks * BLOCK];
        this.epilogue = e;
        this.lo = e.clampLow();
        this.hi = e.clampHigh();
        this.epiloguePass = !e.isClamp();
        int lastTiles = (tilesH - (strips - 1) * stripRows) * tilesW;
        Layout full = layout(stripRows * tilesW);
        this.layouts = new Layout[] {full, lastTiles == full.tiles() ? full : layout(lastTiles)};
        this.scratchFloats = new int[] {Math.toIntExact(lead + padFloats), lead + full.vLength(),
            lead + full.oLength(), lead + t * t * BLOCK};
    }

    private Layout layout(int tiles) {
        int classes = tr.classes();
        int[] vClass = new int[classes];
        int[] oClass = new int[classes];
        int v = 0;
        int o = 0;
        for (int k = 0; k < classes; k++) {
            vClass[k] = v;
            oClass[k] = o;
            v += tr.classSize(k) * inBlocks * tiles * BLOCK;
            o += tr.classSize(k) * outBlocks * tiles * BLOCK;
        }
        return new Layout(tiles, vClass, oClass, positions(vClass, inBlocks, tiles), positions(oClass, outBlocks,
                tiles), v, o);
    }

    /** Per block and 2-D position, where the position's tiles start: its class's tensor, block, index in class. */
    private int[][] positions(int[] classStart, int blocks, int tiles) {
        int[][] pos = new int[blocks][t * t];
        for (int cb = 0; cb < blocks; cb++) {
            for (int p = 0; p < t; p++) {
                for (int q = 0; q < t; q++) {
                    int k = tr.classOf(p, q);
                    int size = tr.classSize(k);
                    pos[cb][p * t + q] = classStart[k] + (cb * size + tr.indexInClass(p, q)) * tiles * BLOCK;
                }
            }
        }
        return pos;
    }

    /**
     * The most products per output, as a share of the direct 9, at which {@link #autoTileOutputs} takes this kernel:
     * 0.92, so that ResNet's 7x7 outputs (m = 2, 8.16 products, 0.907) do. Measured on session 29's AMD Zen 5 (one
     * and two threads, {@code SwitchNodeProfile MODEL T N vinfer.nchwc.stridedWinograd.costLimit 0.8 0.95}): the
     * 512 -> 512 layer of ResNet-50 0.916 of the gather GEMM's time at one thread and 0.956 at two, the 256 -> 512
     * one of ResNet-18 0.950 and 0.964; alone with weights from memory ({@code NchwcProbe
     * -Dprobe.weightCopies=4}) 0.86-0.87. The gather GEMM runs at about 100-115 GFLOP/s there, the 1x1 tiles that
     * compute Winograd's products faster, which pays for their 1.8x the transformed weights. Before: 0.8.
     */
    static final double COST_LIMIT = 0.92;

    /** Whether {@code g} is a convolution this kernel computes: 2-D, one group, 3x3, stride 2, dilation 1. */
    public static boolean supports(ConvGeometry g) {
        return g.rank() == 2 && g.group() == 1 && g.kernel(0) == 3 && g.kernel(1) == 3 && g.stride(0) == 2
                && g.stride(1) == 2 && g.dilation(0) == 1 && g.dilation(1) == 1;
    }

    /**
     * The tile outputs per axis at which this kernel should run {@code g}, or 0 where the gather GEMM should: at
     * least 16 input and output channels, and the tile (m = 4 or 2) with the fewest products per output once the
     * tiles cut by the plane's edge count, where that is at most {@link #COST_LIMIT} of the direct 9 and the strip
     * has at least 7 tiles (one register tile of the products). ResNet: 28x28 outputs take m = 4 (5.06 products an
     * output), 14x14 m = 2 (6.25), 7x7 m = 2 (8.16 with 16 tiles: barely fewer products, but they run on the 1x1
     * tiles, faster than the gather GEMM's). {@code -Dvinfer.nchwc.stridedWinograd=false} turns it off and
     * {@code -Dvinfer.nchwc.stridedWinograd.costLimit=F} sets the limit (both read when a layer is prepared).
     */
    public static int autoTileOutputs(ConvGeometry g) {
        if (!supports(g) || g.inChannels() < 16 || g.outChannels() < 16
                || "false".equals(System.getProperty("vinfer.nchwc.stridedWinograd"))) {
            return 0;
        }
        int best = 0;
        double bestCost = Double.parseDouble(System.getProperty("vinfer.nchwc.stridedWinograd.costLimit",
                Double.toString(COST_LIMIT))) * 9;
        for (int m : new int[] {4, 2}) {
            long tiles = (long) Math.ceilDiv(g.outputDim(0), m) * Math.ceilDiv(g.outputDim(1), m);
            double cost = (double) (2 * m + 1) * (2 * m + 1) * tiles / ((long) g.outputDim(0) * g.outputDim(1));
            if (tiles >= 7 && cost < bestCost) {
                best = m;
                bestCost = cost;
            }
        }
        return best;
    }

    /** Prepares {@code g} with {@code m} (2 or 4) outputs per tile axis, on the default backend. */
    public static NchwcStridedWinogradConv prepare(ConvGeometry g, int m, float[] w, int wOff, float[] bias,
            Epilogue e) {
        return prepare(g, m, w, wOff, bias, e, Kernels.backend());
    }

    /** As {@link #prepare(ConvGeometry, int, float[], int, float[], Epilogue)} on the given backend. */
    public static NchwcStridedWinogradConv prepare(ConvGeometry g, int m, float[] w, int wOff, float[] bias,
            Epilogue e, Backend backend) {
        if (!supports(g)) {
            throw new IllegalArgumentException("NCHWc strided Winograd needs a 2-D, one-group 3x3 conv of stride 2"
                    + " and dilation 1: " + g);
        }
        if (m != 2 && m != 4) {
            throw new IllegalArgumentException("no strided Winograd with " + m + " outputs a tile");
        }
        NchwcChecks.weights(g, w, wOff, bias);
        return new NchwcStridedWinogradConv(g, m, w, wOff, bias, e == null ? Epilogue.NONE : e, backend);
    }

    @Override
    public ConvGeometry geometry() {
        return g;
    }

    /** Outputs per tile along each axis (2 or 4). */
    public int tileOutputs() {
        return m;
    }

    /** Strips a plane is cut into (tests check the cut). */
    int strips() {
        return strips;
    }

    /** Whether {@code threads} threads take output-block ranges rather than whole strips. */
    boolean splitsOutputBlocks(int threads) {
        if (threads <= 1) {
            return false;
        }
        // whole strips only where they divide evenly: ResNet-18's seven one-row strips of 128@28x28 taken 4 + 3 by
        // two threads ran that layer 1.036x the time of output-block ranges (SwitchNodeProfile, session 33)
        boolean stripsDivide = !weighty && g.batch() * strips % threads == 0;
        return !stripsDivide && NchwcWinogradPlan.outputParts(threads, outBlocks, group) == threads;
    }

    @Override
    public void run(float[] in, int inOff, float[] out, int outOff, float[] res, int resOff, Parallel p) {
        NchwcChecks.run(in, inOff, inputLength(), out, outOff, outputLength(), res, resOff);
        Call c = spare.getAndSet(null);
        if (c == null) {
            c = new Call();
        }
        c.in = in;
        c.inOff = inOff;
        c.out = out;
        c.outOff = outOff;
        c.res = res;
        c.resDelta = res == null ? 0 : resOff - outOff;
        try {
            if (splitsOutputBlocks(p.threads())) {
                c.parts = NchwcWinogradPlan.outputParts(p.threads(), outBlocks, group);
                p.forEach(g.batch() * c.parts, c);
            } else {
                c.parts = 0;
                p.forEach(g.batch() * strips, c);
            }
        } finally {
            c.in = null;
            c.out = null;
            c.res = null;
            spare.set(c);
        }
    }

    /** This thread's padded rows, V, O and transform scratch, grown as needed. */
    private float[][] scratch() {
        float[][] s = SCRATCH.get();
        for (int i = 0; i < 4; i++) {
            if (s[i].length < scratchFloats[i]) {
                s[i] = new float[scratchFloats[i]];
            }
        }
        return s;
    }

    /** A spare {@link Call}: a steady run allocates no task object; a second concurrent run makes its own. */
    private final AtomicReference<Call> spare = new AtomicReference<>();

    /** One run's state; as a task, one strip (parts 0) or one image's output-block range over every strip. */
    private final class Call implements Parallel.Task {
        float[] in;
        int inOff;
        float[] out;
        int outOff;
        float[] res;
        int resDelta;
        int parts;

        @Override
        public void run(int task) {
            float[][] s = scratch();
            if (parts == 0) {
                strip(task / strips, task % strips, 0, outBlocks, s);
                return;
            }
            int img = task / parts;
            int part = task % parts;
            int groups = Math.ceilDiv(outBlocks, group);
            int b0 = groups * part / parts * group;
            int b1 = Math.min(outBlocks, groups * (part + 1) / parts * group);
            for (int st = 0; st < strips; st++) {
                strip(img, st, b0, b1, s);
            }
        }

        /** Strip {@code st} of image {@code img} for output blocks {@code [b0, b1)}. */
        private void strip(int img, int st, int b0, int b1, float[][] s) {
            Layout lay = st == strips - 1 ? layouts[1] : layouts[0];
            int tiles = lay.tiles();
            int tile0 = st * stripRows * tilesW;
            float[] pad = s[0];
            float[] v = s[1];
            float[] o = s[2];
            float[] tmp = s[3];
            // the zero-bordered rows this strip reads, every input block, then their transform
            int r0 = st * stripRows * 2 * m;
            int r1 = r0 + tiles / tilesW * 2 * m + 1;
            int plane = (2 * m * stripRows + 1) * cols * BLOCK;
            for (int cb = 0; cb < inBlocks; cb++) {
                int base = lead + cb * plane;
                NchwcLayout.padRows(in, inOff + (img * inBlocks + cb) * g.inputPlane() * BLOCK, g.inputDim(0),
                        g.inputDim(1), g.padBegin(0), g.padBegin(1), pad, base - r0 * cols * BLOCK, r0, r1, cols);
                backend.nchwcStridedWinogradInput(m, tr.bte, pad, base, cols, tilesW, 0, tiles, v, lead,
                        lay.vPos()[cb], tmp, lead);
            }
            for (int k = 0; k < u.length; k++) {
                int px = tr.classSize(k) * tiles;
                backend.nchwcPointwise(g.inChannels(), px, g.outChannels(), group, u[k], lead, zeros, v,
                        lead + lay.vClass()[k], null, 0, o, lead + lay.oClass()[k], 0, px, b0, b1,
                        Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
            }
            int oh = g.outputDim(0);
            int ow = g.outputDim(1);
            for (int ob = b0; ob < b1; ob++) {
                int yOff = outOff + (img * outBlocks + ob) * oh * ow * BLOCK;
                int lanes = Math.min(BLOCK, g.outChannels() - ob * BLOCK);
                backend.nchwcStridedWinogradOutput(m, tr.ate, o, lead, lay.oPos()[ob], tilesW, tile0, tiles, bias,
                        ob * BLOCK, res, resDelta, out, yOff, oh, ow, lanes, lo, hi, tmp, lead);
                if (epiloguePass) {
                    int y0 = Math.min(oh, st * stripRows * m);
                    int y1 = Math.min(oh, y0 + tiles / tilesW * m);
                    NchwcLayout.applyEpilogue(epilogue, out, yOff, y0 * ow, y1 * ow, lanes);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "NchwcStridedWinogradConv[m " + m + ", " + g + ", " + strips + " strips of " + stripRows
                + " tile rows]";
    }
}
