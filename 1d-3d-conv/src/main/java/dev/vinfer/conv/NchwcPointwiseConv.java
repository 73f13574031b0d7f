package dev.vinfer.conv;

import static dev.vinfer.conv.NchwcLayout.BLOCK;

/**
 * A 1x1, unpadded, ungrouped convolution on channel-blocked tensors ({@link NchwcLayout}): input
 * {@code [N][ceil(C/16)][P][16]}, output and optional residual {@code [N][ceil(M/16)][P][16]}, computing
 * {@code e(W x + res + bias)} per position. Weights are packed once as {@code [M/16/G][C][G * 16]} (lanes past M
 * zero; G output blocks side by side, the backend's register tile width), so one output block's 16 channels are one
 * weight vector per input channel.
 *
 * <p>The work runs in {@link Backend#nchwcPointwise}: value by value on the scalar backend (the reference the
 * vector path is tested against), in register tiles of pixels x output blocks on the vector one. Relu and Clip are
 * applied in the kernel; other activations by a pass over each task's output after it.
 *
 * <p>A 2-D stride above 1 (ResNet's projection shortcuts, 1x1/2) first copies the positions the outputs read into a
 * per-thread scratch plane, 16 floats at a time, and runs the stride-1 product on it: the copy moves a quarter of the
 * input once, against the K x M multiply-adds per position of the product.
 */
public final class NchwcPointwiseConv implements NchwcConvKernel {
    /** Pixels per register tile of the vector kernel; thread tasks start at multiples of it. */
    private static final int PIXEL_TILE = 7;
    /**
     * Input floats of one pixel strip: the kernel runs all output groups over a strip before the next, so the
     * weights stream from memory once per strip and the strip's input ({@code C x strip} floats) is re-read from L2
     * once per group. At 24 KiB (L1, the first choice) a 7x7 layer took 7 strips and ResNet-50's 512 -> 2048 read its
     * 4 MiB of weights 7 times; at 256 KiB whole models ran 0.95 of that time (ResNet-50, MobileNetV2; SqueezeNet
     * 0.96; ResNet-50 at two threads 0.91), and 64 KiB to 4 MiB tie ({@code SwitchPairedComparison ...
     * vinfer.nchwcStripFloats}, which this property serves; bench/README.md, session 11). Session 13: 1 MiB (256 Ki
     * floats, a Zen 5 L2) against 256 KiB, one JVM: SqueezeNet 0.939 (its 512 -> 1000 @13x13 in one strip, not two
     * that each stream its 2 MB of weights), MobileNetV2 0.979, ResNet-50 0.991; 512 KiB ties with 1 MiB.
     */
    private static final int STRIP_FLOATS = 256 * 1024;
    /** Multiply-adds below which a thread task is not worth its hand-off (a few microseconds). */
    private static final long MIN_TASK_MACS = 150_000;

    private final ConvGeometry g;
    private final Backend backend;
    private final int inBlocks;
    private final int outBlocks;
    private final int pixels;
    /** Output blocks packed side by side ({@link Backend#nchwcPointwiseGroup}). */
    private final int group;
    /**
     * {@code [outBlock / group][c][group * 16]} (the last group narrower) from {@link #lead}, lanes past M zero.
     */
    private final float[] packed;
    /** Where the packed weights start in {@link #packed} and in each of {@link #chunks}: on a cache line. */
    private final int lead;
    /**
     * With many input channels, the weights again per chunk of input channels ({@link #chunkStart}), each packed as
     * {@link #packed} for its own channel count; null when the layer runs in one pass over C.
     */
    private final float[][] chunks;
    /** First input channel of each chunk, and C at the end. */
    private final int[] chunkStart;
    /** Zeros: the bias of every chunk but the first (null without chunks). */
    private final float[] zeros;
    /** {@code [outBlock][lane]}, zeros past M and without a bias. */
    private final float[] bias;
    private final Epilogue epilogue;
    /** The clamp the kernel applies in registers: Relu and Clip; otherwise none, and {@link #epilogue} after. */
    private final float lo;
    private final float hi;
    private final boolean epiloguePass;
    /** Stride above 1 on some axis (2-D only): the input is subsampled into {@link #SUBSAMPLED} first. */
    private final boolean strided;
    /** Pixels per strip (a multiple of {@link #PIXEL_TILE}), see {@link #STRIP_FLOATS}. */
    private final int stripPixels;
    /** Whether the tiles touch the next group's weights ({@link #touchesNextWeights}). */
    private final boolean touchNext;

