package dev.vinfer.flink.images;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/** Generated test pictures: random shapes on random backgrounds, in several sizes, formats and colour models. */
final class TestImages {
    private static final String[] FORMATS = {"png", "jpg", "bmp", "gif"};

    private TestImages() {
    }

    /**
     * Writes {@code n} images below {@code folder} (every third one in a sub-folder) and returns their paths.
     * Also writes a text file and a hidden image, which the job must skip.
     */
    static List<Path> write(Path folder, int n, long seed) throws IOException {
        Random r = new Random(seed);
        List<Path> out = new ArrayList<>();
        Files.createDirectories(folder.resolve("sub"));
        for (int i = 0; i < n; i++) {
            String format = FORMATS[i % FORMATS.length];
            Path file = folder.resolve(i % 3 == 2 ? "sub" : ".").resolve("gen-" + i + "." + format).normalize();
            int type = i % 5 == 1 ? BufferedImage.TYPE_BYTE_GRAY
                    : i % 5 == 3 && format.equals("png") ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
            write(picture(r, 40 + r.nextInt(300), 40 + r.nextInt(240), type), format, file);
            out.add(file);
        }
        Files.writeString(folder.resolve("notes.txt"), "not an image\n");
        write(picture(r, 50, 50, BufferedImage.TYPE_INT_RGB), "png", folder.resolve(".hidden.png"));
        return out;
    }

    private static BufferedImage picture(Random r, int w, int h, int type) {
        BufferedImage img = new BufferedImage(w, h, type);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256)));
        g.fillRect(0, 0, w, h);
        for (int k = 0; k < 6; k++) {
            g.setColor(new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256), 128 + r.nextInt(128)));
            int x = r.nextInt(w);
            int y = r.nextInt(h);
            if (r.nextBoolean()) {
                g.fillOval(x, y, 1 + r.nextInt(w), 1 + r.nextInt(h));
            } else {
                g.fillRect(x - w / 4, y - h / 4, 1 + r.nextInt(w / 2), 1 + r.nextInt(h / 2));
            }
        }
        g.dispose();
        return img;
    }

    private static void write(BufferedImage img, String format, Path file) throws IOException {
        if (!ImageIO.write(img, format, file.toFile())) {
            throw new IOException("no ImageIO writer for " + format);
        }
    }
}
