package dev.vinfer.conv;

import static dev.vinfer.conv.NchwcLayout.BLOCK;

/**
 * A 1x1, stride-1, unpadded, ungrouped convolution on channel-blocked tensors ({@link NchwcLayout}): input
 * {@code [N][ceil(C/16)][P][16]}, output and optional residual {@code [N][ceil(M/16)][P][16]}, computing
 * {@code e(W x + bias + res)} per position. Weights are packed once as {@code [M/16][C][16]} (lanes past M zero),
 * so one output block's 16 channels are one weight vector per input channel.
 *
 * <p>This first version computes plainly, value by value (the reference the vector path is tested against).
 */
public final class NchwcPointwiseConv {
    private final ConvGeometry g;
    private final int inBlocks;
    private final int outBlocks;
    private final int pixels;
    /** {@code [outBlock][c][lane]}. */
    private final float[] packed;
    /** {@code [outBlock][lane]}, zeros past M and without a bias. */
    private final float[] bias;
    private final Epilogue epilogue;

    private NchwcPointwiseConv(ConvGeometry g, float[] w, int wOff, float[] b, Epilogue e) {
        this.g = g;
        this.inBlocks = NchwcLayout.blocks(g.inChannels());
        this.outBlocks = NchwcLayout.blocks(g.outChannels());
        this.pixels = g.outputPlane();
        int c = g.inChannels();
        int m = g.outChannels();
        this.packed = new float[Math.multiplyExact(outBlocks * c, BLOCK)];
        for (int o = 0; o < m; o++) {
            for (int k = 0; k < c; k++) {
                packed[((o / BLOCK) * c + k) * BLOCK + o % BLOCK] = w[wOff + o * c + k];
            }
        }
        this.bias = new float[outBlocks * BLOCK];
        if (b != null) {
            System.arraycopy(b, 0, bias, 0, m);
        }
        this.epilogue = e;
    }

    /** Whether {@code g} is a convolution this kernel computes: 1x1 on every axis, stride 1, no padding, one group. */
    public static boolean supports(ConvGeometry g) {
        return g.isPointwise() && g.group() == 1;
    }

    /**
     * Packs {@code w} ({@code M x C}, i.e. {@code M x C x 1 x 1} from {@code wOff}) and the optional bias
     * ({@code M} values) for {@code g}.
     */
    public static NchwcPointwiseConv prepare(ConvGeometry g, float[] w, int wOff, float[] bias, Epilogue e) {
        if (!supports(g)) {
            throw new IllegalArgumentException("NCHWc pointwise needs a 1x1, stride-1, unpadded, one-group conv: " + g);
        }
        if (wOff < 0 || (long) wOff + g.weightLength() > w.length) {
            throw new IllegalArgumentException("weights: " + g.weightLength() + " floats from " + wOff + " of "
                    + w.length);
        }
        if (bias != null && bias.length < g.outChannels()) {
            throw new IllegalArgumentException("bias: " + bias.length + " values for " + g.outChannels() + " channels");
        }
        return new NchwcPointwiseConv(g, w, wOff, bias, e == null ? Epilogue.NONE : e);
    }

    public ConvGeometry geometry() {
        return g;
    }

    /** Floats of the blocked input, {@code N x ceil(C/16) x P x 16}. */
    public long inputLength() {
        return NchwcLayout.length(g.batch(), g.inChannels(), pixels);
    }

    /** Floats of the blocked output (and residual), {@code N x ceil(M/16) x P x 16}. */
    public long outputLength() {
        return NchwcLayout.length(g.batch(), g.outChannels(), pixels);
    }

    /**
     * {@code out = e(conv(in) + bias + res)}, all blocked; {@code res} may be null. The output's lanes past M are
     * written as zeros.
     */
    public void run(float[] in, int inOff, float[] out, int outOff, float[] res, int resOff, Parallel p) {
        check("input", in, inOff, inputLength());
        check("output", out, outOff, outputLength());
        if (res != null) {
            check("residual", res, resOff, outputLength());
        }
        int c = g.inChannels();
        int m = g.outChannels();
        int n = g.batch();
        p.forEach(n * outBlocks, t -> {
            int img = t / outBlocks;
            int ob = t % outBlocks;
            int lanes = Math.min(BLOCK, m - ob * BLOCK);
            int inBase = inOff + img * inBlocks * pixels * BLOCK;
            int outBase = (img * outBlocks + ob) * pixels * BLOCK;
            for (int px = 0; px < pixels; px++) {
                for (int l = 0; l < BLOCK; l++) {
                    int o = outOff + outBase + px * BLOCK + l;
                    if (l >= lanes) {
                        out[o] = 0f;
                        continue;
                    }
                    float s = 0f;
                    for (int k = 0; k < c; k++) {
                        s += packed[(ob * c + k) * BLOCK + l] * in[inBase + ((k / BLOCK) * pixels + px) * BLOCK
                                + k % BLOCK];
                    }
                    if (res != null) {
                        s += res[resOff + outBase + px * BLOCK + l];
                    }
                    out[o] = epilogue.apply(s + bias[ob * BLOCK + l]);
                }
            }
        });
    }

    static void check(String what, float[] a, int off, long len) {
        if (off < 0 || off + len > a.length) {
            throw new IllegalArgumentException("NCHWc " + what + ": " + len + " floats from " + off + " of "
                    + a.length);
        }
    }
}
