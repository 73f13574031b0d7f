package dev.vinfer.samples.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class AnnotatorTest {

    @Test
    void drawsOnACopyWithBoxLabelAndPoints() {
        BufferedImage img = new BufferedImage(200, 160, BufferedImage.TYPE_INT_RGB); // black
        Color green = Annotator.color(0);
        BufferedImage out = Annotator.copyOf(img).box(new Box(50, 60, 150, 140), green, "face 0.99")
                .points(new float[][] {{100, 100}}, Color.WHITE, 3).image();
        assertEquals(0, img.getRGB(50, 100) & 0xFFFFFF, "the original is untouched");
        assertTrue(greenish(out.getRGB(50, 100)), "left edge of the box (antialiased)");
        assertEquals(green.getRGB(), out.getRGB(50, 50), "label background just above the box");
        assertEquals(Color.WHITE.getRGB(), out.getRGB(100, 100), "the point");
        assertEquals(0, out.getRGB(100, 120) & 0xFFFFFF, "inside the box stays as it was");
        boolean text = false;
        for (int x = 50; x < 120; x++) {
            for (int y = 45; y < 60; y++) {
                text |= out.getRGB(x, y) != green.getRGB();
            }
        }
        assertTrue(text, "label text is drawn on the background");
    }

    @Test
    void labelsStayInsideThePicture() {
        BufferedImage img = new BufferedImage(100, 100, BufferedImage.TYPE_INT_RGB);
        Color c = Annotator.color(2);
        BufferedImage out = Annotator.copyOf(img).box(new Box(0, 0, 40, 40), c, "top").image();
        assertEquals(c.getRGB(), out.getRGB(1, 8), "no room above: the label goes inside the box");
    }

    private static boolean greenish(int rgb) {
        Color c = new Color(rgb);
        return c.getGreen() > 100 && c.getRed() < 60 && c.getBlue() < 100;
    }

    @Test
    void zoomedViewMapsOriginalCoordinates() {
        BufferedImage img = new BufferedImage(300, 300, BufferedImage.TYPE_INT_RGB);
        Annotator a = Annotator.zoomed(img, new Box(100, 100, 150, 125), 200);
        assertEquals(200, a.image().getWidth());
        assertEquals(100, a.image().getHeight());
        assertEquals(0, a.view().x(100), 1e-9);
        assertEquals(200, a.view().x(150), 1e-9);
        a.points(new float[][] {{125, 112.5f}}, Color.RED, 4);
        assertEquals(Color.RED.getRGB(), a.image().getRGB(100, 50));
    }

    @Test
    void textColourContrastsWithTheBackground() {
        assertEquals(Color.BLACK, Annotator.textColorOn(Color.YELLOW));
        assertEquals(Color.WHITE, Annotator.textColorOn(new Color(0x2979FF)));
        assertNotEquals(Annotator.color(0), Annotator.color(1));
    }
}
