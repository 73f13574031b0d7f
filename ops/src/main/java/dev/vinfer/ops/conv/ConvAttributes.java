package dev.vinfer.ops.conv;

/**
 * The normalized attributes of a Conv or ConvTranspose node: per spatial axis kernel size (null: take it from the
 * weights), strides, dilations, padding; the group count; and for ConvTranspose the output padding and optional
 * requested output shape.
 */
public record ConvAttributes(int[] kernelShape, int[] strides, int[] dilations, ConvPadding padding, int group,
        int[] outputPadding, int[] outputShape) {

    /**
     * Throws unless every per-axis attribute has one value per spatial axis ({@code output_shape} may also carry
     * the batch and channel dims): the accessors below index them by axis.
     */
    public void requireRank(int rank, String op) {
        requireLength(kernelShape, rank, "kernel_shape", op);
        requireLength(strides, rank, "strides", op);
        requireLength(dilations, rank, "dilations", op);
        requireLength(outputPadding, rank, "output_padding", op);
        if (padding.mode() == ConvPadding.Mode.EXPLICIT) {
            requireLength(padding.begin(), rank, "pads (begin)", op);
            requireLength(padding.end(), rank, "pads (end)", op);
        }
        if (outputShape != null && outputShape.length != rank && outputShape.length != rank + 2) {
            throw new dev.vinfer.runtime.VinferException(op + ": output_shape " + java.util.Arrays.toString(
                    outputShape) + " does not fit " + rank + " spatial axes");
        }
    }

    private static void requireLength(int[] values, int rank, String name, String op) {
        if (values != null && values.length != rank) {
            throw new dev.vinfer.runtime.VinferException(op + ": " + name + " " + java.util.Arrays.toString(values)
                    + " has " + values.length + " values for " + rank + " spatial axes");
        }
    }

    public int stride(int axis) {
        return strides == null ? 1 : strides[axis];
    }

    public int dilation(int axis) {
        return dilations == null ? 1 : dilations[axis];
    }

    int outputPadding(int axis) {
        return outputPadding == null ? 0 : outputPadding[axis];
    }
}
