package dev.vinfer.conv;

/**
 * The row kernel behind {@link SliceConv3d}: the plain-Java one here, the Vector API one in
 * {@code dev.vinfer.conv.simd}. Public only so that package can implement it.
 */
public interface SliceKernel {

    /**
     * Computes rows [y0, y1) of every output channel of one output slice; see {@link SliceConv3d#computeRows}.
     *
     * @param w        weights in {@link SliceConv3d}'s packed order
     * @param blocks   output channels per block, in order (their sum is outC)
     * @param tapShift per in-slice tap (ci, ky, kx), its offset from the output position in the input slice
     */
    void rows(float[][] in, int[] inOff, int kd, int[] tapShift, float[] w, float[] bias, int[] blocks, boolean relu,
            PlaneLayout inLayout, float[] out, int outOff, PlaneLayout outLayout, int y0, int y1);
}
