package dev.vinfer.samples.vision;

import dev.vinfer.runtime.Tensor;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Image files to model input tensors: decode, resize, crop, channel order, layout and value scaling. */
public final class ImageTensors {
    private ImageTensors() {
    }

    /** Decodes an image file with ImageIO into 8-bit RGB. */
    public static BufferedImage load(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "image not found");
        }
        BufferedImage img = ImageIO.read(file.toFile());
        if (img == null) {
            throw new IOException("cannot decode image " + file + " (not a PNG, JPEG, GIF or BMP file?)");
        }
        return toRgb(img);
    }

    /** A copy in TYPE_INT_RGB (drops alpha over black, converts grey and indexed images). */
    public static BufferedImage toRgb(BufferedImage img) {
        if (img.getType() == BufferedImage.TYPE_INT_RGB) {
            return img;
        }
        BufferedImage out = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(img, 0, 0, null);
        g.dispose();
        return out;
    }

    /** Bilinear resize to exactly width x height. */
    public static BufferedImage resize(BufferedImage img, int width, int height) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(img, 0, 0, width, height, null);
        g.dispose();
        return out;
    }

    /** Resize so the shorter side is {@code shorter}, keeping the aspect ratio. */
    public static BufferedImage resizeShorterSide(BufferedImage img, int shorter) {
        double s = (double) shorter / Math.min(img.getWidth(), img.getHeight());
        return resize(img, Math.max(1, (int) Math.round(img.getWidth() * s)),
                Math.max(1, (int) Math.round(img.getHeight() * s)));
    }

    /** The centered width x height region. */
    public static BufferedImage centerCrop(BufferedImage img, int width, int height) {
        int x = Math.max(0, (img.getWidth() - width) / 2);
        int y = Math.max(0, (img.getHeight() - height) / 2);
        return crop(img, x, y, width, height);
    }

    /** A region as a new image; parts outside the source are black. */
    public static BufferedImage crop(BufferedImage img, int x, int y, int width, int height) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(img, -x, -y, null);
        g.dispose();
        return out;
    }

    /**
     * NCHW float tensor [1, 3, H, W]: {@code (pixel * scale - mean[c]) / std[c]} per channel, channels in RGB or
     * BGR order. For ImageNet models: scale 1/255, mean {0.485, 0.456, 0.406}, std {0.229, 0.224, 0.225}.
     */
    public static Tensor toNchw(BufferedImage img, boolean bgr, float scale, float[] mean, float[] std) {
        int w = img.getWidth();
        int h = img.getHeight();
        float[] data = new float[3 * h * w];
        int[] rgb = img.getRGB(0, 0, w, h, null, 0, w);
        int plane = h * w;
        for (int i = 0; i < plane; i++) {
            int p = rgb[i];
            float[] c = {(p >> 16) & 0xFF, (p >> 8) & 0xFF, p & 0xFF};
            for (int ch = 0; ch < 3; ch++) {
                int src = bgr ? 2 - ch : ch;
                data[ch * plane + i] = (c[src] * scale - mean[ch]) / std[ch];
            }
        }
        return Tensor.of(data, 1, 3, h, w);
    }

    /** NHWC float tensor [1, H, W, 3] with the same scaling as {@link #toNchw}. */
    public static Tensor toNhwc(BufferedImage img, boolean bgr, float scale, float[] mean, float[] std) {
        Tensor nchw = toNchw(img, bgr, scale, mean, std);
        int h = img.getHeight();
        int w = img.getWidth();
        float[] src = nchw.floats();
        float[] dst = new float[src.length];
        for (int i = 0; i < h * w; i++) {
            for (int c = 0; c < 3; c++) {
                dst[i * 3 + c] = src[c * h * w + i];
            }
        }
        return Tensor.of(dst, 1, h, w, 3);
    }

    /** Grey [1, 1, H, W] tensor of luminance * scale. */
    public static Tensor toGrey(BufferedImage img, float scale) {
        int w = img.getWidth();
        int h = img.getHeight();
        float[] data = new float[h * w];
        int[] rgb = img.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < data.length; i++) {
            int p = rgb[i];
            data[i] = (0.299f * ((p >> 16) & 0xFF) + 0.587f * ((p >> 8) & 0xFF) + 0.114f * (p & 0xFF)) * scale;
        }
        return Tensor.of(data, 1, 1, h, w);
    }
}
