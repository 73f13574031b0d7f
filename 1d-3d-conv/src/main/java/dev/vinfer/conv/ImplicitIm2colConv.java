package dev.vinfer.conv;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link ConvAlgorithm#IMPLICIT_IM2COL}: im2col + GEMM without the im2col matrix. The input is copied once per run
 * into a {@link PhaseSplitInput} (zero-padded, split into stride phases), where every kernel tap is a constant offset
 * from the output pixel; the GEMM ({@link PanelGemm}) then copies its B panels ({@code K x 32} pixels) straight from
 * there, multiplies them by the prepacked weights over all of K at once and writes each output tile once, with the
 * bias (and a ReLU or Clip) applied in registers.
 *
 * <p>Meant for few input channels on large planes (the 7x7/2 ResNet stem 3->64, a 3x3x3 3->64 video stem, a 1-D
 * audio front end 1->128 with 80 taps): there K is small, the GEMM's work per pixel is modest, and the plain im2col
 * path's extra passes (writing the column matrix, packing it again, a separate bias pass) cost a third of the time.
 *
 * <p>Threads: the output pixels are cut, per image and group, into one share per thread, each cut into pieces that
 * shrink down to about {@link #MIN_RANGE} pixels ({@link GuidedRanges#perThread}: each thread writes its own
 * contiguous part of the plane, and a worker that starts late still gets its share), all starting at multiples of
 * 64 pixels. The input copy is split over input rows. Memory: one
 * layout per calling thread (about the padded input), kept and reused; its padding is zeroed when a different kernel
 * used it last, so that it always reads as zero.
 */
final class ImplicitIm2colConv extends PreparedConv {
    /**
     * Below this many multiply-adds an image, the layer runs on the calling thread: LeNet-5's 1 -> 6 5x5 layer (118
     * K) took 0.033 ms split over two threads against 0.007 on one (session 39, {@code AlgoPairedProbe}); the split
     * costs more than such a layer's whole work. The results do not depend on the split.
     */
    static final long SERIAL_MACS = 200_000;
    /** Pixels per GEMM call: an activation other than ReLU, or a residual, is applied per chunk, still in cache. */
    private static final int CHUNK = 1024;
    /** Pixel ranges start at multiples of this (whole vector panels on every backend). */
    private static final int ALIGN = 64;
    /**
     * The smallest pixel range a thread claims: the stem's 128 pixels are about 25 microseconds of GEMM, long
     * against a task claim (well under a microsecond), short enough that two threads end close together.
     */
    private static final int MIN_RANGE = 128;
    /**
     * Pixels per GEMM call with a fused row pool: M5's 128 rows of 256 floats are 128 KiB, which stay in L2 until
     * pooled (a multiple of 4, as {@link #ALIGN} is, so windows never straddle two calls). 128, 512 and 1024 ran
     * M5's front end within 1-3% of it (session 37, one thread, in the network).
     */
    private static final int POOLED_CHUNK = 256;
    /** Per thread: the rows of one chunk before the fused max pool. */
    private static final ThreadLocal<float[][]> ROWS = ThreadLocal.withInitial(() -> new float[1][0]);

    private static final AtomicLong IDS = new AtomicLong();
    private static final ThreadLocal<Layout> LAYOUT = ThreadLocal.withInitial(Layout::new);

    /** A calling thread's layout buffer and which kernel zeroed it last. */
    private static final class Layout {
        long owner = -1;
        float[] data = new float[0];
    }

    private final long id = IDS.incrementAndGet();
    private final ConvGeometry g;
    private final PhaseSplitInput layout;
    private final PanelGemm.PixelGrid grid;
    private final int[] tapOff;
    private final PanelGemm[] groups;
    private final Epilogue epilogue;
    /** Window (and stride) of the fused max pool along the row, 1 for none. */
    private final int rowPool;
    /** The pixel ranges last used, for {@code ranges[0]} threads (boundaries from {@code ranges[1]}). */
    private volatile int[] ranges = {0};

    ImplicitIm2colConv(ConvGeometry g, float[] w, int wOff, float[] bias, Epilogue e, Backend backend) {
        this(g, w, wOff, bias, e, backend, 1);
    }

    /**
     * With {@code rowPool} 2 or 4 (a 1-D layer), the output is max-pooled in windows of that many samples
     * ({@link RowMaxPool}): each chunk of {@link #POOLED_CHUNK} pixels goes to a per-thread buffer and is pooled
     * into the output from there, so the unpooled rows never leave the core's caches.
     */
    ImplicitIm2colConv(ConvGeometry g, float[] w, int wOff, float[] bias, Epilogue e, Backend backend, int rowPool) {
        super(ConvAlgorithm.IMPLICIT_IM2COL, backend, g.inputLength(), RowMaxPool.outputLength(g, rowPool));
        this.rowPool = rowPool;
        this.g = g;
        Shape3 s = Shape3.of(g);
        float[] b = checkedBias(w, wOff, g.weightLength(), bias, g.outChannels());
        this.layout = new PhaseSplitInput(s, g.inChannels());
        this.grid = layout.grid();
        this.tapOff = layout.tapOffsets(g.inChannelsPerGroup());
        int mg = g.outChannelsPerGroup();
        int k = g.reductionLength();
        this.groups = new PanelGemm[g.group()];
        for (int gi = 0; gi < g.group(); gi++) {
            float[] gb = b == null ? null : Arrays.copyOfRange(b, gi * mg, (gi + 1) * mg);
            groups[gi] = backend.panelGemm(mg, k, w, wOff + gi * mg * k, gb);
        }
        this.epilogue = e;
    }

