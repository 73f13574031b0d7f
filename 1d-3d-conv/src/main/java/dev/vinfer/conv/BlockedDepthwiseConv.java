package dev.vinfer.conv;

import java.util.Arrays;

/**
 * Channel-blocked depthwise convolution ({@link ConvAlgorithm#DEPTHWISE_BLOCKED}), for {@code G == C == M}: any
 * kernel, stride, dilation, padding and rank (1-3). The channels are taken B at a time (B =
 * {@link Backend#depthwiseChannelBlock()}, the vector length: 16 with AVX-512), the layout ONNX Runtime calls NCHWc:
 *
 * <ol>
 * <li>the block's B input planes are transposed into one zero-padded interleaved plane, each padded position's B
 * channels contiguous ({@link Backend#packChannelBlock}; the padded extent is what the outputs read,
 * {@code (out - 1) * stride + dilated kernel extent} per axis, and input positions outside it go to a dump slot);</li>
 * <li>each output position is then one vector of B channels: a tap is one vector load at a constant offset times the
 * tap's B per-channel weights, for any stride and dilation, with the bias and the Relu/Clip (ReLU6) clamp as
 * per-lane vectors ({@link Backend#depthwiseBlockedRow}, row by row into an interleaved output buffer);</li>
 * <li>the output is transposed back into B output planes ({@link Backend#unpackChannelBlock}).</li>
 * </ol>
 *
 * <p>Why: {@link DepthwiseConv} vectorizes along a channel's rows, so a 7x7 or 14x14 plane fills its vectors only
 * partly and pays a set-up per channel (a copy into a prepared plane, two or three kernel calls); here the fixed
 * costs are per block of B channels, and every vector lane does useful work whatever the plane size or stride.
 * The price is the two transposes (a few permutes per value). {@link AutoDepthwiseRule#depthwise} says where each
 * wins.
 *
 * <p>The pads of the interleaved plane are zeroed once per task: every block writes the same positions, so they stay
 * zero. Lanes past the last channel (C not a multiple of B) repeat the last channel's input, have zero weights and
 * are never copied out. Other activations than Relu/Clip, and a residual, are applied to the output planes
 * afterwards.
 */
