package dev.vinfer.conv;

/**
 * A prepared convolution on channel-blocked tensors ({@link NchwcLayout}) with an optional residual: what a graph op
 * runs whichever blocked kernel computes the layer ({@link NchwcPointwiseConv}, {@link NchwcDirectConv},
 * {@link NchwcWinogradConv}, {@link NchwcStridedWinogradConv}, {@link NchwcReorderedConv}, {@link NchwcGatherConv},
 * {@link NchwcStemConv}).
 */
public interface NchwcConvKernel {
    /** The convolution this kernel computes. */
    ConvGeometry geometry();

    /** Floats of the blocked input, {@code N x ceil(C/16) x (input plane) x 16}. */
    default long inputLength() {
        ConvGeometry g = geometry();
        return NchwcLayout.length(g.batch(), g.inChannels(), g.inputPlane());
    }

    /** Floats of the blocked output (and residual), {@code N x ceil(M/16) x (output plane) x 16}. */
    default long outputLength() {
        ConvGeometry g = geometry();
        return NchwcLayout.length(g.batch(), g.outChannels(), g.outputPlane());
    }

    /**
     * {@code out = e(conv(in) + bias + res)}, all blocked; {@code res} may be null. The output's lanes past M are
     * written as zeros.
     */
    void run(float[] in, int inOff, float[] out, int outOff, float[] res, int resOff, Parallel p);
}
