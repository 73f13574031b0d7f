package dev.vinfer.ops.nn.resize;

/** How {@link ResizeMode#NEAREST} turns a fractional input coordinate into an index (clamped afterwards). */
public enum NearestRounding {
    /** Round to nearest, halves down. */
    ROUND_PREFER_FLOOR,
    /** Round to nearest, halves up. */
    ROUND_PREFER_CEIL,
    FLOOR,
    CEIL,
    /**
     * Floor when upscaling, ceil when downscaling: what nearest meant before the rounding became selectable
     * (Upsample, Resize-10), as onnxruntime implements it.
     */
    FLOOR_UP_CEIL_DOWN;

    /** The index for coordinate {@code x} on an axis resized by {@code scale}. */
    long pick(double x, double scale) {
        double f = Math.floor(x);
        double frac = x - f;
        double r = switch (this) {
            case ROUND_PREFER_FLOOR -> frac <= 0.5 ? f : f + 1;
            case ROUND_PREFER_CEIL -> frac < 0.5 ? f : f + 1;
            case FLOOR -> f;
            case CEIL -> Math.ceil(x);
            case FLOOR_UP_CEIL_DOWN -> scale < 1 ? Math.ceil(x) : f;
        };
        return (long) r;
    }
}
