package dev.vinfer.quantization;

import dev.vinfer.runtime.Tensor;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * ImageNet pre-processing for the tests (the CLI has its own in the samples module, which this module cannot
 * depend on): shorter side to 256 (bilinear), center crop 224, RGB / 255, mean/std normalization, NCHW.
 */
public final class ImageNetInputs {
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};

    private ImageNetInputs() {
    }

    public static Tensor load(Path file) throws IOException {
        BufferedImage src = ImageIO.read(file.toFile());
        double s = 256.0 / Math.min(src.getWidth(), src.getHeight());
        int w = (int) Math.round(src.getWidth() * s);
        int h = (int) Math.round(src.getHeight() * s);
        BufferedImage img = new BufferedImage(224, 224, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, -(w - 224) / 2, -(h - 224) / 2, w, h, null);
        g.dispose();
        float[] data = new float[3 * 224 * 224];
        int plane = 224 * 224;
        for (int i = 0; i < plane; i++) {
            int p = img.getRGB(i % 224, i / 224);
            int[] c = {(p >> 16) & 0xFF, (p >> 8) & 0xFF, p & 0xFF};
            for (int ch = 0; ch < 3; ch++) {
                data[ch * plane + i] = (c[ch] / 255f - MEAN[ch]) / STD[ch];
            }
        }
        return Tensor.of(data, 1, 3, 224, 224);
    }

    /** Indices of the k largest values, largest first. */
    public static int[] topK(float[] v, int k) {
        int[] idx = new int[k];
        boolean[] used = new boolean[v.length];
        for (int j = 0; j < k; j++) {
            int best = -1;
            for (int i = 0; i < v.length; i++) {
                if (!used[i] && (best < 0 || v[i] > v[best])) {
                    best = i;
                }
            }
            used[best] = true;
            idx[j] = best;
        }
        return idx;
    }
}
