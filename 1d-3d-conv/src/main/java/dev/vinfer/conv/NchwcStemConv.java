package dev.vinfer.conv;

import static dev.vinfer.conv.NchwcLayout.BLOCK;

import java.util.concurrent.atomic.AtomicReference;

/**
 * A network's first convolution read from its <b>plain NCHW</b> input and written <b>channel-blocked</b>
 * ({@link NchwcLayout}, {@code [N][ceil(M/16)][spatial...][16]}): the stems (ResNet's 7x7/2 3 -> 64, SqueezeNet's
 * 3x3/2 3 -> 64, MobileNetV2's 3x3/2 3 -> 32) at the head of a run of blocked layers, so that neither the stem's
 * output nor the pool after it is reordered. One group, any rank, kernel, stride, dilation and padding; meant for
 * few input channels (the reduction, channels x taps, is one loop of the tile).
 *
 * <p>As {@link StemDirectConv} (the NCHW stem kernel), the input is first copied into a {@link PhaseSplitInput}
 * (zero-padded, split into stride phases), where every tap of an output pixel is a constant offset and the pixels
 * of an output row read consecutive floats for every tap. The tiles ({@link Backend#nchwcStemRow}) then hold the
 * output channels in the vector lanes: per reduction step, weight vectors for 32 channels against 7 broadcast
 * input values. Weights are packed once by pairs of output blocks, {@code [pair][channels x taps][32]} (the 1x1's
 * packing), zero past M, so a tile's weight rows are a constant 32 floats apart.
 *
 * <p>Threads split the output rows; each copies the input rows its own rows read. Relu and Clip are applied in the
 * tile; a residual or another activation by a pass over each task's rows after it. Lanes past M are written as zeros.
 */
public final class NchwcStemConv implements NchwcConvKernel {
    /** Output pixels per thread task at least (a few microseconds of the kernel). */
    private static final int MIN_TASK_PIXELS = 512;

    /** This kernel to {@link PhaseSplitInput#threadBuffer} (the per-thread layout buffer it shares). */
    private final long id = PhaseSplitInput.newOwner();
    private final ConvGeometry g;
    private final Backend backend;
    private final PhaseSplitInput layout;
    private final PanelGemm.PixelGrid grid;
    private final int[] tapOff;
    private final int depth;
    private final int outBlocks;
    private final float[] packed;
    /** Where the packed weights start in {@link #packed}: on a cache line ({@link ArrayAlignment}). */
    private final int lead;
    private final float[] bias;
    private final Epilogue epilogue;
    /** Output rows of one image (depth x height for 3-D) and their width. */
    private final int rows;
    private final int outW;

    private NchwcStemConv(ConvGeometry g, float[] w, int wOff, float[] b, Epilogue e, Backend backend) {
        this.g = g;
        this.backend = backend;
        Shape3 s = Shape3.of(g);
        this.layout = new PhaseSplitInput(s, g.inChannels());
        this.grid = layout.grid();
        this.tapOff = layout.tapOffsets(g.inChannels());
        this.depth = g.reductionLength();
        int m = g.outChannels();
        this.outBlocks = NchwcLayout.blocks(m);
        this.lead = ArrayAlignment.floatLead();
        this.packed = NchwcPointwiseConv.pack(depth, m, 2, w, wOff, lead);
        this.bias = new float[outBlocks * BLOCK];
        if (b != null) {
            System.arraycopy(b, 0, bias, 0, m);
        }
        this.epilogue = e;
        this.rows = s.outD * s.outH;
        this.outW = s.outW;
    }

    /** Whether {@code g} is a convolution this kernel computes: one group, an input layout that fits an array. */
    public static boolean supports(ConvGeometry g) {
        return g.group() == 1 && PhaseSplitInput.fits(g);
    }

    /**
     * Whether {@code g} is a stem the blocked runs should start with: a layer AUTO runs with the NCHW stem kernel
     * ({@link AutoStemDirectRule}: a 2-D kernel of 3x3 to 7x7 with stride 2, at most 4 input channels; off with
     * {@code -Dvinfer.stemDirect=false}), writing at least 16 channels.
     */
    public static boolean standsIn(ConvGeometry g) {
        return g.outChannels() >= NchwcLayout.BLOCK && AutoStemDirectRule.stemDirect(g);
    }

    /** Packs {@code w} ({@code M x C x kernel...} from {@code wOff}) and the optional bias for {@code g}. */
    public static NchwcStemConv prepare(ConvGeometry g, float[] w, int wOff, float[] bias, Epilogue e) {
        return prepare(g, w, wOff, bias, e, Kernels.backend());
    }

    /** As {@link #prepare(ConvGeometry, float[], int, float[], Epilogue)} on the given backend. */
    public static NchwcStemConv prepare(ConvGeometry g, float[] w, int wOff, float[] bias, Epilogue e,
            Backend backend) {
        if (!supports(g)) {
            throw new IllegalArgumentException("NCHWc stem needs a one-group conv whose input layout fits: " + g);
        }
        NchwcChecks.weights(g, w, wOff, bias);
        return new NchwcStemConv(g, w, wOff, bias, e == null ? Epilogue.NONE : e, backend);
    }

    @Override
    public ConvGeometry geometry() {
        return g;
    }