    /**
     * Whether the 1x1 layers' tiles on {@code backend} touch the next output group's weights while they compute
     * ({@code TouchAhead}, session 22): yes, except on AMD with 16-lane vectors (AVX-512). The Winograd kernels'
     * products, which run on the same tiles, keep their touches everywhere.
     *
     * <p>Measured on an AMD Zen 5 (family 26, session 36, one thread, two builds in one JVM, runs alternated, both
     * orders, {@code BuildPairedComparison MODELS 1 N touching.jar plain.jar}, plain / touching time):
     * MobileNetV2 0.973 and 0.964 (1000 pairs twice; its inverted bottlenecks and head are 1x1 layers on 7x7-28x28
     * planes), ResNet-50 0.987 and 0.983 (300 pairs twice), SqueezeNet 0.999 and 1.008. Alone, with the weights
     * from memory ({@code NchwcProbe -Dprobe.weightCopies=16}, medians, ms, touching / plain): 512->2048 @7x7 0.73 /
     * 0.61, 320->1280 @7x7 0.39 / 0.29, 960->160 @7x7 0.14 / 0.11, 512->1000 @13x13 1.19 / 0.95, but 256->1024 and
     * 1024->256 @14x14 0.55 / 0.65-0.69. On the Intel Xeon of session 22 the same touches took the 7x7 1x1 layers
     * from 0.94-0.96 to 0.88-0.90 ms and the networks 1-3% faster, so other machines keep them. Taking the touches
     * out of the Winograd products as well cost SqueezeNet 4% here (1.042). {@code
     * -Dvinfer.nchwcPointwise.touchNext=true} or {@code false} forces either (read when a layer is prepared).
     */
    static boolean touchesNextWeights(Backend backend) {
        String forced = System.getProperty("vinfer.nchwcPointwise.touchNext");
        if (forced != null && !forced.isBlank()) {
            return Boolean.parseBoolean(forced.trim());
        }
        return !(CpuVendor.amd() && "vector-512".equals(backend.name()));
    }

    private static final ThreadLocal<float[][]> SUBSAMPLED = ThreadLocal.withInitial(() -> new float[1][0]);

    private NchwcPointwiseConv(ConvGeometry g, float[] w, int wOff, float[] b, Epilogue e, Backend backend) {
        this.g = g;
        this.backend = backend;
        this.inBlocks = NchwcLayout.blocks(g.inChannels());
        this.outBlocks = NchwcLayout.blocks(g.outChannels());
        this.pixels = g.outputPlane();
        this.group = Math.max(1, backend.nchwcPointwiseGroup(g.inChannels(), g.outChannels(), g.outputPlane()));
        int c = g.inChannels();
        int m = g.outChannels();
        int kc = chunkChannels(c, g.outputPlane());
        this.lead = ArrayAlignment.floatLead();
        if (kc < c) {
            int n = Math.ceilDiv(c, kc);
            this.chunks = new float[n][];
            this.chunkStart = new int[n + 1];
            for (int i = 0; i < n; i++) {
                int k0 = i * kc;
                int k1 = Math.min(c, k0 + kc);
                chunkStart[i] = k0;
                float[] sub = new float[Math.multiplyExact(m, k1 - k0)];
                for (int o = 0; o < m; o++) {
                    System.arraycopy(w, wOff + o * c + k0, sub, o * (k1 - k0), k1 - k0);
                }
                chunks[i] = pack(k1 - k0, m, group, sub, 0, lead);
            }
            chunkStart[n] = c;
            this.packed = null;
        } else {
            this.chunks = null;
            this.chunkStart = null;
            this.packed = pack(c, m, group, w, wOff, lead);
        }
        this.zeros = chunks == null ? null : new float[outBlocks * BLOCK];
        this.bias = new float[outBlocks * BLOCK];
        if (b != null) {
            System.arraycopy(b, 0, bias, 0, m);
        }
        this.epilogue = e;
        this.lo = e.clampLow();
        this.hi = e.clampHigh();
        this.epiloguePass = !e.isClamp();
        this.strided = !g.isPointwise();
        int stripFloats = Integer.getInteger("vinfer.nchwcStripFloats", STRIP_FLOATS);
        this.stripPixels = Math.max(PIXEL_TILE, stripFloats / c / PIXEL_TILE * PIXEL_TILE);
        this.touchNext = touchesNextWeights(backend);
    }

