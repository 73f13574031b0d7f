package dev.vinfer.conv;

import static dev.vinfer.conv.NchwcLayout.BLOCK;

import java.util.concurrent.atomic.AtomicReference;

/**
 * An inverted bottleneck (MobileNetV2's block) on channel-blocked tensors ({@link NchwcLayout}): an optional 1x1
 * expansion ({@link NchwcPointwiseConv}, stride 1), a depthwise convolution ({@link NchwcDepthwiseConv}, any kernel,
 * stride and padding) and a 1x1 projection (stride 1) with an optional residual, run as bands of the depthwise's
 * output rows. A band's task expands the input rows its depthwise rows read into thread-private scratch (the one or
 * two rows where bands meet are expanded by both), filters its rows into more scratch and projects them into the
 * output: one thread reads and writes all of a band, and the expanded and filtered tensors never leave its core.
 *
 * <p>Why: at two threads the three layers ran as three nodes split alike by rows, yet each thread's depthwise read
 * the rows beside its band that the other core's expansion had written, and a node's hand-off costs a few
 * microseconds; MobileNetV2's small depthwise layers ran slower at two threads than at one (14x14, 384 channels:
 * 22 us at one thread, 36 at two; session 15, per node in one JVM). On this VM a cache line from the other vCPU
 * costs about 310 ns (bench/README.md, "Two threads, session 4").
 *
 * <p>One band per thread for a batch of one, else one band per image; with one thread the three kernels run one
 * after the other over the whole plane, as unfused. Results equal the three kernels' run one after another, bit for
 * bit: every expanded value is computed by the same kernel code whichever band computes it.
 */
public final class NchwcInvertedBottleneck {
    /** Tests only: fill a band's scratch with NaN before it runs, so a read of a row it did not write shows. */
    static volatile boolean poisonScratch;

    private final NchwcPointwiseConv expand;
    private final NchwcDepthwiseConv dw;
    private final NchwcPointwiseConv project;
    /** The depthwise convolution's geometry. */
    private final ConvGeometry g;
    private final int midBlocks;
    /** Channel blocks of the expansion's input (unused without an expansion). */
    private final int inBlocks;
    /** Where the scratch planes start in their arrays: on a cache line ({@link ArrayAlignment}). */
    private final int lead;

