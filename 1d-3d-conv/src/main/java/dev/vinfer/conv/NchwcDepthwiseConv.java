package dev.vinfer.conv;

import static dev.vinfer.conv.NchwcLayout.BLOCK;

/**
 * A 2-D depthwise convolution ({@code G == C == M}) on channel-blocked tensors ({@link NchwcLayout}): input
 * {@code [N][ceil(C/16)][H][W][16]}, output {@code [N][ceil(C/16)][OH][OW][16]}, any kernel size, stride, dilation
 * and padding, with bias and activation. Weights are packed once as {@code [C/16][tap][16]} (lanes past C zero):
 * a tap is one weight vector times one input vector, whatever the stride.
 *
 * <p>This first version computes plainly, value by value (the reference the vector path is tested against).
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

    private NchwcDepthwiseConv(ConvGeometry g, float[] w, int wOff, float[] b, Epilogue e) {
        this.g = g;
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
    }

    /** Whether {@code g} is a convolution this kernel computes: 2-D, depthwise with one channel per group. */
    public static boolean supports(ConvGeometry g) {
        return g.rank() == 2 && g.isDepthwise() && g.outChannels() == g.inChannels();
    }

    /** Packs {@code w} ({@code C x 1 x kH x kW} from {@code wOff}) and the optional bias for {@code g}. */
    public static NchwcDepthwiseConv prepare(ConvGeometry g, float[] w, int wOff, float[] bias, Epilogue e) {
        if (!supports(g)) {
            throw new IllegalArgumentException("NCHWc depthwise needs a 2-D depthwise conv, one channel a group: " + g);
        }
        if (wOff < 0 || (long) wOff + g.weightLength() > w.length) {
            throw new IllegalArgumentException("weights: " + g.weightLength() + " floats from " + wOff + " of "
                    + w.length);
        }
        if (bias != null && bias.length < g.outChannels()) {
            throw new IllegalArgumentException("bias: " + bias.length + " values for " + g.outChannels() + " channels");
        }
        return new NchwcDepthwiseConv(g, w, wOff, bias, e == null ? Epilogue.NONE : e);
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
        int c = g.inChannels();
        int ih = g.inputDim(0);
        int iw = g.inputDim(1);
        int oh = g.outputDim(0);
        int ow = g.outputDim(1);
        int kh = g.kernel(0);
        int kw = g.kernel(1);
        p.forEach(g.batch() * blocks, t -> {
            int b = t % blocks;
            int lanes = Math.min(BLOCK, c - b * BLOCK);
            int inBase = inOff + t * ih * iw * BLOCK;
            int outBase = outOff + t * oh * ow * BLOCK;
            for (int y = 0; y < oh; y++) {
                for (int x = 0; x < ow; x++) {
                    for (int l = 0; l < BLOCK; l++) {
                        int o = outBase + (y * ow + x) * BLOCK + l;
                        if (l >= lanes) {
                            out[o] = 0f;
                            continue;
                        }
                        float s = 0f;
                        for (int dy = 0; dy < kh; dy++) {
                            int yy = y * g.stride(0) - g.padBegin(0) + dy * g.dilation(0);
                            if (yy < 0 || yy >= ih) {
                                continue;
                            }
                            for (int dx = 0; dx < kw; dx++) {
                                int xx = x * g.stride(1) - g.padBegin(1) + dx * g.dilation(1);
                                if (xx < 0 || xx >= iw) {
                                    continue;
                                }
                                s += packed[(b * taps + dy * kw + dx) * BLOCK + l] * in[inBase + (yy * iw + xx) * BLOCK
                                        + l];
                            }
                        }
                        out[o] = epilogue.apply(s + bias[b * BLOCK + l]);
                    }
                }
            }
        });
    }
}