    /**
     * Input channels per chunk: all of C while a group's weights ({@code C x 32} floats at 16 lanes) stay within
     * {@link #CHUNK_FLOATS} (they are read once per register tile of pixels, so they should stay in L1) or the plane
     * has fewer than {@link #CHUNK_MIN_PIXELS} positions, else C cut into equal chunks of whole 16-channel blocks
     * within it. Each chunk after the first reads and writes the output again; that pays where many tiles reuse the
     * chunk's weights: alone, with the NCHW 1x1 kernel's time as the yardstick, ResNet-50's 1024 -> 256 @14x14 went
     * from 1.09-1.11 to 0.92-0.93 of it, 512 -> 128 @28x28 from 1.31-1.34 to 1.06-1.09, 2048 -> 512 @7x7 from
     * 1.04-1.08 to 1.04, SqueezeNet's 512 -> 1000 @13x13 not at all (0.93); in the networks (one JVM, alternated)
     * ResNet-50 0.972 and 0.991 at one thread, 0.986 and 0.995 at two, MobileNetV2 0.993 and 0.990, SqueezeNet
     * 0.994 and 1.017 without the pixel floor; the floor itself moves nothing measurable (SqueezeNet 1.003 / 0.998,
     * ResNet-50 1.001 / 0.999). Session 21 (an Intel Xeon, 48 KiB L1 as well) moved the floor from 196 to 169
     * pixels, taking in SqueezeNet's 13x13 layers (the 512 -> 1000 classifier, the 384- and 512-channel squeezes):
     * SqueezeNet 0.977 and 0.986 of its time ({@code SwitchPairedComparison squeezenet11 1 1500
     * vinfer.nchwcPointwise.chunkMinPixels 196 169}, then 169 196; runs of 400 pairs read anything from 0.968 to
     * 1.000; 0.994 and 1.017 on Zen 5 in session 16).
     * {@code -Dvinfer.nchwcPointwise.chunkFloats=0}: never;
     * {@code -Dvinfer.nchwcPointwise.chunkMinPixels}: the floor (both read when a layer is prepared).
     */
    static int chunkChannels(int c, int pixels) {
        int limit = Integer.getInteger("vinfer.nchwcPointwise.chunkFloats", CHUNK_FLOATS);
        int perChannel = 2 * BLOCK;
        if (limit <= 0 || (long) c * perChannel <= limit
                || pixels < Integer.getInteger("vinfer.nchwcPointwise.chunkMinPixels", CHUNK_MIN_PIXELS)) {
            return c;
        }
        int maxChannels = Math.max(BLOCK, limit / perChannel / BLOCK * BLOCK);
        int n = Math.ceilDiv(c, maxChannels);
        return Math.ceilDiv(Math.ceilDiv(c, n), BLOCK) * BLOCK;
    }

    /** See {@link #chunkChannels}: 40 KiB of weights per group, under the 48 KiB L1 of this Zen 5 core. */
    private static final int CHUNK_FLOATS = 10 * 1024;
    /**
     * See {@link #chunkChannels}: 13x13. On Zen 5 14x14 was the smallest plane where a layer gained alone (13x13
     * did not, nor lose in the network); on the Intel core SqueezeNet's 13x13 layers gain.
     */
    static final int CHUNK_MIN_PIXELS = 169;

