package dev.vinfer.samples.vision;

/** Where the channel axis of an image tensor is: {@code [N, C, H, W]} or {@code [N, H, W, C]}. */
public enum Layout {
    NCHW(1, 2, 3), NHWC(3, 1, 2);

    private final int channelAxis;
    private final int heightAxis;
    private final int widthAxis;

    Layout(int channelAxis, int heightAxis, int widthAxis) {
        this.channelAxis = channelAxis;
        this.heightAxis = heightAxis;
        this.widthAxis = widthAxis;
    }

    /** The index of the channel axis in a rank-4 image tensor. */
    public int channelAxis() {
        return channelAxis;
    }

    /** The index of the height (rows) axis in a rank-4 image tensor. */
    public int heightAxis() {
        return heightAxis;
    }

    /** The index of the width (columns) axis in a rank-4 image tensor. */
    public int widthAxis() {
        return widthAxis;
    }

    /** The tensor shape for one image of this size. */
    public int[] shape(int channels, int height, int width) {
        return this == NCHW ? new int[] {1, channels, height, width} : new int[] {1, height, width, channels};
    }
}
