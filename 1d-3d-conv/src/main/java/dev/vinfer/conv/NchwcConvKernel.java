package dev.vinfer.conv;

/**
 * A prepared convolution on channel-blocked tensors ({@link NchwcLayout}) with an optional residual: what a graph op
 * runs whichever blocked kernel computes the layer ({@link NchwcPointwiseConv}, {@link NchwcDirectConv},
 * {@link NchwcWinogradConv}, {@link NchwcReorderedConv}).
 */
public interface NchwcConvKernel {
    /**
     * {@code out = e(conv(in) + bias + res)}, all blocked; {@code res} may be null. The output's lanes past M are
     * written as zeros.
     */
    void run(float[] in, int inOff, float[] out, int outOff, float[] res, int resOff, Parallel p);
}