    /** Per thread: the expanded input plane and the filtered plane of one image (from {@link #lead}). */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][0]);

    private NchwcInvertedBottleneck(NchwcPointwiseConv expand, NchwcDepthwiseConv dw, NchwcPointwiseConv project) {
        this.expand = expand;
        this.dw = dw;
        this.project = project;
        this.g = dw.geometry();
        this.midBlocks = dw.blocks();
        this.inBlocks = expand == null ? 0 : NchwcLayout.blocks(expand.geometry().inChannels());
        this.lead = ArrayAlignment.floatLead();
    }

    /**
     * The block of these prepared kernels: {@code expand} (may be null: the depthwise reads the input) writes what
     * {@code dw} reads, {@code dw} what {@code project} reads; both 1x1 convolutions of stride 1, all of one batch.
     */
    public static NchwcInvertedBottleneck of(NchwcPointwiseConv expand, NchwcDepthwiseConv dw,
            NchwcPointwiseConv project) {
        ConvGeometry d = dw.geometry();
        ConvGeometry p = project.geometry();
        if (expand != null) {
            ConvGeometry e = expand.geometry();
            if (!expand.unstrided() || e.rank() != 2 || e.batch() != d.batch() || e.outChannels() != d.inChannels()
                    || e.inputDim(0) != d.inputDim(0) || e.inputDim(1) != d.inputDim(1)) {
                throw new IllegalArgumentException("inverted bottleneck: expansion " + e + " does not feed " + d);
            }
        }
        if (!project.unstrided() || p.rank() != 2 || p.batch() != d.batch() || p.inChannels() != d.outChannels()
                || p.inputDim(0) != d.outputDim(0) || p.inputDim(1) != d.outputDim(1)) {
            throw new IllegalArgumentException("inverted bottleneck: " + d + " does not feed the projection " + p);
        }
        long scratch = (long) NchwcLayout.blocks(d.inChannels()) * BLOCK
                * Math.max(expand != null ? (long) d.inputDim(0) * d.inputDim(1) : 0, d.outputPlane());
        if (scratch > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("inverted bottleneck: " + scratch + " floats of scratch per plane: " + d);
        }
        return new NchwcInvertedBottleneck(expand, dw, project);
    }

    /** Floats of the blocked input. */
    public long inputLength() {
        return expand != null ? expand.inputLength() : dw.inputLength();
    }

    /** Floats of the blocked output (and residual). */
    public long outputLength() {
        return project.outputLength();
    }

    /** Bands a run of {@code threads} threads cuts each image into ({@link #runBands} caps them at the rows). */
    int bands(int threads) {
        return g.batch() == 1 ? threads : 1;
    }

    /**
     * {@code out = project(dw(expand(in))) + res}, each with its bias and activation, all blocked; {@code res} may
     * be null.
     */
    public void run(float[] in, int inOff, float[] out, int outOff, float[] res, int resOff, Parallel p) {
        runBands(in, inOff, out, outOff, res, resOff, p, bands(p.threads()));
    }

    /** {@link #run} in {@code bands} bands per image (tests force more bands than threads). */
    void runBands(float[] in, int inOff, float[] out, int outOff, float[] res, int resOff, Parallel p, int bands) {
        NchwcChecks.run(in, inOff, inputLength(), out, outOff, outputLength(), res, resOff);
        Band call = spare.getAndSet(null);
        if (call == null) {
            call = new Band();
        }
        call.in = in;
        call.inOff = inOff;
        call.out = out;
        call.outOff = outOff;
        call.res = res;
        call.resOff = resOff;
        call.bands = Math.max(1, Math.min(bands, g.outputDim(0)));
        try {
            p.forEach(g.batch() * call.bands, call);
        } finally {
            call.in = null;
            call.out = null;
            call.res = null;
            spare.set(call);
        }
    }

    /** A spare {@link Band}: a steady run allocates no task object; a concurrent run makes its own. */
    private final AtomicReference<Band> spare = new AtomicReference<>();

    /** One task of {@link #run}: a band of one image's output rows, all three layers. */
    private final class Band implements Parallel.Task {
        float[] in;
        int inOff;
        float[] out;
        int outOff;
        float[] res;
        int resOff;
        int bands;

        @Override
        public void run(int t) {
            int img = t / bands;
            int band = t % bands;
            int h = g.inputDim(0);
            int w = g.inputDim(1);
            int oh = g.outputDim(0);
            int ow = g.outputDim(1);
            int r0 = (int) ((long) oh * band / bands);
            int r1 = (int) ((long) oh * (band + 1) / bands);
            if (r0 >= r1) {
                return;
            }
            int inPlane = h * w * BLOCK;
            int outPlane = oh * ow * BLOCK;
            float[][] s = scratch(inPlane, outPlane);
            float[] filtered = s[1];
            float[] src;
            int srcOff;
            if (expand != null) {
                src = s[0];
                srcOff = lead;
                // the input rows the band's depthwise taps reach
                int ia = Math.max(0, r0 * g.stride(0) - g.padBegin(0));
                int ib = Math.min(h, (r1 - 1) * g.stride(0) - g.padBegin(0) + (g.kernel(0) - 1) * g.dilation(0) + 1);
                if (ia < ib) {
                    expand.range(in, inOff + img * inBlocks * inPlane, src, lead, null, 0, ia * w, ib * w, 0,
                            expand.outBlocks());
                }
            } else {
                src = in;
                srcOff = inOff + img * midBlocks * inPlane;
            }
            for (int b = 0; b < midBlocks; b++) {
                dw.block(b, src, srcOff + b * inPlane, filtered, lead + b * outPlane, r0, r1);
            }
            int outImage = project.outBlocks() * outPlane;
            project.range(filtered, lead, out, outOff + img * outImage, res, res == null ? 0 : resOff - outOff,
                    r0 * ow, r1 * ow, 0, project.outBlocks());
        }

        /** This thread's scratch, grown to the planes of this block (and poisoned for tests). */
        private float[][] scratch(int inPlane, int outPlane) {
            float[][] s = SCRATCH.get();
            int e = expand != null ? lead + midBlocks * inPlane : 0;
            int f = lead + midBlocks * outPlane;
            if (s[0].length < e) {
                s[0] = new float[e];
            }
            if (s[1].length < f) {
                s[1] = new float[f];
            }
            if (poisonScratch) {
                java.util.Arrays.fill(s[0], Float.NaN);
                java.util.Arrays.fill(s[1], Float.NaN);
            }
            return s;
        }
    }

    @Override
    public String toString() {
        return "NchwcInvertedBottleneck[" + (expand == null ? "" : expand.geometry() + " > ") + g + " > "
                + project.geometry() + "]";
    }
}
