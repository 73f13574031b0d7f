package dev.vinfer.samples.vision;

/**
 * An axis-aligned affine map between two image coordinate systems: {@code x' = x * scaleX + offsetX}, same for y.
 * Pre-processing steps (resize, crop, letterbox) return the map from the model input's pixels back to the original
 * image's, so that boxes and points a model finds can be drawn on the original. Coordinates are continuous: pixel
 * {@code i} covers {@code [i, i + 1)}.
 */
public record PointMap(double scaleX, double scaleY, double offsetX, double offsetY) {

    /** The map that changes nothing. */
    public static PointMap identity() {
        return new PointMap(1, 1, 0, 0);
    }

    /** From an image of {@code toW x toH} pixels to one of {@code fromW x fromH}: undoes a resize. */
    public static PointMap ofResize(int fromW, int fromH, int toW, int toH) {
        return new PointMap((double) fromW / toW, (double) fromH / toH, 0, 0);
    }

    /** From normalized [0, 1] coordinates to pixels of a {@code width x height} image. */
    public static PointMap ofNormalized(int width, int height) {
        return new PointMap(width, height, 0, 0);
    }

    /** Shift by (dx, dy): undoes cropping at (dx, dy). */
    public static PointMap ofShift(double dx, double dy) {
        return new PointMap(1, 1, dx, dy);
    }

    /** This map, then {@code next}. */
    public PointMap then(PointMap next) {
        return new PointMap(scaleX * next.scaleX, scaleY * next.scaleY, offsetX * next.scaleX + next.offsetX,
                offsetY * next.scaleY + next.offsetY);
    }

    /** The map back (scales must be nonzero). */
    public PointMap inverse() {
        return new PointMap(1 / scaleX, 1 / scaleY, -offsetX / scaleX, -offsetY / scaleY);
    }

    /** Maps an x coordinate. */
    public double x(double x) {
        return x * scaleX + offsetX;
    }

    /** Maps a y coordinate. */
    public double y(double y) {
        return y * scaleY + offsetY;
    }

    /** Maps a box's corners. */
    public Box apply(Box b) {
        return new Box((float) x(b.x1()), (float) y(b.y1()), (float) x(b.x2()), (float) y(b.y2()));
    }
}
