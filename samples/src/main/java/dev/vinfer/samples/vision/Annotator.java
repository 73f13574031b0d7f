package dev.vinfer.samples.vision;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;

/**
 * Draws detection results onto a copy of an image with Java2D: boxes, labels on filled backgrounds (readable on
 * any photo), and points; everything antialiased, line widths and font size scaled to the picture. Coordinates are
 * always the original image's pixels; a {@link #zoomed} annotator shows just a region, enlarged, so that small
 * things such as a face mesh stay visible.
 *
 * <pre>{@code
 * BufferedImage out = Annotator.copyOf(photo).box(face.box(), Annotator.color(0), "face 0.99").image();
 * ImageTensors.writePng(out, Path.of("out.png"));
 * }</pre>
 *
 * <p>Not thread-safe: an annotator holds the graphics context of its canvas; use one per picture and thread.
 */
public final class Annotator {
    private static final Color[] PALETTE = {new Color(0x00C853), new Color(0x2979FF), new Color(0xFF1744),
        new Color(0xFFC400), new Color(0xD500F9), new Color(0x00E5FF), new Color(0xFF9100), new Color(0x76FF03)};

    private final BufferedImage canvas;
    private final Graphics2D g;
    private final PointMap view; // original pixels -> canvas pixels
    private final float lineWidth;

    private Annotator(BufferedImage canvas, PointMap view) {
        this.canvas = canvas;
        this.view = view;
        this.g = canvas.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        int shorter = Math.min(canvas.getWidth(), canvas.getHeight());
        this.lineWidth = Math.max(2f, shorter / 200f);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(11, Math.round(shorter / 32f))));
    }

    /** Draws on a copy of {@code img} (the original is not changed). */
    public static Annotator copyOf(BufferedImage img) {
        BufferedImage copy = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D cg = copy.createGraphics();
        cg.drawImage(img, 0, 0, null);
        cg.dispose();
        return new Annotator(copy, PointMap.identity());
    }

    /**
     * Draws on an enlarged copy of {@code region} of {@code img} (clipped to the image), scaled so its longer side
     * is {@code longSide} pixels.
     */
    public static Annotator zoomed(BufferedImage img, Box region, int longSide) {
        Box r = region.clip(img.getWidth(), img.getHeight());
        int x = (int) Math.floor(r.x1());
        int y = (int) Math.floor(r.y1());
        int w = Math.max(1, (int) Math.ceil(r.x2()) - x);
        int h = Math.max(1, (int) Math.ceil(r.y2()) - y);
        double s = (double) longSide / Math.max(w, h);
        int cw = Math.max(1, (int) Math.round(w * s));
        int ch = Math.max(1, (int) Math.round(h * s));
        Transformed t = ImageTensors.cropResize(img, x, y, w, h, cw, ch);
        return new Annotator(t.image(), t.toOriginal().inverse());
    }

    /** A distinct, saturated colour for index {@code i} (cycles through eight). */
    public static Color color(int i) {
        return PALETTE[Math.floorMod(i, PALETTE.length)];
    }

    /** A box outline. */
    public Annotator box(Box b, Color color) {
        Box c = view.apply(b);
        g.setColor(color);
        g.setStroke(new BasicStroke(lineWidth, BasicStroke.CAP_SQUARE, BasicStroke.JOIN_MITER));
        g.draw(new Rectangle2D.Float(c.x1(), c.y1(), c.width(), c.height()));
        return this;
    }

    /** A box outline with a label on its top edge (above the box when there is room, else just inside). */
    public Annotator box(Box b, Color color, String label) {
        box(b, color);
        if (label != null && !label.isEmpty()) {
            Box c = view.apply(b);
            FontMetrics fm = g.getFontMetrics();
            float h = fm.getHeight();
            float top = c.y1() - h >= 0 ? c.y1() - h : c.y1();
            labelAt(c.x1() - lineWidth / 2, top, label, color);
        }
        return this;
    }

    /** A label whose top-left corner is at (x, y) in original pixels. */
    public Annotator label(float x, float y, String text, Color background) {
        labelAt((float) view.x(x), (float) view.y(y), text, background);
        return this;
    }

    private void labelAt(float x, float y, String text, Color background) {
        FontMetrics fm = g.getFontMetrics();
        float pad = Math.max(2, fm.getHeight() / 6f);
        float w = fm.stringWidth(text) + 2 * pad;
        float h = fm.getHeight();
        // Keep the label inside the picture so it is never cut off.
        x = Math.max(0, Math.min(x, canvas.getWidth() - w));
        y = Math.max(0, Math.min(y, canvas.getHeight() - h));
        g.setColor(background);
        g.fill(new Rectangle2D.Float(x, y, w, h));
        g.setColor(textColorOn(background));
        g.drawString(text, x + pad, y + fm.getAscent());
    }

    /** Black or white, whichever reads better on {@code bg} (by its luminance). */
    static Color textColorOn(Color bg) {
        double lum = 0.299 * bg.getRed() + 0.587 * bg.getGreen() + 0.114 * bg.getBlue();
        return lum > 140 ? Color.BLACK : Color.WHITE;
    }

    /** Filled dots of the given radius (canvas pixels) at {@code points[i] = {x, y, ...}} (original pixels). */
    public Annotator points(float[][] points, Color color, float radius) {
        g.setColor(color);
        for (float[] p : points) {
            double x = view.x(p[0]);
            double y = view.y(p[1]);
            g.fill(new Ellipse2D.Double(x - radius, y - radius, 2 * radius, 2 * radius));
        }
        return this;
    }

    /** A dot radius that suits this canvas. */
    public float pointRadius() {
        return Math.max(1f, lineWidth * 0.6f);
    }

    /** The annotated copy. Further drawing still goes onto it. */
    public BufferedImage image() {
        return canvas;
    }

    /** Where original pixel coordinates land on the canvas. */
    public PointMap view() {
        return view;
    }
}
