package dev.vinfer.conv;

/**
 * A convolution computed by an NCHW kernel ({@link Convolutions#prepare}, AUTO) on channel-blocked tensors: the
 * blocked input (and residual) are reordered to NCHW into per-thread scratch, the NCHW kernel runs there, and its
 * output is reordered back to the blocked layout (lanes past M zero). A run of blocked layers uses it for a layer
 * whose best kernel is an NCHW one at the shape it meets: 3x3 layers on planes too small to fill the blocked
 * Winograd's register tiles (e.g. 5x5, 9x9, 10x10; {@link NchwcWinogradConv#autoTileOutputs}), and 7x7 planes of
 * many channels, where the NCHW small-plane Winograd streams the weights better. The reorders cost
 * what they would as separate nodes at the run's edges, without cutting the run in two.
 */
public final class NchwcReorderedConv implements NchwcConvKernel {
    private final ConvGeometry g;
    private final ConvKernel kernel;

    /** Per thread: the NCHW input, output and residual. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[3][0]);

    private NchwcReorderedConv(ConvGeometry g, ConvKernel kernel) {
        this.g = g;
        this.kernel = kernel;
    }

    /** Prepares the NCHW kernel AUTO picks for {@code g} (any convolution {@link Convolutions} computes). */
    public static NchwcReorderedConv prepare(ConvGeometry g, float[] w, int wOff, float[] bias, Epilogue e) {
        return new NchwcReorderedConv(g, Convolutions.prepare(g, w, wOff, bias, e == null ? Epilogue.NONE : e,
                ConvAlgorithm.AUTO));
    }

    @Override
    public ConvGeometry geometry() {
        return g;
    }

    /** The NCHW kernel's algorithm. */
    public ConvAlgorithm algorithm() {
        return kernel.algorithm();
    }

    /** {@code out = e(conv(in) + bias + res)}, all blocked; {@code res} may be null; output lanes past M zero. */
    @Override
    public void run(float[] in, int inOff, float[] out, int outOff, float[] res, int resOff, Parallel p) {
        NchwcChecks.run(in, inOff, inputLength(), out, outOff, outputLength(), res, resOff);
        float[][] s = SCRATCH.get();
        s[0] = grow(s[0], g.inputLength());
        s[1] = grow(s[1], g.outputLength());
        int n = g.batch();
        NchwcLayout.fromBlocked(n, g.inChannels(), g.inputPlane(), in, inOff, s[0], 0, p);
        if (res == null) {
            kernel.run(s[0], 0, s[1], 0, p);
        } else {
            s[2] = grow(s[2], g.outputLength());
            NchwcLayout.fromBlocked(n, g.outChannels(), g.outputPlane(), res, resOff, s[2], 0, p);
            kernel.run(s[0], 0, s[1], 0, s[2], 0, p);
        }
        NchwcLayout.toBlocked(n, g.outChannels(), g.outputPlane(), s[1], 0, out, outOff, p);
    }

    private static float[] grow(float[] a, int n) {
        return a.length >= n ? a : new float[n];
    }
}