    /**
     * An {@code M x C} weight matrix ({@code w[wOff + o * C + k]}) packed for {@link Backend#nchwcPointwise} with
     * {@code group} output blocks side by side: {@code [M/16/group][C][group * 16]} from index {@code lead}, the last
     * group narrower, lanes past M zero.
     */
    static float[] pack(int c, int m, int group, float[] w, int wOff, int lead) {
        int outBlocks = NchwcLayout.blocks(m);
        float[] packed = new float[Math.addExact(lead, Math.multiplyExact(outBlocks * c, BLOCK))];
        // Row by row of the packed layout, so the writes are sequential and the reads walk the group's rows of w
        // together (one cache line each): output by output, each write went to a new line of a block larger than
        // L2 (session 21: with the other kernels' packings, opening ResNet-50 about 225 -> 200 ms).
        for (int g0 = 0; g0 < outBlocks; g0 += group) {
            int ld = Math.min(group, outBlocks - g0) * BLOCK;
            int o0 = g0 * BLOCK;
            int o1 = Math.min(m, o0 + ld);
            int row = lead + g0 * c * BLOCK;
            for (int k = 0; k < c; k++, row += ld) {
                for (int o = o0; o < o1; o++) {
                    packed[row + o - o0] = w[wOff + o * c + k];
                }
            }
        }
        return packed;
    }