    /** Whether this algorithm computes {@code g}: any forward convolution whose input layout fits in an array. */
    static boolean supports(ConvGeometry g) {
        return PhaseSplitInput.fits(g);
    }

    @Override
    void compute(float[] in, int inOff, float[] out, int outOff, float[] res, int resDelta, Parallel p) {
        float[] src = layoutBuffer();
        int pixels = g.outputPlane();
        int cIn = g.inChannels();
        int inPlane = g.inputPlane();
        int cg = g.inChannelsPerGroup();
        int mg = g.outChannelsPerGroup();
        // ReLU and Clip (Relu6) run in the GEMM's registers when there is no residual to add before them.
        boolean clampInKernel = res == null
                && (epilogue.kind() == Epilogue.Kind.RELU || epilogue.kind() == Epilogue.Kind.CLIP);
        float lo = !clampInKernel ? Float.NEGATIVE_INFINITY
                : epilogue.kind() == Epilogue.Kind.RELU ? 0f : epilogue.min();
        float hi = clampInKernel && epilogue.kind() == Epilogue.Kind.CLIP ? epilogue.max() : Float.POSITIVE_INFINITY;
        boolean post = res != null || !epilogue.isIdentity() && !clampInKernel;
        if (rowPool > 1 && res != null) {
            throw new IllegalArgumentException("a fused max pool takes no residual");
        }
        if ((long) pixels * g.outChannels() * g.reductionLength() < SERIAL_MACS) {
            p = Parallel.SERIAL;
        }
        int[] bounds = ranges(pixels, p.threads());
        int count = bounds.length - 2;
        for (int n = 0; n < g.batch(); n++) {
            layout.fill(in, inOff + n * cIn * inPlane, cIn, src, backend, p);
            int image = n;
            p.forEach(g.group() * count, t -> {
                int gi = t / count;
                int q0 = bounds[1 + t % count];
                int q1 = bounds[2 + t % count];
                if (rowPool > 1) {
                    pooledRange(src, gi, image, q0, q1, out, outOff, lo, hi, post);
                    return;
                }
                int plane0 = outOff + (image * g.outChannels() + gi * mg) * pixels;
                for (int c0 = q0; c0 < q1; c0 += CHUNK) {
                    int c1 = Math.min(q1, c0 + CHUNK);
                    groups[gi].run(src, gi * cg * layout.channelStride, tapOff, grid, c0, c1, out, plane0, pixels,
                            lo, hi);
                    if (post) {
                        for (int r = 0; r < mg; r++) {
                            int row = plane0 + r * pixels + c0;
                            addResidual(out, row, c1 - c0, res, resDelta);
                            backend.biasEpilogue(out, row, c1 - c0, 0f, epilogue);
                        }
                    }
                }
            });
        }
    }

    /**
     * Pixels {@code [q0, q1)} of group {@code gi} of an image with the fused row pool: each chunk into this thread's
     * row buffer (bias and clamp in the GEMM, other activations after), then pooled into the output. {@code q0} is a
     * multiple of {@link #ALIGN}, so windows start at chunk starts.
     */
    private void pooledRange(float[] src, int gi, int image, int q0, int q1, float[] out, int outOff, float lo,
            float hi, boolean post) {
        int mg = g.outChannelsPerGroup();
        int cg = g.inChannelsPerGroup();
        int pooledW = RowMaxPool.pooledWidth(g.outputPlane(), rowPool);
        int base = outOff + (image * g.outChannels() + gi * mg) * pooledW;
        int lead = ArrayAlignment.floatLead();
        float[] rows = RowMaxPool.buffer(ROWS, lead + mg * POOLED_CHUNK);
        for (int c0 = q0; c0 < q1; c0 += POOLED_CHUNK) {
            int c1 = Math.min(q1, c0 + POOLED_CHUNK);
            // pixel q of the chunk lands at rows[lead + r * POOLED_CHUNK + q - c0], rows on cache lines
            groups[gi].run(src, gi * cg * layout.channelStride, tapOff, grid, c0, c1, rows, lead - c0, POOLED_CHUNK,
                    lo, hi);
            if (post) {
                for (int r = 0; r < mg; r++) {
                    backend.biasEpilogue(rows, lead + r * POOLED_CHUNK, c1 - c0, 0f, epilogue);
                }
            }
            int w0 = c0 / rowPool;
            int w1 = Math.min(pooledW, c1 / rowPool);
            if (w1 > w0) {
                RowMaxPool.pool(backend, rowPool, rows, lead, POOLED_CHUNK, mg, w1 - w0, out, base + w0, pooledW);
            }
        }
    }

    /** {@code threads}, then the boundaries of {@link GuidedRanges#perThread} (kept: the same every run). */
    private int[] ranges(int pixels, int threads) {
        int[] r = ranges;
        if (r[0] != threads) {
            int[] b = GuidedRanges.perThread(pixels, threads, ALIGN, MIN_RANGE);
            r = new int[b.length + 1];
            r[0] = threads;
            System.arraycopy(b, 0, r, 1, b.length);
            ranges = r;
        }
        return r;
    }

    /**
     * The calling thread's layout, its padding zeroed unless this kernel was the last to use it (then it is zero
     * still: fill writes only the positions the input covers).
     */
    private float[] layoutBuffer() {
        Layout l = LAYOUT.get();
        if (l.data.length < layout.length) {
            l.data = new float[layout.length];
        } else if (l.owner != id) {
            layout.clearPadding(l.data, g.inChannels());
        }
        l.owner = id;
        return l.data;
    }
}
