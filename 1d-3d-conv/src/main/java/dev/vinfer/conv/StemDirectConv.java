package dev.vinfer.conv;

import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link ConvAlgorithm#STEM_DIRECT}: a direct convolution for few input channels (the networks' stems: ResNet's
 * 7x7/2 3 -> 64, MobileNetV2's and SqueezeNet's 3x3/2 3 -> 32/64). The input is copied once per run into a
 * {@link PhaseSplitInput} (zero-padded, split into stride phases), where every tap of an output pixel is a constant
 * offset and a run of output pixels along a row reads a contiguous run for every tap. The register kernel
 * ({@link StemTiles}) then computes blocks of output channels x a few pixel vectors of output rows over all taps,
 * reading the input vectors in place against broadcast weights, and writes each output vector once with the bias
 * and a ReLU or Clip applied in registers.
 *
 * <p>Unlike {@link ImplicitIm2colConv} (the same layout feeding a GEMM) nothing is packed: the GEMM copies every
 * tap's pixels into a panel ({@code k x 32} floats per 32 pixels) and reads them back once per row tile; with so few
 * input channels the taps' input rows are few and stay in L1, so reading them in place is cheaper.
 *
 * <p>Output rows are cut into slots of the kernel's vector width; a row whose width is not a multiple of it has its
 * last slot shifted back to end at the row's end (overlapping the one before: the same values are stored twice),
 * and rows narrower than a vector are computed into a scratch plane with vector-wide rows and copied out. The
 * residual and any activation other than ReLU/Clip are applied per thread's row range afterwards.
 *
 * <p>Threads: output rows are cut per image into one share per thread, each cut into pieces that halve
 * ({@link GuidedRanges#perThread}); the input copy is split over input rows. Memory: one layout per calling thread
 * (about the padded input), kept and reused; its padding is zeroed when a different kernel used it last.
 */
final class StemDirectConv extends PreparedConv {
    /** Output pixels per thread range at least (about 5-25 microseconds of the kernel on the stems). */
    private static final int MIN_RANGE_PIXELS = 256;

    /** A calling thread's narrow-row scratch (the layout buffer is {@link PhaseSplitInput#threadBuffer}'s). */
    private static final ThreadLocal<float[][]> NARROW = ThreadLocal.withInitial(() -> new float[1][0]);

    private final long id = PhaseSplitInput.newOwner();
    private final ConvGeometry g;
    private final PhaseSplitInput layout;
    private final StemTiles tiles;
    private final int[] tapOff;
    private final Epilogue epilogue;
    /** Output rows (depth x height) of one image, their width, and slots per row. */
    private final int rows;
    private final int outW;
    private final int slotsPerRow;
    /** Rows narrower than a slot: computed into a scratch plane with rows {@code width} apart. */
    private final boolean narrow;
    /** Every slot of an image, row by row: its source offset in the layout and its output offset in the plane. */
    private final int[] slotSrc;
    private final int[] slotDst;
    /** The row ranges last used, for {@code ranges[0]} threads (boundaries from {@code ranges[1]}). */
    private volatile int[] ranges = {0};

    StemDirectConv(ConvGeometry g, float[] w, int wOff, float[] bias, Epilogue e, Backend backend) {
        super(ConvAlgorithm.STEM_DIRECT, backend, g.inputLength(), g.outputLength());
        if (!supports(g)) {
            throw new IllegalArgumentException(ConvAlgorithm.STEM_DIRECT + " does not support " + g);
        }
        this.g = g;
        float[] b = checkedBias(w, wOff, g.weightLength(), bias, g.outChannels());
        Shape3 s = Shape3.of(g);
        this.layout = new PhaseSplitInput(s, g.inChannels());
        this.tapOff = layout.tapOffsets(g.inChannels());
        this.tiles = backend.stemTiles(g.outChannels(), g.reductionLength(), w, wOff, b);
        this.epilogue = e;
        this.rows = s.outD * s.outH;
        this.outW = s.outW;
        int width = tiles.width();
        this.narrow = outW < width;
        this.slotsPerRow = narrow ? 1 : Math.ceilDiv(outW, width);
        PanelGemm.PixelGrid grid = layout.grid();
        int n = Math.multiplyExact(rows, slotsPerRow);
        this.slotSrc = new int[n];
        this.slotDst = new int[n];
        for (int t = 0, i = 0; t < rows; t++) {
            int rowSrc = grid.source(t * outW);
            for (int j = 0; j < slotsPerRow; j++, i++) {
                int ox = narrow ? 0 : Math.min(j * width, outW - width);
                slotSrc[i] = rowSrc + ox;
                slotDst[i] = narrow ? t * width : t * outW + ox;
            }
        }
    }

    /**
     * Whether this algorithm computes {@code g}: one group (any rank, kernel, stride, dilation and padding) whose
     * input layout fits in an array. Meant for few input channels: every tap of every input channel is one step of
     * the kernel's loop.
     */
    static boolean supports(ConvGeometry g) {
        return g.group() == 1 && PhaseSplitInput.fits(g);
    }

    @Override
    void compute(float[] in, int inOff, float[] out, int outOff, float[] res, int resDelta, Parallel p) {
        RowsTask c = PreparedConv.take(spare);
        if (c == null) {
            c = new RowsTask();
        }
        c.set(in, inOff, out, outOff, res, resDelta);
        c.src = layout.threadBuffer(id, g.inChannels());
        boolean clampInKernel = res == null
                && (epilogue.kind() == Epilogue.Kind.RELU || epilogue.kind() == Epilogue.Kind.CLIP);
        c.lo = !clampInKernel ? Float.NEGATIVE_INFINITY
                : epilogue.kind() == Epilogue.Kind.RELU ? 0f : epilogue.min();
        c.hi = clampInKernel && epilogue.kind() == Epilogue.Kind.CLIP ? epilogue.max() : Float.POSITIVE_INFINITY;
        c.post = res != null || !epilogue.isIdentity() && !clampInKernel;
        c.bounds = ranges(p.threads());
        c.scratch = narrow ? narrowScratch(g.outChannels() * rows * tiles.width()) : null;
        int cIn = g.inChannels();
        for (int n = 0; n < g.batch(); n++) {
            layout.fill(in, inOff + n * cIn * g.inputPlane(), cIn, c.src, backend, p);
            c.plane0 = outOff + n * g.outChannels() * g.outputPlane();
            p.forEach(c.bounds.length - 2, c);
        }
        c.src = null;
        c.scratch = null;
        PreparedConv.give(spare, c);
    }

    /** The spare task object of {@link #compute} (a reused one, so that a run allocates no lambda). */
    private final AtomicReference<RowsTask> spare = new AtomicReference<>();

    /** One run's arguments; task t computes output rows {@code [bounds[1 + t], bounds[2 + t])} of one image. */
    private final class RowsTask extends Call {
        float[] src;
        float[] scratch;
        int plane0;
        float lo;
        float hi;
        boolean post;
        int[] bounds;

        @Override
        public void run(int t) {
            int r0 = bounds[1 + t];
            int r1 = bounds[2 + t];
            if (r0 == r1) {
                return;
            }
            int m = g.outChannels();
            int pixels = g.outputPlane();
            if (narrow) {
                int width = tiles.width();
                tiles.run(src, 0, tapOff, slotSrc, slotDst, r0, r1, scratch, 0, rows * width, lo, hi);
                for (int r = 0; r < m; r++) {
                    for (int y = r0; y < r1; y++) {
                        System.arraycopy(scratch, (r * rows + y) * width, out, plane0 + r * pixels + y * outW, outW);
                    }
                }
            } else {
                tiles.run(src, 0, tapOff, slotSrc, slotDst, r0 * slotsPerRow, r1 * slotsPerRow, out, plane0, pixels,
                        lo, hi);
            }
            if (post) {
                for (int r = 0; r < m; r++) {
                    int row = plane0 + r * pixels + r0 * outW;
                    addResidual(out, row, (r1 - r0) * outW, res, resDelta);
                    backend.biasEpilogue(out, row, (r1 - r0) * outW, 0f, epilogue);
                }
            }
        }
    }

    /** {@code threads}, then the row boundaries of {@link GuidedRanges#perThread} (kept: the same every run). */
    private int[] ranges(int threads) {
        int[] r = ranges;
        if (r[0] != threads) {
            int minRows = Math.max(1, Math.ceilDiv(MIN_RANGE_PIXELS, outW));
            int[] b = GuidedRanges.perThread(rows, threads, 1, minRows);
            r = new int[b.length + 1];
            r[0] = threads;
            System.arraycopy(b, 0, r, 1, b.length);
            ranges = r;
        }
        return r;
    }

    private static float[] narrowScratch(int n) {
        float[][] b = NARROW.get();
        if (b[0].length < n) {
            b[0] = new float[n];
        }
        return b[0];
    }
}
