package dev.vinfer.conv;

import static dev.vinfer.conv.NchwcLayout.BLOCK;

/**
 * A 2-D depthwise convolution ({@code G == C == M}) on channel-blocked tensors ({@link NchwcLayout}): input
 * {@code [N][ceil(C/16)][H][W][16]}, output {@code [N][ceil(C/16)][OH][OW][16]}, any kernel size, stride, dilation
 * and padding, with bias and activation. Weights are packed once as {@code [C/16][tap][16]} (lanes past C zero):
 * a tap is one weight vector times one input vector, whatever the stride.
 *
 * <p>The work runs in {@link Backend#nchwcDepthwise}: value by value on the scalar backend (the reference the
 * vector path is tested against), a vector per position and tap on the vector one. Relu and Clip are applied in the
 * kernel; other activations by a pass over each task's output after it.
 */
public final class NchwcDepthwiseConv {
    private final ConvGeometry g;
    private final int blocks;
    private final int taps;
    /** {@code [block][tap][lane]}. */
    private final float[] packed;
    /** {@code [block][lane]}. */
    private final float[] bias;
    private final Epilogue epilogue;
    private final Backend backend;
    /** The clamp applied in the kernel (Relu, Clip); other activations run as a pass after it. */
    private final float lo;
    private final float hi;
    private final boolean epiloguePass;

    private NchwcDepthwiseConv(ConvGeometry g, float[] w, int wOff, float[] b, Epilogue e, Backend backend) {
        this.g = g;
        this.backend = backend;
        this.blocks = NchwcLayout.blocks(g.inChannels());
        this.taps = g.kernelSize();
        int c = g.inChannels();
        this.packed = new float[Math.multiplyExact(blocks * taps, BLOCK)];
        for (int ch = 0; ch < c; ch++) {
            for (int k = 0; k < taps; k++) {
                packed[((ch / BLOCK) * taps + k) * BLOCK + ch % BLOCK] = w[wOff + ch * taps + k];
            }
        }
        this.bias = new float[blocks * BLOCK];
        if (b != null) {
            System.arraycopy(b, 0, bias, 0, c);
        }
        this.epilogue = e;
        this.lo = e.clampLow();
        this.hi = e.clampHigh();
        this.epiloguePass = !e.isClamp();
    }

    /** Whether {@code g} is a convolution this kernel computes: 2-D, depthwise with one channel per group. */
    public static boolean supports(ConvGeometry g) {
        return g.rank() == 2 && g.isDepthwise() && g.outChannels() == g.inChannels();
    }

    /** Packs {@code w} ({@code C x 1 x kH x kW} from {@code wOff}) and the optional bias for {@code g}. */
    public static NchwcDepthwiseConv prepare(ConvGeometry g, float[] w, int wOff, float[] bias, Epilogue e) {
        return prepare(g, w, wOff, bias, e, Kernels.backend());
    }

    /** As {@link #prepare(ConvGeometry, float[], int, float[], Epilogue)} on the given backend. */
    public static NchwcDepthwiseConv prepare(ConvGeometry g, float[] w, int wOff, float[] bias, Epilogue e,
            Backend backend) {
        if (!supports(g)) {
            throw new IllegalArgumentException("NCHWc depthwise needs a 2-D depthwise conv, one channel a group: " + g);
        }
        NchwcChecks.weights(g, w, wOff, bias);
        return new NchwcDepthwiseConv(g, w, wOff, bias, e == null ? Epilogue.NONE : e, backend);
    }

    public ConvGeometry geometry() {
        return g;
    }

    /** Floats of the blocked input. */
    public long inputLength() {
        return NchwcLayout.length(g.batch(), g.inChannels(), g.inputPlane());
    }

    /** Floats of the blocked output. */
    public long outputLength() {
        return NchwcLayout.length(g.batch(), g.outChannels(), g.outputPlane());
    }

    /** {@code out = e(conv(in) + bias)}, both blocked; the output's lanes past C are written as zeros. */
    public void run(float[] in, int inOff, float[] out, int outOff, Parallel p) {
        NchwcPointwiseConv.check("input", in, inOff, inputLength());
        NchwcPointwiseConv.check("output", out, outOff, outputLength());
        int oh = g.outputDim(0);
        int units = g.batch() * blocks;
        // Rows split too when there are fewer (image, block) planes than threads (a 32-channel 112x112 layer), and,
        // for one image, into a range per thread at least: tasks run rows-major, so each thread filters the rows
        // that the 1x1 convolutions around it (split by pixels) write and read on that thread, as NchwcMaxPool.
        // MobileNetV2 at two threads, one session alternating blocks of runs: 0.978-0.981 of the time by blocks.
        int rowParts = units >= 2 * p.threads() ? 1 : Math.min(oh, Math.ceilDiv(2 * p.threads(), units));
        if (g.batch() == 1) {
            rowParts = Math.min(oh, Math.max(rowParts, p.threads()));
        }
        if ((long) g.outputPlane() * taps * BLOCK < 20_000) {
            rowParts = 1;
        }
        Planes call = spare.getAndSet(null);
        if (call == null) {
            call = new Planes();
        }
        call.in = in;
        call.inOff = inOff;
        call.out = out;
        call.outOff = outOff;
        call.parts = rowParts;
        try {
            p.forEach(units * rowParts, call);
        } finally {
            call.in = null;
            call.out = null;
            spare.set(call);
        }
    }

    /** A spare {@link Planes}: a steady run allocates no task object; a concurrent run makes its own. */
    private final java.util.concurrent.atomic.AtomicReference<Planes> spare =
            new java.util.concurrent.atomic.AtomicReference<>();

    /** One task of {@link #run}: rows of one (image, block) plane. */
    private final class Planes implements Parallel.Task {
        float[] in;
        int inOff;
        float[] out;
        int outOff;
        int parts;

        @Override
        public void run(int t) {
            int inPlane = g.inputPlane() * BLOCK;
            int outPlane = g.outputPlane() * BLOCK;
            int oh = g.outputDim(0);
            // t = (image, row part, block), rows-major (see run)
            int part = t / blocks % parts;
            int b = t % blocks;
            int u = t / (parts * blocks) * blocks + b;
            int y0 = (int) ((long) oh * part / parts);
            int y1 = (int) ((long) oh * (part + 1) / parts);
            block(b, in, inOff + u * inPlane, out, outOff + u * outPlane, y0, y1);
        }
    }

    /**
     * Output rows {@code [y0, y1)} of block {@code b} of one image on the calling thread: the block's input plane at
     * {@code in[sOff]}, its output plane at {@code out[dOff]}. Arguments checked by the caller.
     */
    void block(int b, float[] in, int sOff, float[] out, int dOff, int y0, int y1) {
        int lanes = Math.min(BLOCK, g.inChannels() - b * BLOCK);
        backend.nchwcDepthwise(g, packed, b * taps * BLOCK, bias, b * BLOCK, lanes, in, sOff, out, dOff, y0, y1, lo,
                hi);
        if (epiloguePass) {
            for (int i = dOff + y0 * g.outputDim(1) * BLOCK; i < dOff + y1 * g.outputDim(1) * BLOCK; i += BLOCK) {
                for (int l = 0; l < lanes; l++) {
                    out[i + l] = epilogue.apply(out[i + l]);
                }
            }
        }
    }

    /** Channel blocks of the input and output. */
    int blocks() {
        return blocks;
    }
}
