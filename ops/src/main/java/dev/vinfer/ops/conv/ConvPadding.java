package dev.vinfer.ops.conv;

/**
 * How a convolution's pads are decided: explicit begin/end values, or computed from the input size at run time
 * (ONNX auto_pad SAME_UPPER / SAME_LOWER / VALID, which the importer maps onto this without strings).
 */
public record ConvPadding(Mode mode, int[] begin, int[] end) {

    public enum Mode { EXPLICIT, SAME_UPPER, SAME_LOWER, VALID }

    public static ConvPadding explicit(int[] begin, int[] end) {
        return new ConvPadding(Mode.EXPLICIT, begin.clone(), end.clone());
    }

    public static ConvPadding auto(Mode mode) {
        return new ConvPadding(mode, null, null);
    }

    /**
     * Pads for one spatial axis of a forward convolution or pooling window, as {begin, end}. SAME keeps
     * {@code ceil(in / stride)} outputs, putting the odd pad at the end (UPPER) or the beginning (LOWER).
     */
    public int[] resolve(int axis, int in, int kernel, int stride, int dilation) {
        return switch (mode) {
            case EXPLICIT -> new int[] {begin[axis], end[axis]};
            case VALID -> new int[] {0, 0};
            case SAME_UPPER, SAME_LOWER -> {
                // In long: hostile strides and dilations must not wrap around; the geometry rejects huge pads.
                long out = Math.ceilDiv(in, stride);
                long want = Math.max(0, (out - 1) * stride + (long) (kernel - 1) * dilation + 1 - in);
                int total = (int) Math.min(want, Integer.MAX_VALUE);
                int small = total / 2;
                yield mode == Mode.SAME_UPPER ? new int[] {small, total - small} : new int[] {total - small, small};
            }
        };
    }
}
