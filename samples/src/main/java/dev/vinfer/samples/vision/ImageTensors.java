package dev.vinfer.samples.vision;

import dev.vinfer.runtime.Tensor;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Image files to model input tensors: decode, resize, crop, letterbox, channel order, layout and value scaling;
 * and writing PNGs. The geometric steps come in two forms: plain ({@link #resize}, {@link #centerCrop}, ...) and
 * {@link Transformed} ({@link #resizeTo}, {@link #resizeCenterCrop}, {@link #letterbox}, {@link #cropResize}), which
 * also return the map from the new image's pixels back to the original's.
 *
 * <p>Stateless and thread-safe. No step changes its input image; each returns a new image or tensor, except
 * {@link #toRgb}, which returns its input when that is already {@code TYPE_INT_RGB}. Pixel values are the 8-bit RGB
 * channels Java2D reports (0..255) before {@link Normalization}.
 */
public final class ImageTensors {
    private ImageTensors() {
    }

    /** Decodes an image file with ImageIO into 8-bit RGB. */
    public static BufferedImage load(Path file) throws IOException {
        checkReadable(file);
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            // ImageIO reports truncated or corrupt files with assorted exceptions; the user needs the file name.
            throw new IOException("cannot decode image " + file + ": " + e.getMessage(), e);
        }
        if (img == null) {
            throw new IOException("cannot decode image " + file + " (not a PNG, JPEG, GIF or BMP file?)");
        }
        return toRgb(img);
    }

    /** Fails with a clear IOException when {@code file} is missing, a folder or not readable. */
    public static void checkReadable(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "image not found");
        }
        if (Files.isDirectory(file)) {
            throw new IOException("image " + file + " is a folder, not a file");
        }
        if (!Files.isReadable(file)) {
            throw new AccessDeniedException(file.toString(), null, "image not readable");
        }
    }

    /** Writes {@code img} as a PNG, creating missing parent folders. */
    public static void writePng(BufferedImage img, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer for this image type");
        }
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

    /** Bilinear resize to exactly width x height (aspect ratio not kept), with the map back. */
    public static Transformed resizeTo(BufferedImage img, int width, int height) {
        return new Transformed(resize(img, width, height),
                PointMap.ofResize(img.getWidth(), img.getHeight(), width, height));
    }

    /**
     * The classic classifier pre-processing: resize so the shorter side is {@code shorter}, then take the centered
     * width x height region (e.g. 256 then 224 for ImageNet models).
     */
    public static Transformed resizeCenterCrop(BufferedImage img, int shorter, int width, int height) {
        BufferedImage resized = resizeShorterSide(img, shorter);
        int x = (resized.getWidth() - width) / 2;
        int y = (resized.getHeight() - height) / 2;
        PointMap back = PointMap.ofShift(x, y).then(PointMap.ofResize(img.getWidth(), img.getHeight(),
                resized.getWidth(), resized.getHeight()));
        return new Transformed(crop(resized, x, y, width, height), back);
    }

    /**
     * Resize keeping the aspect ratio so the whole image fits in width x height, centered, the rest filled with
     * {@code fill} (detectors trained on letterboxed inputs, e.g. YOLO with grey 114).
     */
    public static Transformed letterbox(BufferedImage img, int width, int height, Color fill) {
        double s = Math.min((double) width / img.getWidth(), (double) height / img.getHeight());
        int w = Math.max(1, Math.min(width, (int) Math.round(img.getWidth() * s)));
        int h = Math.max(1, Math.min(height, (int) Math.round(img.getHeight() * s)));
        int padX = (width - w) / 2;
        int padY = (height - h) / 2;
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(fill);
        g.fillRect(0, 0, width, height);
        g.drawImage(resize(img, w, h), padX, padY, null);
        g.dispose();
        PointMap back = PointMap.ofShift(-padX, -padY).then(PointMap.ofResize(img.getWidth(), img.getHeight(), w, h));
        return new Transformed(out, back);
    }

    /**
     * The region at (x, y) of size regionW x regionH (parts outside the image are black), resized to
     * width x height: e.g. a face crop for a landmark model.
     */
    public static Transformed cropResize(BufferedImage img, int x, int y, int regionW, int regionH, int width,
            int height) {
        BufferedImage region = crop(img, x, y, regionW, regionH);
        PointMap back = PointMap.ofResize(regionW, regionH, width, height).then(PointMap.ofShift(x, y));
        return new Transformed(resize(region, width, height), back);
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
     * A float tensor of the image: channels in {@code order}, laid out as {@code layout}, values normalized by
     * {@code norm}. Shape {@code [1, C, H, W]} or {@code [1, H, W, C]}; C is 1 for {@link ChannelOrder#GREY}
     * (luminance 0.299 R + 0.587 G + 0.114 B).
     */
    public static Tensor toTensor(BufferedImage img, ChannelOrder order, Layout layout, Normalization norm) {
        int w = img.getWidth();
        int h = img.getHeight();
        int channels = order.channels();
        int plane = h * w;
        float[] data = new float[channels * plane];
        int[] rgb = img.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < plane; i++) {
            int p = rgb[i];
            int r = (p >> 16) & 0xFF;
            int g = (p >> 8) & 0xFF;
            int b = p & 0xFF;
            for (int c = 0; c < channels; c++) {
                float v = switch (order) {
                    case RGB -> c == 0 ? r : c == 1 ? g : b;
                    case BGR -> c == 0 ? b : c == 1 ? g : r;
                    case GREY -> 0.299f * r + 0.587f * g + 0.114f * b;
                };
                int at = layout == Layout.NCHW ? c * plane + i : i * channels + c;
                data[at] = norm.apply(c, v);
            }
        }
        return Tensor.of(data, layout.shape(channels, h, w));
    }

    /**
     * NCHW float tensor [1, 3, H, W]: {@code (pixel * scale - mean[c]) / std[c]} per channel, channels in RGB or
     * BGR order. For ImageNet models: scale 1/255, mean {0.485, 0.456, 0.406}, std {0.229, 0.224, 0.225}.
     */
    public static Tensor toNchw(BufferedImage img, boolean bgr, float scale, float[] mean, float[] std) {
        return toTensor(img, bgr ? ChannelOrder.BGR : ChannelOrder.RGB, Layout.NCHW,
                new Normalization(scale, mean, std));
    }

    /** NHWC float tensor [1, H, W, 3] with the same scaling as {@link #toNchw}. */
    public static Tensor toNhwc(BufferedImage img, boolean bgr, float scale, float[] mean, float[] std) {
        return toTensor(img, bgr ? ChannelOrder.BGR : ChannelOrder.RGB, Layout.NHWC,
                new Normalization(scale, mean, std));
    }

    /** Grey [1, 1, H, W] tensor of luminance * scale. */
    public static Tensor toGrey(BufferedImage img, float scale) {
        return toTensor(img, ChannelOrder.GREY, Layout.NCHW, Normalization.affine(scale, 0));
    }
}
