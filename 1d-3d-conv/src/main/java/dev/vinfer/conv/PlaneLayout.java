package dev.vinfer.conv;

/**
 * How one depth slice of a 3-D activation ({@code channels x height x width}) is stored for {@link SliceConv3d}:
 * each channel plane has a zero border of {@code pad} rows and columns, so that a convolution tap that falls
 * outside the image reads a zero instead of needing a bounds test, and each row has {@link #SLACK} spare floats so
 * that a whole vector may be read past the last column.
 *
 * <p>Element (c, y, x) of the slice, for y in [0, height) and x in [0, width), is at {@link #index}. Everything
 * else in the slice is border and must stay zero.
 *
 * @param channels channels per slice
 * @param height   rows per plane (without border)
 * @param width    columns per row (without border)
 * @param pad      border width on each side, at least the largest in-plane reach of a kernel reading the slice
 */
public record PlaneLayout(int channels, int height, int width, int pad) {
    /** Spare floats per row beyond the right border: the widest vector any backend reads. */
    public static final int SLACK = 16;

    public PlaneLayout {
        if (channels < 1 || height < 1 || width < 1 || pad < 0) {
            throw new IllegalArgumentException("bad plane layout " + channels + "x" + height + "x" + width + " pad "
                    + pad);
        }
        if ((long) channels * (height + 2L * pad) * (width + 2L * pad + SLACK) > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("plane layout " + channels + "x" + height + "x" + width
                    + " is too large for one array");
        }
    }

    /** Floats from one row to the next. */
    public int rowStride() {
        return width + 2 * pad + SLACK;
    }

    /** Floats from one channel plane to the next. */
    public int planeStride() {
        return (height + 2 * pad) * rowStride();
    }

    /** Floats in one slice (all channels, borders included). */
    public int sliceLength() {
        return channels * planeStride();
    }

    /** Index of element (c, y, x) within a slice. */
    public int index(int c, int y, int x) {
        return c * planeStride() + (y + pad) * rowStride() + pad + x;
    }

    /** A zeroed slice array. */
    public float[] newSlice() {
        return new float[sliceLength()];
    }

    /** Copies a dense {@code [channels][height][width]} block at {@code src[off]} into the slice interior. */
    public void fill(float[] src, int off, float[] slice) {
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                System.arraycopy(src, off + (c * height + y) * width, slice, index(c, y, 0), width);
            }
        }
    }

    /** Copies the slice interior out to a dense {@code [channels][height][width]} block at {@code dst[off]}. */
    public void extract(float[] slice, float[] dst, int off) {
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                System.arraycopy(slice, index(c, y, 0), dst, off + (c * height + y) * width, width);
            }
        }
    }
}
