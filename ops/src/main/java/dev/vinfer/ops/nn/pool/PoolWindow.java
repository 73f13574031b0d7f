package dev.vinfer.ops.nn.pool;

import dev.vinfer.runtime.VinferException;
import java.util.Arrays;

/**
 * The sliding-window parameters of a pooling op, for {@code k} spatial dims (1 to 3).
 *
 * @param kernel    window size per spatial dim
 * @param strides   step per spatial dim
 * @param dilations spacing of window taps per spatial dim
 * @param pads      {@code [begin_0..begin_k-1, end_0..end_k-1]}; used only with {@link PaddingPolicy#EXPLICIT}
 * @param padding   how pads are decided
 * @param ceilMode  round the output size up instead of down (explicit padding only; a window must still start
 *                  inside the input or its leading padding)
 */
public record PoolWindow(int[] kernel, int[] strides, int[] dilations, int[] pads, PaddingPolicy padding,
        boolean ceilMode) {

    /** Most spatial dims supported. */
    public static final int MAX_SPATIAL_DIMS = 3;

    public PoolWindow {
        int k = kernel.length;
        if (k < 1 || k > MAX_SPATIAL_DIMS) {
            throw new VinferException("pooling supports 1 to " + MAX_SPATIAL_DIMS + " spatial dims, kernel is "
                    + Arrays.toString(kernel));
        }
        if (strides.length != k || dilations.length != k || pads.length != 2 * k) {
            throw new VinferException("pooling over " + k + " dims needs " + k + " strides and dilations and " + 2 * k
                    + " pads, got strides " + Arrays.toString(strides) + ", dilations " + Arrays.toString(dilations)
                    + ", pads " + Arrays.toString(pads));
        }
        for (int i = 0; i < k; i++) {
            if (kernel[i] < 1 || strides[i] < 1 || dilations[i] < 1) {
                throw new VinferException("kernel, strides and dilations must be positive: kernel "
                        + Arrays.toString(kernel) + ", strides " + Arrays.toString(strides) + ", dilations "
                        + Arrays.toString(dilations));
            }
        }
        for (int p : pads) {
            if (p < 0) {
                throw new VinferException("pads must not be negative: " + Arrays.toString(pads));
            }
        }
        kernel = kernel.clone();
        strides = strides.clone();
        dilations = dilations.clone();
        pads = pads.clone();
    }

    /** Unit strides and dilations, no padding. */
    public static PoolWindow of(int... kernel) {
        int k = kernel.length;
        int[] ones = new int[k];
        Arrays.fill(ones, 1);
        return new PoolWindow(kernel, ones, ones, new int[2 * k], PaddingPolicy.EXPLICIT, false);
    }

    public int spatialDims() {
        return kernel.length;
    }

    @Override
    public int[] kernel() {
        return kernel.clone();
    }

    @Override
    public int[] strides() {
        return strides.clone();
    }

    @Override
    public int[] dilations() {
        return dilations.clone();
    }

    @Override
    public int[] pads() {
        return pads.clone();
    }

    /** The same window with the padding the policy gives for {@code inputShape}, as explicit pads. */
    public PoolWindow resolvedFor(int[] inputShape) {
        if (padding == PaddingPolicy.EXPLICIT) {
            return this;
        }
        PoolGeometry g = PoolGeometry.of(this, inputShape);
        return new PoolWindow(kernel, strides, dilations, g.pads(), PaddingPolicy.EXPLICIT, false);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PoolWindow w && Arrays.equals(kernel, w.kernel) && Arrays.equals(strides, w.strides)
                && Arrays.equals(dilations, w.dilations) && Arrays.equals(pads, w.pads) && padding == w.padding
                && ceilMode == w.ceilMode;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(kernel) * 31 + Arrays.hashCode(pads);
    }

    @Override
    public String toString() {
        return "kernel " + Arrays.toString(kernel) + " strides " + Arrays.toString(strides) + " dilations "
                + Arrays.toString(dilations) + (padding == PaddingPolicy.EXPLICIT ? " pads " + Arrays.toString(pads)
                        : " padding " + padding) + (ceilMode ? " ceil" : "");
    }
}
