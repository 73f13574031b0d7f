package dev.vinfer.conv;

import static dev.vinfer.conv.NchwcLayout.BLOCK;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Winograd convolution {@code F(m x m, 3 x 3)} on channel-blocked tensors ({@link NchwcLayout}): a 2-D, one-group
 * 3x3 convolution with stride 1 and dilation 1 and any padding, input {@code [N][ceil(C/16)][H][W][16]}, output and
 * optional residual {@code [N][ceil(M/16)][OH][OW][16]}, computing {@code e(conv(in) + res + bias)}.
 *
 * <p>The input is copied into a zero-bordered plane that every tile reads whole (tiles of {@code t = m + 2} pixels
 * square, {@code m} apart): where threads take whole strips, each strip copies the rows it reads just before it
 * transforms them. Then per image and strip of tile rows:
 * <ol>
 * <li>input transform ({@link Backend#nchwcWinogradInput}): {@code B^T d B} of every tile and input block, 16
 * channels a vector, into {@code V[pos][inBlock][tile][16]} for the {@code t x t} positions;</li>
 * <li>one product per position, {@code O_pos = U_pos V_pos}: the blocked 1x1 convolution's kernel
 * ({@link Backend#nchwcPointwise}) with the tiles as its pixels and {@code U_pos}, the weights transformed by
 * {@code G w G^T} once when prepared, as its weights;</li>
 * <li>output transform ({@link Backend#nchwcWinogradOutput}): {@code A^T o A} per tile and output block, plus the
 * residual and bias, clamped (Relu, Clip), stored into the blocked output.</li>
 * </ol>
 * The channels are the vector lanes throughout, so unlike the NCHW {@link WinogradConv} (tiles as lanes) nothing is
 * split into column phases and joined back, and a chain of blocked layers needs no reorder around it.
 *
 * <p>Strips hold about {@link #STRIP_FLOATS} floats of V and O (L2); a plane takes one strip when its V and O are
 * at most twice that (ResNet's 256@14x14 is 16 tiles: cut in two, each product would run on 8 tiles, one and a bit
 * register tiles of 7), or when the transformed weights U are at least half their size (each strip streams all of
 * U). With several threads the strips are made smaller where that cuts the plane into equal
 * strips, a multiple of the threads in number (56x56: 14 one-row strips at two threads), and the threads take whole
 * strips; otherwise every strip runs on all threads in three phases (input transform by input blocks, products by
 * positions, output transform by output blocks), with the calling thread's V and O shared, or, where the output
 * has at least threads x as many blocks as the input (SqueezeNet's expands, most of GoogLeNet's 3x3 branches), each
 * thread runs every strip for its own range of output blocks ({@link NchwcWinogradPlan}).
 *
 * <p>Speed (session 12, Zen 5, one thread, {@code NchwcProbe 300 wino,64,64,56x56,4,relu ...}, tensors rotated):
 * 0.47-0.53 ms at 64@56x56 (0.65-0.70 of the NCHW Winograd kernel's time, 390-420 direct-equivalent GFLOP/s) and
 * 0.36-0.41 ms at 128@28x28 (0.56-0.62); about the NCHW small-plane kernel's time on 16-tile planes, whose products
 * run as two 8-pixel register tiles ({@link #autoTileOutputs}).
 */
public final class NchwcWinogradConv implements NchwcConvKernel {
    /**
     * V and O floats a strip aims at (512 KiB, half of a Zen 4/5 L2). 64, 128, 256 and 512 Ki floats ran within
     * noise of each other on 64@56x56 and 128@28x28 (NchwcProbe, session 12). {@code
     * -Dvinfer.nchwcWinogradStripFloats} (read when a layer is prepared).
     */
    static final int STRIP_FLOATS = 128 * 1024;

    private final ConvGeometry g;
    private final Backend backend;
    private final int m;
    private final int t;
    private final WinogradTransform tr;
    private final int inBlocks;
    private final int outBlocks;
    /** Output blocks packed side by side ({@link Backend#nchwcPointwiseGroup}). */
    private final int group;
    /** Per position, {@code U_pos} packed as {@link NchwcPointwiseConv#pack} does, from {@link #lead}. */
    private final float[][] u;
    /**
     * Where each {@code U_pos} starts in its array, and the padded planes, V and O in theirs: on a cache line
     * ({@link ArrayAlignment}).
     */
    private final int lead;
    /** {@code [outBlock][lane]}, zeros past M and without a bias. */
    private final float[] bias;
    /** Zeros: the products' bias. */
    private final float[] zeros;
    private final Epilogue epilogue;
    private final float lo;
    private final float hi;
    private final boolean epiloguePass;
    /** Tiles along H and W. */
    private final int tilesH;
    private final int tilesW;
    /** The zero-bordered plane: {@code tilesH * m + 2} rows of {@code tilesW * m + 2} pixels. */
    private final int rows;
    private final int cols;
    /** Tile rows per strip on one thread. */
    private final int stripRows;
    /** Whether the transformed weights are large against the plane's V and O (one strip, see the constructor). */
    private final boolean weighty;
    /**
     * Whether threads may take output-block ranges ({@link NchwcWinogradPlan#byOutputs});
     * {@code -Dvinfer.nchwcWinograd.byOutputs=false} keeps the shared phases (read when a layer is prepared).
     */
    private final boolean byOutputs;

    private static final ThreadLocal<float[][]> PADDED = ThreadLocal.withInitial(() -> new float[1][0]);
    /** Per thread: V and O. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][0]);
    /**
     * Per thread: the transforms' scratch ({@code t x t} vectors, t at most 8), used from the layer's
     * {@link #lead} (at most 15).
     */
    private static final ThreadLocal<float[]> TMP = ThreadLocal.withInitial(() -> new float[16 + 64 * BLOCK]);

    private NchwcWinogradConv(ConvGeometry g, int m, float[] w, int wOff, float[] b, Epilogue e, Backend backend) {
        this.g = g;
        this.backend = backend;
        this.m = m;
        this.t = m + 2;
        this.tr = WinogradTransform.of(m);
        int c = g.inChannels();
        int mo = g.outChannels();
        this.inBlocks = NchwcLayout.blocks(c);
        this.outBlocks = NchwcLayout.blocks(mo);
        this.tilesH = Math.ceilDiv(g.outputDim(0), m);
        this.tilesW = Math.ceilDiv(g.outputDim(1), m);
        this.rows = tilesH * m + 2;
        this.cols = tilesW * m + 2;
        long perRow = (long) t * t * (inBlocks + outBlocks) * BLOCK * tilesW;
        int stripFloats = Integer.getInteger("vinfer.nchwcWinogradStripFloats", STRIP_FLOATS);
        int sr = (int) Math.max(1, Math.min(tilesH, stripFloats / perRow));
        long transformedWeights = (long) t * t * c * mo;
        boolean weighty = 2 * transformedWeights >= perRow * tilesH
                && !"false".equals(System.getProperty("vinfer.nchwcWinogradOneStripForWeights"));
        this.weighty = weighty;
        this.byOutputs = !"false".equals(System.getProperty("vinfer.nchwcWinograd.byOutputs"));
        if (perRow * tilesH <= 2L * stripFloats || weighty) {
            // one strip: the plane's V and O are small, or the weights are large against them (every strip reads
            // all of U from memory: 128@28x28's 2.4 MB four times in four strips ran 0.58 ms in ResNet-18 where the
            // layer alone, its U in cache, took 0.38)
            sr = tilesH;
        }
        int st = Math.ceilDiv(tilesH, sr);
        this.stripRows = Math.ceilDiv(tilesH, st);
        long padded = (long) g.batch() * inBlocks * rows * cols * BLOCK;
        long strip = (long) t * t * Math.max(inBlocks, outBlocks) * stripRows * tilesW * BLOCK;
        if (padded > Integer.MAX_VALUE - 64 || strip > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("NCHWc Winograd F(" + m + ",3) would need " + padded
                    + " floats of padded input and " + strip + " of transformed tiles per strip: " + g);
        }
        this.group = Math.max(1, backend.nchwcPointwiseGroup(c, mo, stripRows * tilesW));
        this.lead = ArrayAlignment.floatLead();
        this.u = NchwcWinogradWeights.transform(g, tr, group, w, wOff, lead);
        this.bias = new float[outBlocks * BLOCK];
        if (b != null) {
            System.arraycopy(b, 0, bias, 0, mo);
        }
        this.zeros = new float[outBlocks * BLOCK];
        this.epilogue = e;
        this.lo = e.clampLow();
        this.hi = e.clampHigh();
        this.epiloguePass = !e.isClamp();
    }

    /** Whether {@code g} is a convolution this kernel computes: 2-D, one group, 3x3, stride 1, dilation 1. */
    public static boolean supports(ConvGeometry g) {
        return g.rank() == 2 && g.group() == 1 && WinogradConv.supports(g);
    }

    /**
     * The tile outputs per axis at which this kernel should run {@code g}, or 0 where the NCHW kernels are faster: for
     * a 3x3, stride-1 one-group convolution of at least 16 input and 16 output channels ({@link #blockable}; as the
     * NCHW rule {@code AutoWinogradRule}: fewer leave the transforms nothing to save), F(4,3) where its tiles fill the
     * products' register tiles ({@link #fills}: at least {@link #MIN_TILES} tiles, or a multiple of 7 or 8 of them),
     * else F(2,3) where its tiles do, else 0.
     *
     * <p>Measured (NchwcProbe {@code wino,...}, session 12, Zen 5, one thread, against the NCHW kernel AUTO picks and
     * the blocked direct kernel): 64@56x56 0.58-0.70 and 128@28x28 0.56-0.62 of the NCHW Winograd kernel's time;
     * SqueezeNet's 16->64 @55x55 0.69 and 32->128 @27x27 0.55 of the blocked direct kernel's; on 16-tile planes, whose
     * products run as two register tiles of 8 ({@code NchwcPointwiseTile8}), 256@14x14 F(4,3) 0.99, 512@7x7 F(2,3) 1.00
     * and GoogLeNet's 96->208 @14x14 0.78 (as 7 + 7 + 2 pixels: 1.2-1.4, 1.3 and 0.94). {@code
     * -Dvinfer.nchwcWinograd.smallPlanes=false} keeps to planes of at least {@link #MIN_TILES} F(4,3) tiles.
     *
     * <p>Planes of at most 16 F(4,3) tiles (14x14, 13x13) take F(2,3) where its tiles fill ({@link #F2_BELOW}): with 16
     * pixels a product reads each transformed weight for 32 multiply-adds, and the 36 positions' weights (9.4 MB at 256
     * channels) come from memory once per inference, which holds the products to about half the rate they reach with
     * the weights in cache (96-105 against 200 GFLOP/s, a standalone product probe, session 14); F(2,3) has 16
     * positions of 49 tiles; but not planes of 16 F(2,3) tiles with weights past L2 ({@link
     * NchwcWeightBoundRule#weightBound}), except on the machines of {@link
     * NchwcWeightBoundRule#blockedWhenWeightBound}. Session 14, one thread, one JVM ({@code SwitchPairedComparison ...
     * vinfer.nchwcWinograd.f2Below 0 17}): ResNet-18 0.975, ResNet-50 0.975, DenseNet-121 0.969, GoogLeNet 1.017 and
     * 0.987, SqueezeNet 1.009 (13x13). Except at large channel counts ({@link #F4_FROM_CHANNEL_PRODUCT}).
     */
    public static int autoTileOutputs(ConvGeometry g) {
        if (!blockable(g)) {
            return 0;
        }
        boolean small = !"false".equals(System.getProperty("vinfer.nchwcWinograd.smallPlanes"));
        long t4 = tiles(g, 4);
        if (small && t4 < Integer.getInteger("vinfer.nchwcWinograd.f2Below", F2_BELOW) && fills(tiles(g, 2))
                && !(fills(t4) && (long) g.inChannels() * g.outChannels() >= Long.getLong(
                        "vinfer.nchwcWinograd.f4FromChannelProduct", F4_FROM_CHANNEL_PRODUCT))) {
            return NchwcWeightBoundRule.weightBound(g) && !NchwcWeightBoundRule.blockedWhenWeightBound() ? 0 : 2;
        }
        if (t4 >= MIN_TILES || small && fills(t4)) {
            return 4;
        }
        return small && fills(tiles(g, 2)) ? 2 : 0;
    }

    /** F(m,3) tiles of {@code g}'s output plane. */
    static long tiles(ConvGeometry g, int m) {
        return (long) Math.ceilDiv(g.outputDim(0), m) * Math.ceilDiv(g.outputDim(1), m);
    }

    /** Whether {@code tiles} products fill register tiles of 7 or 8 pixels (or are many enough not to matter). */
    private static boolean fills(long tiles) {
        return tiles >= MIN_TILES || tiles >= 7 && (tiles % 7 == 0 || tiles % 8 == 0);
    }

    /**
     * Whether a convolution of these kernel and channel counts is one to run blocked with Winograd where its plane
     * is large enough, whatever the plane: {@link #supports} and at least 16 channels on each side (the graph pass
     * does not know the planes; the shape at hand decides with {@link #autoTileOutputs}).
     */
    public static boolean blockable(ConvGeometry g) {
        return supports(g) && g.inChannels() >= 16 && g.outChannels() >= 16;
    }

    /**
     * F(4,3) tile counts below which a plane takes F(2,3) where its tiles fill (see {@link #autoTileOutputs});
     * {@code -Dvinfer.nchwcWinograd.f2Below=0} for comparisons (read when a layer is prepared).
     */
    static final int F2_BELOW = 17;

    /**
     * Input x output channels from which a plane of at most 16 F(4,3) tiles keeps F(4,3) after all (see
     * {@link #autoTileOutputs}): there the products dominate, and F(4,3) has 36 x 16 = 576 of them per channel pair
     * against F(2,3)'s 16 x 49 = 784. Measured (session 28, AMD Zen 5 of full 512-bit FMAs, one thread, one JVM,
     * {@code SwitchPairedComparison MODELS 1 150 vinfer.nchwcWinograd.f2Below 17 0}, F(4,3) everywhere / F(2,3)
     * on small planes): ResNet-18 0.958 (three 256->256 @14x14), ResNet-50 0.992, GoogLeNet 1.005 (96->208 to
     * 160->320), SqueezeNet 1.073 (48->192 and 64->256 @13x13) and DenseNet-121 1.046 (128->32): F(4,3) wins only
     * at the largest channel counts. {@code -Dvinfer.nchwcWinograd.f4FromChannelProduct=N} moves the threshold (read
     * at each prepare).
     */
    static final long F4_FROM_CHANNEL_PRODUCT = 256L * 256;

    /** Tiles from which a plane takes this kernel whatever their count (28x28 has 49 F(4,3) tiles). */
    static final int MIN_TILES = 36;

    /**
     * Packs {@code w} ({@code M x C x 3 x 3} from {@code wOff}) transformed for F(m x m, 3 x 3), {@code m} 2, 4 or
     * 6, and the optional bias ({@code M} values) for {@code g}.
     */
    public static NchwcWinogradConv prepare(ConvGeometry g, int m, float[] w, int wOff, float[] bias, Epilogue e) {
        return prepare(g, m, w, wOff, bias, e, Kernels.backend());
    }

    /** As {@link #prepare(ConvGeometry, int, float[], int, float[], Epilogue)} on the given backend. */
    public static NchwcWinogradConv prepare(ConvGeometry g, int m, float[] w, int wOff, float[] bias, Epilogue e,
            Backend backend) {
        if (!supports(g)) {
            throw new IllegalArgumentException("NCHWc Winograd needs a 2-D, one-group 3x3 conv of stride 1 and"
                    + " dilation 1: " + g);
        }
        if (m != 2 && m != 4 && m != 6) {
            throw new IllegalArgumentException("no Winograd F(" + m + ",3)");
        }
        NchwcChecks.weights(g, w, wOff, bias);
        return new NchwcWinogradConv(g, m, w, wOff, bias, e == null ? Epilogue.NONE : e, backend);
    }

    @Override
    public ConvGeometry geometry() {
        return g;
    }

    /** Outputs per tile along each axis (2, 4 or 6). */
    public int tileOutputs() {
        return m;
    }

    /** The algorithm this computes ({@link ConvAlgorithm#WINOGRAD_F2_3} and so on), for its error bound. */
    public ConvAlgorithm algorithm() {
        return WinogradConv.algorithmFor(m);
    }

    /** Whether {@code threads} threads take output-block ranges ({@link Phase#OUTPUT_BLOCKS}; tests check the plan). */
    boolean splitsOutputBlocks(int threads) {
        return planFor(threads).byOutputs();
    }

    /** Tile rows per strip (tests and probes check the cut). */
    int stripRows() {
        return stripRows;
    }

    /**
     * {@code out = e(conv(in) + bias + res)}, all blocked; {@code res} may be null. The output's lanes past M are
     * written as zeros.
     */
    @Override
    public void run(float[] in, int inOff, float[] out, int outOff, float[] res, int resOff, Parallel p) {
        NchwcChecks.run(in, inOff, inputLength(), out, outOff, outputLength(), res, resOff);
        int n = g.batch();
        float[] pad = padded(n);
        Call c = spare.getAndSet(null);
        if (c == null) {
            c = new Call();
        }
        c.in = in;
        c.inOff = inOff;
        c.pad = pad;
        c.out = out;
        c.outOff = outOff;
        c.res = res;
        c.resDelta = res == null ? 0 : resOff - outOff;
        try {
            if (c.plan == null || c.plan.threads() != p.threads()) {
                c.plan = planFor(p.threads());
            }
            int strips = c.plan.strips();
            int units = n * strips;
            if (c.plan.byOutputs()) {
                // each thread all strips for its output blocks (see Phase.OUTPUT_BLOCKS)
                c.phase = Phase.OUTPUT_BLOCKS;
                c.parts = NchwcWinogradPlan.outputParts(p.threads(), outBlocks, group);
                p.forEach(n * c.parts, c);
            } else if (!c.plan.cooperative()) {
                // each strip copies the padded rows it reads (see Phase.STRIP)
                c.phase = Phase.STRIP;
                p.forEach(units, c);
            } else {
                c.phase = Phase.PAD;
                p.forEach(n * inBlocks, c);
                float[][] mine = scratch(c.plan.rows());
                for (int unit = 0; unit < units; unit++) {
                    c.image = unit / strips;
                    c.strip = unit % strips;
                    c.v = mine[0];
                    c.o = mine[1];
                    c.phase = Phase.INPUT;
                    c.parts = Math.min(p.threads(), inBlocks);
                    p.forEach(c.parts, c);
                    c.phase = Phase.PRODUCTS;
                    c.parts = Math.min(p.threads(), t * t);
                    p.forEach(c.parts, c);
                    c.phase = Phase.OUTPUT;
                    c.parts = Math.min(p.threads(), outBlocks);
                    p.forEach(c.parts, c);
                }
            }
        } finally {
            c.in = null;
            c.pad = null;
            c.out = null;
            c.res = null;
            c.v = null;
            c.o = null;
            spare.set(c);
        }
    }

    /** How {@code threads} threads share this layer's strips ({@link NchwcWinogradPlan#of}). */
    private NchwcWinogradPlan planFor(int threads) {
        return NchwcWinogradPlan.of(threads, g.batch(), tilesH, tilesW, stripRows, weighty, inBlocks, outBlocks, group,
                byOutputs);
    }

    /**
     * This thread's zero-bordered planes for {@code n} images, grown as needed: from {@code lead} (on a cache line
     * when the JVM aligns arrays) as V and O, their blocks 16 floats apart.
     */
    private float[] padded(int n) {
        float[][] holder = PADDED.get();
        long need = lead + (long) n * inBlocks * rows * cols * BLOCK;
        if (holder[0].length < need) {
            holder[0] = new float[Math.toIntExact(need)];
        }
        return holder[0];
    }

    /** This thread's V and O, grown to strips of {@code rows} tile rows. */
    private float[][] scratch(int rows) {
        float[][] s = SCRATCH.get();
        int tiles = rows * tilesW;
        int vLen = lead + t * t * inBlocks * tiles * BLOCK;
        int oLen = lead + t * t * outBlocks * tiles * BLOCK;
        if (s[0].length < vLen) {
            s[0] = new float[vLen];
        }
        if (s[1].length < oLen) {
            s[1] = new float[oLen];
        }
        return s;
    }

    /**
     * What a task of {@link Call} does. {@code OUTPUT_BLOCKS}: one image's every strip for a range of output blocks,
     * into this thread's own padded plane, V and O: the copy and input transform run on every thread (a
     * C-proportional share of the work), the products and output transform on this thread's blocks, so no thread
     * reads what another wrote inside the layer; under the three shared phases a thread read half of V and half of
     * O from the other core's cache.
     */
    private enum Phase {
        PAD, STRIP, INPUT, PRODUCTS, OUTPUT, OUTPUT_BLOCKS
    }

    /** A spare {@link Call}: a steady run allocates no task object; a second concurrent run makes its own. */
    private final AtomicReference<Call> spare = new AtomicReference<>();

    /** One run's state; as a task, one unit of the current {@link Phase}. */
    private final class Call implements Parallel.Task {
        Phase phase;
        NchwcWinogradPlan plan;
        float[] in;
        int inOff;
        float[] pad;
        float[] out;
        int outOff;
        float[] res;
        int resDelta;
        // the strip whose phases run on all threads
        int image;
        int strip;
        int parts;
        float[] v;
        float[] o;

        @Override
        public void run(int task) {
            switch (phase) {
                case PAD -> NchwcLayout.padPlane(in, inOff + task * g.inputPlane() * BLOCK, g.inputDim(0),
                        g.inputDim(1), g.padBegin(0), g.padBegin(1), pad, lead + task * rows * cols * BLOCK, rows,
                        cols);
                case STRIP -> {
                    float[][] s = scratch(plan.rows());
                    int img = task / plan.strips();
                    int st = task % plan.strips();
                    padStrip(img, st, pad);
                    input(img, st, 0, inBlocks, s[0], TMP.get(), pad);
                    products(st, 0, t * t, s[0], s[1], 0, outBlocks);
                    output(img, st, 0, outBlocks, s[1], TMP.get());
                }
                case OUTPUT_BLOCKS -> {
                    int img = task / parts;
                    int part = task % parts;
                    int groups = Math.ceilDiv(outBlocks, group);
                    int b0 = groups * part / parts * group;
                    int b1 = Math.min(outBlocks, groups * (part + 1) / parts * group);
                    float[] own = padded(g.batch());
                    float[][] s = scratch(plan.rows());
                    for (int st = 0; st < plan.strips(); st++) {
                        padStrip(img, st, own);
                        input(img, st, 0, inBlocks, s[0], TMP.get(), own);
                        products(st, 0, t * t, s[0], s[1], b0, b1);
                        output(img, st, b0, b1, s[1], TMP.get());
                    }
                }
                case INPUT -> input(image, strip, inBlocks * task / parts, inBlocks * (task + 1) / parts, v,
                        TMP.get(), pad);
                case PRODUCTS -> products(strip, t * t * task / parts, t * t * (task + 1) / parts, v, o, 0,
                        outBlocks);
                default -> output(image, strip, outBlocks * task / parts, outBlocks * (task + 1) / parts, o,
                        TMP.get());
            }
        }

        /**
         * The padded rows strip {@code st} reads, every input block. Neighbouring strips both write the two rows
         * they share, with the same values, each before reading them. Copied by the thread that transforms them:
         * with the plane copied by blocks first, each of two threads read half its strips' rows from the other's
         * cache, and, as the strips of the layer before wrote its rows, half its blocks' too.
         */
        private void padStrip(int img, int st, float[] pad) {
            int r0 = st * plan.rows() * m;
            int r1 = Math.min(tilesH, (st + 1) * plan.rows()) * m + 2;
            for (int cb = 0; cb < inBlocks; cb++) {
                int plane = img * inBlocks + cb;
                NchwcLayout.padRows(in, inOff + plane * g.inputPlane() * BLOCK, g.inputDim(0), g.inputDim(1),
                        g.padBegin(0), g.padBegin(1), pad, lead + plane * rows * cols * BLOCK, r0, r1,
                        cols);
            }
        }

        /** Input blocks {@code [b0, b1)} of a strip's tiles into V. */
        private void input(int img, int st, int b0, int b1, float[] v, float[] tmp, float[] pad) {
            int tile0 = st * plan.rows() * tilesW;
            int tiles = tilesIn(st);
            int posStride = inBlocks * tiles * BLOCK;
            for (int cb = b0; cb < b1; cb++) {
                int xOff = lead + ((img * inBlocks + cb) * rows) * cols * BLOCK;
                backend.nchwcWinogradInput(t, m, tr.bt, pad, xOff, cols, tilesW, tile0, tiles, v,
                        lead + cb * tiles * BLOCK, posStride, tmp, lead);
            }
        }

        /**
         * Positions {@code [p0, p1)}, output blocks {@code [b0, b1)}: {@code O_pos = U_pos V_pos} over the strip's
         * tiles.
         */
        private void products(int st, int p0, int p1, float[] v, float[] o, int b0, int b1) {
            int tiles = tilesIn(st);
            int vStride = inBlocks * tiles * BLOCK;
            int oStride = outBlocks * tiles * BLOCK;
            for (int pos = p0; pos < p1; pos++) {
                backend.nchwcPointwise(g.inChannels(), tiles, g.outChannels(), group, u[pos], lead, zeros, v,
                        lead + pos * vStride, null, 0, o, lead + pos * oStride, 0, tiles, b0, b1,
                        Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
            }
        }

        /** Output blocks {@code [b0, b1)} of a strip's tiles from O into the output. */
        private void output(int img, int st, int b0, int b1, float[] o, float[] tmp) {
            int oh = g.outputDim(0);
            int ow = g.outputDim(1);
            int mo = g.outChannels();
            int tile0 = st * plan.rows() * tilesW;
            int tiles = tilesIn(st);
            int posStride = outBlocks * tiles * BLOCK;
            for (int ob = b0; ob < b1; ob++) {
                int yOff = outOff + (img * outBlocks + ob) * oh * ow * BLOCK;
                int lanes = Math.min(BLOCK, mo - ob * BLOCK);
                backend.nchwcWinogradOutput(t, m, tr.at, o, lead + ob * tiles * BLOCK, posStride, tilesW, tile0,
                        tiles, bias, ob * BLOCK, res, resDelta, out, yOff, oh, ow, lanes, lo, hi, tmp, lead);
                if (epiloguePass) {
                    int r0 = Math.min(oh, st * plan.rows() * m);
                    int r1 = Math.min(oh, (st + 1) * plan.rows() * m);
                    NchwcLayout.applyEpilogue(epilogue, out, yOff, r0 * ow, r1 * ow, lanes);
                }
            }
        }

        /** Tiles of strip {@code st}. */
        private int tilesIn(int st) {
            return (Math.min(tilesH, (st + 1) * plan.rows()) - st * plan.rows()) * tilesW;
        }
    }

    @Override
    public String toString() {
        return "NchwcWinogradConv[F(" + m + ",3), " + g + ", strips of " + stripRows + " tile rows]";
    }
}
