package dev.vinfer.ops.quant;

import dev.vinfer.runtime.VinferException;
import java.util.Arrays;

/**
 * The Conv attributes of QLinearConv and ConvInteger, normalized by the importer: per spatial axis strides,
 * dilations and explicit pads, or a {@link PadMode} that derives pads from the input size at run time.
 * Null arrays mean "the default for the spatial rank" (strides and dilations 1, pads 0, kernel from w).
 */
public record ConvGeometry(int[] kernelShape, int[] strides, int[] pads, int[] dilations, int group,
        PadMode padMode) {

    /** How padding is chosen: explicit pads, or ONNX's SAME_UPPER / SAME_LOWER / VALID auto padding. */
    public enum PadMode {
        EXPLICIT, SAME_UPPER, SAME_LOWER, VALID
    }

    public ConvGeometry {
        if (group < 1) {
            throw new VinferException("group must be at least 1, got " + group);
        }
    }

    /** Output spatial dims and the pads actually applied, for one input. */
    public record Resolved(int[] kernel, int[] strides, int[] dilations, int[] padBegin, int[] outDims) {
    }

    /** Resolves this geometry for an input of spatial dims {@code in} and a kernel of spatial dims {@code kernel}. */
    public Resolved resolve(int[] in, int[] kernel) {
        int r = in.length;
        if (kernelShape != null && !Arrays.equals(kernelShape, kernel)) {
            throw new VinferException("kernel_shape " + Arrays.toString(kernelShape) + " does not match weights "
                    + Arrays.toString(kernel));
        }
        int[] st = orOnes(strides, r, "strides");
        int[] dil = orOnes(dilations, r, "dilations");
        if (pads != null && pads.length != 2 * r) {
            throw new VinferException("pads has " + pads.length + " values for " + r + " spatial axes");
        }
        int[] begin = new int[r];
        int[] out = new int[r];
        for (int a = 0; a < r; a++) {
            long effectiveKernel = (long) (kernel[a] - 1) * dil[a] + 1;
            long o;
            switch (padMode) {
                case SAME_UPPER, SAME_LOWER -> {
                    o = (in[a] + st[a] - 1L) / st[a];
                    long total = Math.max(0, (o - 1) * st[a] + effectiveKernel - in[a]);
                    begin[a] = (int) (padMode == PadMode.SAME_UPPER ? total / 2 : total - total / 2);
                }
                case VALID -> o = Math.floorDiv(in[a] - effectiveKernel, st[a]) + 1;
                default -> {
                    int pb = pads == null ? 0 : pads[a];
                    int pe = pads == null ? 0 : pads[a + r];
                    begin[a] = pb;
                    o = Math.floorDiv(in[a] + (long) pb + pe - effectiveKernel, st[a]) + 1;
                }
            }
            if (o < 0 || o > Integer.MAX_VALUE) {
                throw new VinferException("convolution output dim " + o + " is out of range on spatial axis " + a);
            }
            out[a] = (int) o;
        }
        return new Resolved(kernel.clone(), st, dil, begin, out);
    }

    private static int[] orOnes(int[] v, int rank, String name) {
        if (v == null) {
            int[] ones = new int[rank];
            Arrays.fill(ones, 1);
            return ones;
        }
        if (v.length != rank) {
            throw new VinferException(name + " has " + v.length + " values for " + rank + " spatial axes");
        }
        for (int x : v) {
            if (x < 1) {
                throw new VinferException(name + " must be positive, got " + Arrays.toString(v));
            }
        }
        return v.clone();
    }
}
