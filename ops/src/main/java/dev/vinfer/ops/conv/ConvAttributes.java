package dev.vinfer.ops.conv;

/**
 * The normalized attributes of a Conv or ConvTranspose node: per spatial axis kernel size (null: take it from the
 * weights), strides, dilations, padding; the group count; and for ConvTranspose the output padding and optional
 * requested output shape.
 */
public record ConvAttributes(int[] kernelShape, int[] strides, int[] dilations, ConvPadding padding, int group,
        int[] outputPadding, int[] outputShape) {

    int stride(int axis) {
        return strides == null ? 1 : strides[axis];
    }

    int dilation(int axis) {
        return dilations == null ? 1 : dilations[axis];
    }

    int outputPadding(int axis) {
        return outputPadding == null ? 0 : outputPadding[axis];
    }
}