    /**
     * Whether {@code g} is a convolution this kernel computes: 1x1 on every axis, no padding, one group, and stride
     * 1 or (2-D only) any stride.
     */
    public static boolean supports(ConvGeometry g) {
        if (g.group() != 1) {
            return false;
        }
        if (g.isPointwise()) {
            return true;
        }
        if (g.rank() != 2) {
            return false;
        }
        for (int d = 0; d < 2; d++) {
            if (g.kernel(d) != 1 || g.padBegin(d) != 0 || g.padEnd(d) != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Packs {@code w} ({@code M x C}, i.e. {@code M x C x 1 x 1} from {@code wOff}) and the optional bias
     * ({@code M} values) for {@code g}.
     */
    public static NchwcPointwiseConv prepare(ConvGeometry g, float[] w, int wOff, float[] bias, Epilogue e) {
        return prepare(g, w, wOff, bias, e, Kernels.backend());
    }

    /** As {@link #prepare(ConvGeometry, float[], int, float[], Epilogue)} on the given backend. */
    public static NchwcPointwiseConv prepare(ConvGeometry g, float[] w, int wOff, float[] bias, Epilogue e,
            Backend backend) {
        if (!supports(g)) {
            throw new IllegalArgumentException("NCHWc pointwise needs a 1x1, unpadded, one-group conv (strided: 2-D): "
                    + g);
        }
        NchwcChecks.weights(g, w, wOff, bias);
        return new NchwcPointwiseConv(g, w, wOff, bias, e == null ? Epilogue.NONE : e, backend);
    }

    @Override
    public ConvGeometry geometry() {
        return g;
    }

    /**
     * {@code out = e(conv(in) + bias + res)}, all blocked; {@code res} may be null. The output's lanes past M are
     * written as zeros.
     */
    @Override
    public void run(float[] in, int inOff, float[] out, int outOff, float[] res, int resOff, Parallel p) {
        NchwcChecks.run(in, inOff, inputLength(), out, outOff, outputLength(), res, resOff);
        int c = g.inChannels();
        int m = g.outChannels();
        int n = g.batch();
        if (strided) {
            float[][] holder = SUBSAMPLED.get();
            long need = NchwcLayout.length(n, c, pixels);
            if (holder[0].length < need) {
                holder[0] = new float[Math.toIntExact(need)];
            }
            float[] sub = holder[0];
            subsample(in, inOff, sub, p);
            in = sub;
            inOff = 0;
        }
        int groups = Math.ceilDiv(outBlocks, group);
        int tiles = Math.ceilDiv(pixels, PIXEL_TILE);
        // Tasks: per image, pixel ranges (whole tiles), or output-group ranges when the plane is small (7x7,
        // 14x14: a few tiles per thread would leave most of the time in tails).
        int pxParts = 1;
        int groupParts = 1;
        if (p.threads() > 1) {
            long macs = (long) c * m * pixels;
            int want = (int) Math.min(Math.ceilDiv(p.threads(), n), Math.max(1, macs / MIN_TASK_MACS));
            if (want > 1) {
                if (tiles >= 8 * want || groups < want) {
                    pxParts = Math.min(want, tiles);
                } else {
                    groupParts = Math.min(want, groups);
                }
            }
        }
        Tiles call = spare.getAndSet(null);
        if (call == null) {
            call = new Tiles();
        }
        call.bind(in, inOff, out, outOff, res, resOff);
        call.fpx = pxParts;
        call.fgp = groupParts;
        try {
            p.forEach(n * pxParts * groupParts, call);
        } finally {
            call.release();
            spare.set(call);
        }
    }

    /**
     * The most positions a plane may have for {@link #runMean}: its per-thread scratch holds one output group's
     * planes ({@code group x 16 x positions} floats, 128 KiB at 32 channels), which should stay in L2 while the
     * group's tiles write it and its average reads it back.
     */
    static final int MEAN_MAX_PIXELS = 1024;

    /** Whether {@link #runMean} computes this layer: stride 1 and at most {@link #MEAN_MAX_PIXELS} positions. */
    public boolean meanRuns() {
        return !strided && pixels <= MEAN_MAX_PIXELS;
    }

    /**
     * GlobalAveragePool of {@code e(conv(in) + bias + res)}: per image and output channel the mean over the
     * positions, into {@code out[outOff + n * M + channel]} (NCHW {@code [N, M, 1, 1]}); input and residual blocked
     * as for {@link #run}. Each output group runs into a per-thread scratch plane that stays in cache and is
     * averaged there, so the layer's output is never written whole and read back (SqueezeNet's 512 -> 1000
     * classifier: 676 KB of Relu output that only its GlobalAveragePool read). Threads take whole output groups.
     *
     * @throws IllegalStateException where {@link #meanRuns} is false
     */
    public void runMean(float[] in, int inOff, float[] out, int outOff, float[] res, int resOff, Parallel p) {
        if (!meanRuns()) {
            throw new IllegalStateException("NCHWc pointwise mean: strided or more than " + MEAN_MAX_PIXELS
                    + " positions: " + g);
        }
        int n = g.batch();
        check("input", in, inOff, inputLength());
        check("output", out, outOff, (long) n * g.outChannels());
        if (res != null) {
            check("residual", res, resOff, outputLength());
        }
        int groups = Math.ceilDiv(outBlocks, group);
        int parts = 1;
        if (p.threads() > 1 && n < p.threads()) {
            long macs = (long) g.inChannels() * g.outChannels() * pixels;
            parts = (int) Math.min(Math.min(groups, Math.ceilDiv(p.threads(), n)), Math.max(1, macs / MIN_TASK_MACS));
        }
        Means call = spareMeans.getAndSet(null);
        if (call == null) {
            call = new Means();
        }
        call.bind(in, inOff, out, outOff, res, resOff);
        call.parts = parts;
        try {
            p.forEach(n * parts, call);
        } finally {
            call.release();
            spareMeans.set(call);
        }
    }

    private final java.util.concurrent.atomic.AtomicReference<Means> spareMeans =
            new java.util.concurrent.atomic.AtomicReference<>();

    /** Per thread: one output group's planes for {@link #runMean}, grown to the largest layer's. */
    private static final ThreadLocal<float[][]> MEAN_SCRATCH = ThreadLocal.withInitial(() -> new float[1][0]);

    /**
     * The arrays a task of {@link #run} or {@link #runMean} reads and writes, bound for one call and let go after it
     * (a spare task must not keep a session's arena reachable).
     */
    private abstract static class Operands implements Parallel.Task {
        float[] x;
        int xBase;
        float[] out;
        int outOff;
        float[] res;
        int resOff;

        final void bind(float[] x, int xBase, float[] out, int outOff, float[] res, int resOff) {
            this.x = x;
            this.xBase = xBase;
            this.out = out;
            this.outOff = outOff;
            this.res = res;
            this.resOff = resOff;
        }

        final void release() {
            x = null;
            out = null;
            res = null;
        }
    }

    /** One task of {@link #runMean}: a range of output groups of one image. */
    private final class Means extends Operands {
        int parts;

        @Override
        public void run(int t) {
            int groups = Math.ceilDiv(outBlocks, group);
            int img = t / parts;
            int part = t % parts;
            int g0 = (int) ((long) groups * part / parts);
            int g1 = (int) ((long) groups * (part + 1) / parts);
            int plane = pixels * BLOCK;
            float[][] holder = MEAN_SCRATCH.get();
            // from `lead`, as the weights: on a cache line when the JVM aligns arrays
            if (holder[0].length < lead + group * plane) {
                holder[0] = new float[lead + group * plane];
            }
            float[] scratch = holder[0];
            int m = g.outChannels();
            int xOff = xBase + img * inBlocks * plane;
            int image = img * outBlocks * plane;
            for (int gi = g0; gi < g1; gi++) {
                int b0 = gi * group;
                int b1 = Math.min(outBlocks, b0 + group);
                // block b0 at scratch[lead]: the output index b * plane + p * 16 minus b0 * plane; the residual's
                // index is the output's in the image plus resDelta
                int yOff = lead - b0 * plane;
                range(x, xOff, scratch, yOff, res, res == null ? 0 : resOff + image - yOff, 0, pixels, b0, b1);
                backend.nchwcAverage(Math.min(m - b0 * BLOCK, (b1 - b0) * BLOCK), pixels, scratch, lead, out,
                        outOff + img * m + b0 * BLOCK);
            }
        }
    }

    /**
     * A spare {@link Tiles}: a steady run allocates no task object (a capturing lambda per call escapes to the
     * worker threads); a second concurrent run of this kernel makes its own.
     */
    private final java.util.concurrent.atomic.AtomicReference<Tiles> spare =
            new java.util.concurrent.atomic.AtomicReference<>();

    /** One task of {@link #run}: a pixel range and output-group range of one image. */
    private final class Tiles extends Operands {
        int fpx;
        int fgp;

        @Override
        public void run(int t) {
            int groups = Math.ceilDiv(outBlocks, group);
            int tiles = Math.ceilDiv(pixels, PIXEL_TILE);
            int parts = fpx * fgp;
            int img = t / parts;
            int pp = t % parts / fgp;
            int gp = t % fgp;
            int px0 = Math.min(pixels, (int) ((long) tiles * pp / fpx) * PIXEL_TILE);
            int px1 = Math.min(pixels, (int) ((long) tiles * (pp + 1) / fpx) * PIXEL_TILE);
            int b0 = (int) ((long) groups * gp / fgp) * group;
            int b1 = Math.min(outBlocks, (int) ((long) groups * (gp + 1) / fgp) * group);
            if (px0 >= px1 || b0 >= b1) {
                return;
            }
            range(x, xBase + img * inBlocks * pixels * BLOCK, out, outOff + img * outBlocks * pixels * BLOCK, res,
                    res == null ? 0 : resOff - outOff, px0, px1, b0, b1);
        }
    }

    /**
     * Pixels {@code [px0, px1)} and output blocks {@code [b0, b1)} (b0 a multiple of the packed group) of one image
     * on the calling thread: input (unstrided, or the subsampled copy) at {@code x[xOff]}, output at
     * {@code out[yOff]}, the residual {@code resDelta} past the output index. Arguments checked by the caller.
     */
    void range(float[] x, int xOff, float[] out, int yOff, float[] res, int resDelta, int px0, int px1, int b0,
            int b1) {
        int c = g.inChannels();
        int m = g.outChannels();
        for (int s0 = px0; s0 < px1; s0 += stripPixels) {
            int s1 = Math.min(px1, s0 + stripPixels);
            if (chunks == null) {
                backend.nchwcPointwise(c, pixels, m, group, packed, lead, bias, x, xOff, res, resDelta, out, yOff, s0,
                        s1, b0, b1, lo, hi, touchNext);
                continue;
            }
            // chunk by chunk: the first adds bias and residual, later ones add the partial sums as their residual,
            // the last clamps
            for (int i = 0; i < chunks.length; i++) {
                int k0 = chunkStart[i];
                boolean first = i == 0;
                boolean last = i == chunks.length - 1;
                backend.nchwcPointwise(chunkStart[i + 1] - k0, pixels, m, group, chunks[i], lead,
                        first ? bias : zeros, x, xOff + k0 / BLOCK * pixels * BLOCK, first ? res : out,
                        first ? resDelta : 0, out, yOff, s0, s1, b0, b1, last ? lo : Float.NEGATIVE_INFINITY,
                        last ? hi : Float.POSITIVE_INFINITY, touchNext);
            }
        }
        if (epiloguePass) {
            for (int ob = b0; ob < b1; ob++) {
                NchwcLayout.applyEpilogue(epilogue, out, yOff + ob * pixels * BLOCK, px0, px1,
                        Math.min(BLOCK, m - ob * BLOCK));
            }
        }
    }

    /** Output blocks of this convolution. */
    int outBlocks() {
        return outBlocks;
    }

    /** Whether the input is read in place (stride 1), not subsampled first. */
    boolean unstrided() {
        return !strided;
    }

    /** The input positions a strided 1x1 reads, {@code [N][Cb][OH][OW][16]}, into {@code sub}. */
    private void subsample(float[] in, int inOff, float[] sub, Parallel p) {
        Subsample call = spareSubsample.getAndSet(null);
        if (call == null) {
            call = new Subsample();
        }
        call.in = in;
        call.inOff = inOff;
        call.sub = sub;
        // one image: a row range per thread, rows-major (as the pixel ranges of the product that reads it)
        int oh = g.outputDim(0);
        call.parts = g.batch() == 1 ? Math.min(oh, p.threads()) : 1;
        try {
            p.forEach(g.batch() * inBlocks * call.parts, call);
        } finally {
            call.in = null;
            call.sub = null;
            spareSubsample.set(call);
        }
    }

    private final java.util.concurrent.atomic.AtomicReference<Subsample> spareSubsample =
            new java.util.concurrent.atomic.AtomicReference<>();

    /** Rows of one (image, block) plane of {@link #subsample}: t = (image, row part, block). */
    private final class Subsample implements Parallel.Task {
        float[] in;
        int inOff;
        float[] sub;
        int parts;

        @Override
        public void run(int t) {
            int ih = g.inputDim(0);
            int iw = g.inputDim(1);
            int oh = g.outputDim(0);
            int ow = g.outputDim(1);
            int sh = g.stride(0);
            int sw = g.stride(1);
            int part = t / inBlocks % parts;
            int plane = t / (parts * inBlocks) * inBlocks + t % inBlocks;
            int y0 = (int) ((long) oh * part / parts);
            int y1 = (int) ((long) oh * (part + 1) / parts);
            int src = inOff + plane * ih * iw * BLOCK;
            int dst = (plane * oh + y0) * ow * BLOCK;
            for (int y = y0; y < y1; y++) {
                int row = src + y * sh * iw * BLOCK;
                for (int xx = 0; xx < ow; xx++, dst += BLOCK) {
                    // a plain loop (C2 vectorizes it): an arraycopy call per 16 floats costs more than the copy
                    int s0 = row + xx * sw * BLOCK;
                    for (int l = 0; l < BLOCK; l++) {
                        sub[dst + l] = in[s0 + l];
                    }
                }
            }
        }
    }

    static void check(String what, float[] a, int off, long len) {
        if (off < 0 || off + len > a.length) {
            throw new IllegalArgumentException("NCHWc " + what + ": " + len + " floats from " + off + " of "
                    + a.length);
        }
    }
}
