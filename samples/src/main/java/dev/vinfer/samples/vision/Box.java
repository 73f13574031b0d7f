package dev.vinfer.samples.vision;

/** An axis-aligned box by its corners; x2 >= x1 and y2 >= y1 for a proper box (an inverted box has zero area). */
public record Box(float x1, float y1, float x2, float y2) {

    /** A box from its center and size, the form SSD-style detectors predict. */
    public static Box ofCenter(float cx, float cy, float w, float h) {
        return new Box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2);
    }

    /** {@code x2 - x1}, or 0 for an inverted box. */
    public float width() {
        return Math.max(0, x2 - x1);
    }

    /** {@code y2 - y1}, or 0 for an inverted box. */
    public float height() {
        return Math.max(0, y2 - y1);
    }

    /** Width times height, in squared coordinate units; 0 for an inverted box. */
    public float area() {
        return width() * height();
    }

    /** The x coordinate of the center. */
    public float centerX() {
        return (x1 + x2) / 2;
    }

    /** The y coordinate of the center. */
    public float centerY() {
        return (y1 + y2) / 2;
    }

    /** Intersection over union; 0 when the boxes don't overlap or both are empty. */
    public float iou(Box o) {
        float iw = Math.min(x2, o.x2) - Math.max(x1, o.x1);
        float ih = Math.min(y2, o.y2) - Math.max(y1, o.y1);
        if (iw <= 0 || ih <= 0) {
            return 0;
        }
        float inter = iw * ih;
        float union = area() + o.area() - inter;
        return union <= 0 ? 0 : inter / union;
    }

    /** This box clipped to {@code [0, width] x [0, height]}. */
    public Box clip(float width, float height) {
        return new Box(clamp(x1, width), clamp(y1, height), clamp(x2, width), clamp(y2, height));
    }

    private static float clamp(float v, float max) {
        return Math.max(0, Math.min(max, v));
    }

    /** Corners as {@code [x1, y1, x2, y2]}. */
    public float[] toArray() {
        return new float[] {x1, y1, x2, y2};
    }
}