    /** Floats of the plain NCHW input, {@code N x C x spatial} (the stem reads the network's input as it is). */
    @Override
    public long inputLength() {
        return g.inputLength();
    }

    /**
     * {@code out = e(conv(in) + bias + res)}: {@code in} plain NCHW, {@code out} and the optional {@code res}
     * blocked. The output's lanes past M are written as zeros.
     */
    @Override
    public void run(float[] in, int inOff, float[] out, int outOff, float[] res, int resOff, Parallel p) {
        NchwcChecks.run(in, inOff, inputLength(), out, outOff, outputLength(), res, resOff);
        float[] src = inputBuffer();
        Rows call = spare.getAndSet(null);
        if (call == null) {
            call = new Rows();
        }
        call.src = src;
        call.out = out;
        call.res = res;
        call.resDelta = resOff - outOff;
        int parts = (int) Math.max(1, Math.min(p.threads(), Math.min(rows, (long) rows * outW / MIN_TASK_PIXELS)));
        call.parts = parts;
        try {
            int c = g.inChannels();
            int image = outBlocks * g.outputPlane() * BLOCK;
            for (int n = 0; n < g.batch(); n++) {
                call.in = in;
                call.inOff = inOff + n * c * g.inputPlane();
                call.yBase = outOff + n * image;
                p.forEach(parts, call);
            }
        } finally {
            call.src = null;
            call.in = null;
            call.out = null;
            call.res = null;
            spare.set(call);
        }
    }

    /** A spare {@link Rows}: a steady run allocates no task object; a second concurrent run makes its own. */
    private final AtomicReference<Rows> spare = new AtomicReference<>();

    /**
     * Task t: output rows {@code [rows * t / parts, rows * (t + 1) / parts)} of the current image, after copying the
     * input rows they read into the layout (rows both tasks read are copied by both, with the same values). Why not
     * one parallel copy first: split by input rows, half of what a task then read had been written by the other
     * core, which costs on this VM when its two vCPUs share no L3; per task, ResNet-18 at two threads ran 0.964 of
     * the time, MobileNetV2 0.97-0.98, SqueezeNet 0.99, ResNet-50 1.00 (session 17, one JVM, alternated).
     */
    private final class Rows implements Parallel.Task {
        float[] in;
        int inOff;
        float[] src;
        float[] out;
        float[] res;
        int resDelta;
        int yBase;
        int parts;

        @Override
        public void run(int t) {
            int r0 = (int) ((long) rows * t / parts);
            int r1 = (int) ((long) rows * (t + 1) / parts);
            fillRows(in, inOff, src, r0, r1);
            computeRows(src, out, yBase + r0 * outW * BLOCK, g.outputPlane(), r0, r1, res, resDelta);
        }
    }

    /** This thread's buffer for the input layout (shared with the other stems on the thread, sized for this one). */
    float[] inputBuffer() {
        return layout.threadBuffer(id, g.inChannels());
    }

    /** Copies what output rows {@code [r0, r1)} read of the plain image at {@code in[inOff]} into {@code src}. */
    void fillRows(float[] in, int inOff, float[] src, int r0, int r1) {
        long span = layout.inputRows(r0, r1);
        layout.fillRows(in, inOff, g.inChannels(), src, backend, (int) (span >>> 32), (int) span);
    }

    /**
     * Output rows {@code [r0, r1)} of one image from the input layout {@code src} (filled for them): row r at
     * {@code y[yOff + (r - r0) * W * 16]}, its blocks {@code planePixels * 16} floats apart; the residual (or null)
     * {@code resDelta} past the output index. Relu and Clip without a residual are applied in the tile, anything
     * else by a pass over the rows after it; lanes past M are written as zeros.
     */
    void computeRows(float[] src, float[] y, int yOff, int planePixels, int r0, int r1, float[] res, int resDelta) {
        boolean inKernel = res == null && epilogue.isClamp();
        float lo = inKernel ? epilogue.clampLow() : Float.NEGATIVE_INFINITY;
        float hi = inKernel ? epilogue.clampHigh() : Float.POSITIVE_INFINITY;
        boolean post = !inKernel && !(res == null && epilogue.isIdentity());
        for (int r = r0; r < r1; r++) {
            backend.nchwcStemRow(depth, outBlocks, packed, lead, bias, src, grid.source(r * outW), tapOff, outW, y,
                    yOff + (r - r0) * outW * BLOCK, planePixels, 0, outBlocks, lo, hi);
        }
        int m = g.outChannels();
        int count = (r1 - r0) * outW;
        for (int ob = 0; ob < outBlocks; ob++) {
            int lanes = Math.min(BLOCK, m - ob * BLOCK);
            if (!post && lanes == BLOCK) {
                continue;
            }
            int base = yOff + ob * planePixels * BLOCK;
            for (int px = 0; px < count; px++) {
                int o = base + px * BLOCK;
                if (post) {
                    for (int l = 0; l < lanes; l++) {
                        float v = y[o + l] + (res == null ? 0f : res[o + l + resDelta]);
                        y[o + l] = epilogue.apply(v);
                    }
                }
                for (int l = lanes; l < BLOCK; l++) {
                    y[o + l] = 0f;
                }
            }
        }
    }

    @Override
    public String toString() {
        return "NchwcStemConv[" + g + "]";
    }
}