final class BlockedDepthwiseConv extends PreparedConv {
    /**
     * Values moved per task (input plus output, all B lanes counted: the transposes dominate) below which blocks
     * are grouped into one task, so a thread gets at least a few microseconds of work.
     */
    private static final int MIN_TASK_VALUES = 16384;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        float[] prepared = new float[0];
        float[] blockedOut = new float[0];
    }

    private final ConvGeometry g;
    private final Shape3 s;
    private final int block;
    private final int blocks;
    private final int taps;
    /** Weights as [block][tap][lane], zero for lanes past the last channel. */
    private final float[] coef;
    /** Bias as [block][lane] (zeros without a bias). */
    private final float[] blockBias;
    private final Epilogue epilogue;
    /** True if the epilogue is a clamp the row kernel applies (NONE, RELU, CLIP). */
    private final boolean clamped;
    private final float lo;
    private final float hi;
    /** Extents of the padded interleaved plane. */
    private final int eH, eW;
    /** For each input position of a plane: its offset in the interleaved plane (or the dump slot's). */
    private final int[] map;
    private final int[] tapOff;
    private final int preparedLen;
    private final int blockedOutLen;

    BlockedDepthwiseConv(ConvGeometry g, float[] w, int wOff, float[] bias, Epilogue e, Backend backend) {
        super(ConvAlgorithm.DEPTHWISE_BLOCKED, backend, g.inputLength(), g.outputLength());
        if (!ConvAlgorithm.DEPTHWISE_BLOCKED.supports(g)) {
            throw new IllegalArgumentException("DEPTHWISE_BLOCKED needs group == input channels == output channels: "
                    + g);
        }
        float[] b = checkedBias(w, wOff, g.weightLength(), bias, g.outChannels());
        this.g = g;
        this.s = Shape3.of(g);
        this.block = backend.depthwiseChannelBlock();
        int channels = g.outChannels();
        this.blocks = Math.ceilDiv(channels, block);
        this.taps = s.kernelSize();
        this.coef = new float[Math.multiplyExact(blocks * block, taps)];
        this.blockBias = new float[blocks * block];
        for (int m = 0; m < channels; m++) {
            int blk = m / block;
            int lane = m % block;
            for (int t = 0; t < taps; t++) {
                coef[(blk * taps + t) * block + lane] = w[wOff + m * taps + t];
            }
            blockBias[m] = b == null ? 0f : b[m];
        }
        this.epilogue = e;
        Epilogue.Kind k = e.kind();
        this.clamped = k == Epilogue.Kind.NONE || k == Epilogue.Kind.RELU || k == Epilogue.Kind.CLIP;
        this.lo = k == Epilogue.Kind.CLIP ? e.min() : k == Epilogue.Kind.RELU ? 0f : Float.NEGATIVE_INFINITY;
        this.hi = k == Epilogue.Kind.CLIP ? e.max() : Float.POSITIVE_INFINITY;
        int eD = (s.outD - 1) * s.sD + (s.kD - 1) * s.dD + 1;
        this.eH = (s.outH - 1) * s.sH + (s.kH - 1) * s.dH + 1;
        this.eW = (s.outW - 1) * s.sW + (s.kW - 1) * s.dW + 1;
        long positions = (long) eD * eH * eW;
        this.preparedLen = Math.toIntExact(Math.multiplyExact(positions + 1, block));
        int dump = Math.toIntExact(positions * block);
        this.map = new int[s.inD * s.inH * s.inW];
        int p = 0;
        for (int id = 0; id < s.inD; id++) {
            for (int ih = 0; ih < s.inH; ih++) {
                for (int iw = 0; iw < s.inW; iw++) {
                    int pd = id + s.pD;
                    int ph = ih + s.pH;
                    int pw = iw + s.pW;
                    map[p++] = pd < eD && ph < eH && pw < eW ? ((pd * eH + ph) * eW + pw) * block : dump;
                }
            }
        }
        this.tapOff = new int[taps];
        int t = 0;
        for (int kd = 0; kd < s.kD; kd++) {
            for (int kh = 0; kh < s.kH; kh++) {
                for (int kw = 0; kw < s.kW; kw++) {
                    tapOff[t++] = ((kd * s.dD * eH + kh * s.dH) * eW + kw * s.dW) * block;
                }
            }
        }
        this.blockedOutLen = Math.multiplyExact(s.outPlane(), block);
    }

    @Override
    void compute(float[] in, int inOff, float[] out, int outOff, float[] res, int resDelta, Parallel p) {
        int tasks = g.batch() * blocks;
        long perBlock = (long) (s.inPlane() + s.outPlane()) * block;
        int minTasks = (int) Math.max(1, MIN_TASK_VALUES / perBlock);
        p.forRange(tasks, minTasks, (from, to) -> {
            Scratch sc = SCRATCH.get();
            if (sc.prepared.length < preparedLen) {
                sc.prepared = new float[preparedLen];
            }
            if (sc.blockedOut.length < blockedOutLen) {
                sc.blockedOut = new float[blockedOutLen];
            }
            Arrays.fill(sc.prepared, 0, preparedLen, 0f);
            for (int task = from; task < to; task++) {
                blockOf(task / blocks, task % blocks, sc, in, inOff, out, outOff, res, resDelta);
            }
        });
    }

    /** One block of channels of image n: pack, taps row by row, unpack, then any epilogue left. */
    private void blockOf(int n, int blk, Scratch sc, float[] in, int inOff, float[] out, int outOff, float[] res,
            int resDelta) {
        int channels = g.outChannels();
        int c0 = blk * block;
        int count = Math.min(block, channels - c0);
        int inPlane = s.inPlane();
        int outPlane = s.outPlane();
        backend.packChannelBlock(count, in, inOff + (n * channels + c0) * inPlane, inPlane, inPlane, map, 0,
                sc.prepared, 0);
        boolean clampHere = clamped && res == null;
        float rowLo = clampHere ? lo : Float.NEGATIVE_INFINITY;
        float rowHi = clampHere ? hi : Float.POSITIVE_INFINITY;
        int step = s.sW * block;
        for (int od = 0; od < s.outD; od++) {
            for (int oh = 0; oh < s.outH; oh++) {
                int src = ((od * s.sD * eH + oh * s.sH) * eW) * block;
                int dst = ((od * s.outH + oh) * s.outW) * block;
                backend.depthwiseBlockedRow(taps, coef, blk * taps * block, tapOff, sc.prepared, src, step, s.outW,
                        blockBias, c0, rowLo, rowHi, sc.blockedOut, dst);
            }
        }
        int base = outOff + (n * channels + c0) * outPlane;
        backend.unpackChannelBlock(count, sc.blockedOut, 0, outPlane, out, base, outPlane);
        if (res != null) {
            addResidual(out, base, count * outPlane, res, resDelta);
        }
        if (!clampHere && !epilogue.isIdentity()) {
            backend.biasEpilogue(out, base, count * outPlane, 0f, epilogue); // the bias is already in
        }
    }
}
