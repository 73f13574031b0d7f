package dev.vinfer.samples.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.runtime.Tensor;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageTensorsTest {

    /** A grey image with a red square of side {@code s} whose top-left corner is at (x, y). */
    private static BufferedImage withRedSquare(int w, int h, int x, int y, int s) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.GRAY);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.RED);
        g.fillRect(x, y, s, s);
        g.dispose();
        return img;
    }

    private static boolean isRed(BufferedImage img, double x, double y) {
        int p = img.getRGB((int) Math.floor(x), (int) Math.floor(y));
        return ((p >> 16) & 0xFF) > 200 && ((p >> 8) & 0xFF) < 60 && (p & 0xFF) < 60;
    }

    @Test
    void letterboxRoundTripKeepsAspectAndMapsBack() {
        BufferedImage img = withRedSquare(200, 100, 140, 20, 20); // square center (150, 30)
        Transformed t = ImageTensors.letterbox(img, 64, 64, new Color(114, 114, 114));
        assertEquals(64, t.image().getWidth());
        assertEquals(64, t.image().getHeight());
        // 200x100 scales by 0.32 to 64x32, centered: 16 rows of padding above and below.
        assertEquals(new Color(114, 114, 114).getRGB(), t.image().getRGB(5, 3), "padding has the fill colour");
        assertEquals(new Color(114, 114, 114).getRGB(), t.image().getRGB(60, 60));
        PointMap toLetterbox = t.toOriginal().inverse();
        assertEquals(48, toLetterbox.x(150), 1e-9);
        assertEquals(16 + 9.6, toLetterbox.y(30), 1e-9);
        assertTrue(isRed(t.image(), toLetterbox.x(150), toLetterbox.y(30)), "the square lands where the map says");
        assertEquals(150, t.toOriginal().x(toLetterbox.x(150)), 1e-9);
        assertEquals(30, t.toOriginal().y(toLetterbox.y(30)), 1e-9);
        Box b = new Box(140, 20, 160, 40);
        Box back = t.toOriginal().apply(toLetterbox.apply(b));
        assertEquals(1f, b.iou(back), 1e-6f);
    }

    @Test
    void letterboxOfATallImagePadsLeftAndRight() {
        Transformed t = ImageTensors.letterbox(withRedSquare(50, 100, 0, 0, 5), 100, 100, Color.BLACK);
        assertEquals(0, t.toOriginal().x(25), 1e-9, "the image starts 25 px from the left");
        assertEquals(50, t.toOriginal().x(75), 1e-9);
        assertEquals(100, t.toOriginal().y(100), 1e-9);
    }

    @Test
    void centerCropMapsBackToTheSourcePixels() {
        BufferedImage img = withRedSquare(400, 300, 290, 140, 20); // center (300, 150)
        Transformed t = ImageTensors.resizeCenterCrop(img, 256, 224, 224);
        assertEquals(224, t.image().getWidth());
        // 400x300 -> 341x256 (scale 0.8533), crop at x = (341 - 224) / 2 = 58, y = 16.
        PointMap in = t.toOriginal().inverse();
        assertEquals(300 * 341.0 / 400 - 58, in.x(300), 1e-9);
        assertEquals(150 * 256.0 / 300 - 16, in.y(150), 1e-9);
        assertTrue(isRed(t.image(), in.x(300), in.y(150)));
    }

    @Test
    void cropResizeOutsideTheImageIsBlackAndMapsBack() {
        BufferedImage img = withRedSquare(100, 100, 0, 0, 10);
        Transformed t = ImageTensors.cropResize(img, -10, -10, 40, 40, 80, 80); // 2x enlargement
        assertEquals(0, t.image().getRGB(5, 5) & 0xFFFFFF, "outside the source is black");
        assertTrue(isRed(t.image(), 30, 30), "source pixel (5, 5) is at 2 * (5 + 10) = 30");
        assertEquals(5, t.toOriginal().x(30), 1e-9);
        assertEquals(-10, t.toOriginal().y(0), 1e-9);
    }

    @Test
    void pointMapComposesAndInverts() {
        PointMap a = new PointMap(2, 3, 1, -1);
        PointMap b = new PointMap(0.5, 4, 10, 20);
        PointMap ab = a.then(b);
        assertEquals(b.x(a.x(7)), ab.x(7), 1e-12);
        assertEquals(b.y(a.y(-2)), ab.y(-2), 1e-12);
        assertEquals(7, ab.inverse().x(ab.x(7)), 1e-12);
        assertEquals(-2, ab.inverse().y(ab.y(-2)), 1e-12);
    }

    @Test
    void tensorLayoutsChannelOrderAndScaling() {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, new Color(10, 20, 30).getRGB());
        img.setRGB(1, 0, new Color(40, 50, 60).getRGB());
        Normalization n = new Normalization(0.5f, new float[] {1, 2, 3}, new float[] {1, 2, 4});
        Tensor nchw = ImageTensors.toTensor(img, ChannelOrder.RGB, Layout.NCHW, n);
        assertArrayEquals(new int[] {1, 3, 1, 2}, nchw.shape());
        // R plane, G plane, B plane: (v * 0.5 - mean) / std.
        assertArrayEquals(new float[] {4, 19, 4, 11.5f, 3, 6.75f}, nchw.toFloatArray(), 1e-6f);
        Tensor nhwcBgr = ImageTensors.toTensor(img, ChannelOrder.BGR, Layout.NHWC, n);
        assertArrayEquals(new int[] {1, 1, 2, 3}, nhwcBgr.shape());
        // Pixel by pixel, channels B, G, R; the mean/std go with the tensor channel (first channel: mean 1, std 1).
        assertArrayEquals(new float[] {14, 4, 0.5f, 29, 11.5f, 4.25f}, nhwcBgr.toFloatArray(), 1e-6f);
        Tensor grey = ImageTensors.toTensor(img, ChannelOrder.GREY, Layout.NCHW, Normalization.raw());
        assertArrayEquals(new int[] {1, 1, 1, 2}, grey.shape());
        assertEquals(0.299f * 10 + 0.587f * 20 + 0.114f * 30, grey.getFloat(0), 1e-4f);
        Tensor imagenet = ImageTensors.toTensor(img, ChannelOrder.RGB, Layout.NCHW, Normalization.imagenet());
        assertEquals((10 / 255f - 0.485f) / 0.229f, imagenet.getFloat(0), 1e-6f);
        assertEquals(-1f, ImageTensors.toTensor(img, ChannelOrder.RGB, Layout.NCHW,
                Normalization.affine(-0.1f, 0)).getFloat(0), 1e-6f, "affine: 10 * -0.1 + 0");
    }

    @Test
    void loadReportsMissingAndUndecodableFiles(@TempDir Path dir) throws IOException {
        assertThrows(NoSuchFileException.class, () -> ImageTensors.load(dir.resolve("nope.png")));
        Path text = Files.writeString(dir.resolve("notes.png"), "not an image");
        IOException e = assertThrows(IOException.class, () -> ImageTensors.load(text));
        assertTrue(e.getMessage().contains("notes.png"), e.getMessage());
        assertThrows(IOException.class, () -> ImageTensors.load(dir));
        Path png = dir.resolve("sub/out.png");
        ImageTensors.writePng(withRedSquare(7, 5, 0, 0, 2), png);
        BufferedImage back = ImageTensors.load(png);
        assertEquals(7, back.getWidth());
        assertTrue(isRed(back, 1, 1));
    }
}
