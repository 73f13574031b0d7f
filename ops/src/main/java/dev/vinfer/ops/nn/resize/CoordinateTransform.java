package dev.vinfer.ops.nn.resize;

/**
 * Maps an output index along one axis to a (fractional) input coordinate.
 *
 * <p>{@code scale} is the axis' scale factor (given, or output size / input size), and {@code outWidth} the exact
 * {@code scale * inLen}, which may be fractional when the size came from a scale; the ONNX reference results are
 * computed with it (align_corners on a scaled axis divides by {@code outWidth - 1}, not by the integer size).
 */
public enum CoordinateTransform {
    /** {@code (y + 0.5) / scale - 0.5}. */
    HALF_PIXEL,
    /** Half pixel, shifted so that the centre of a fractional output maps to the centre of the input. */
    HALF_PIXEL_SYMMETRIC,
    /**
     * Half pixel, but 0 for an output of length 1 (as the spec and onnxruntime have it; the ONNX reference uses
     * -0.5 and compares the fractional width, which only matters for cubic sampling).
     */
    PYTORCH_HALF_PIXEL,
    /** {@code y * (in - 1) / (out - 1)}: first and last samples on the corners. */
    ALIGN_CORNERS,
    /** {@code y / scale}. */
    ASYMMETRIC,
    /** {@code (y + 0.5) / scale} (Resize-11 only). */
    TF_HALF_PIXEL_FOR_NN,
    /** Samples the region of interest {@code [roiStart, roiEnd]} (normalized coordinates) corner to corner. */
    TF_CROP_AND_RESIZE;

    double toInput(int y, double scale, int inLen, int outLen, double roiStart, double roiEnd) {
        double outWidth = scale * inLen;
        return switch (this) {
            case HALF_PIXEL -> (y + 0.5) / scale - 0.5;
            case HALF_PIXEL_SYMMETRIC -> {
                double adjustment = outLen / outWidth;
                double offset = inLen / 2.0 * (1 - adjustment);
                yield offset + (y + 0.5) / scale - 0.5;
            }
            case PYTORCH_HALF_PIXEL -> outLen > 1 ? (y + 0.5) / scale - 0.5 : 0;
            case ALIGN_CORNERS -> outWidth == 1 ? 0 : y * (inLen - 1.0) / (outWidth - 1);
            case ASYMMETRIC -> y / scale;
            case TF_HALF_PIXEL_FOR_NN -> (y + 0.5) / scale;
            case TF_CROP_AND_RESIZE -> outWidth == 1
                    ? (roiEnd - roiStart) * (inLen - 1) / 2 + roiStart * (inLen - 1)
                    : y * (roiEnd - roiStart) * (inLen - 1) / (outWidth - 1) + roiStart * (inLen - 1);
        };
    }
}
