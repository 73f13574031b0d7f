package dev.vinfer.bench.int8;

import dev.vinfer.onnx.TensorProtos;
import dev.vinfer.runtime.Tensor;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Writes N ImageNet-normalized [1, 3, 224, 224] calibration inputs as {@code input_<i>.pb} files, made from the
 * photos of a folder by seeded random crops (40-100% of the shorter side), flips and brightness jitter, for
 * {@code vinfer quantize --calibration}. The shared folder has only a few photos; augmentation gives the quantizer
 * the usual 32 inputs.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.vinfer.bench.int8.CalibrationSet PHOTO_DIR OUT_DIR [N]</pre>
 */
public final class CalibrationSet {
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};

    private CalibrationSet() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: CalibrationSet PHOTO_DIR OUT_DIR [N]");
            System.exit(2);
        }
        Path photos = Path.of(args[0]);
        Path out = Files.createDirectories(Path.of(args[1]));
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        List<Path> files;
        try (Stream<Path> s = Files.list(photos)) {
            files = s.filter(p -> p.toString().matches("(?i).*\\.(png|jpe?g)$")).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IOException("no photos in " + photos);
        }
        Random r = new Random(2024);
        for (int i = 0; i < n; i++) {
            BufferedImage src = ImageIO.read(files.get(i % files.size()).toFile());
            Tensor t = augment(src, r);
            Files.write(out.resolve("input_" + i + ".pb"), TensorProtos.encode(t, "input").toByteArray());
        }
        System.out.println("wrote " + n + " calibration inputs to " + out);
    }

    static Tensor augment(BufferedImage src, Random r) {
        int side = Math.min(src.getWidth(), src.getHeight());
        int crop = (int) (side * (0.4 + 0.6 * r.nextDouble()));
        int x0 = r.nextInt(src.getWidth() - crop + 1);
        int y0 = r.nextInt(src.getHeight() - crop + 1);
        boolean flip = r.nextBoolean();
        float gain = (float) (0.8 + 0.4 * r.nextDouble());
        BufferedImage img = new BufferedImage(224, 224, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        if (flip) {
            g.drawImage(src, 224, 0, 0, 224, x0, y0, x0 + crop, y0 + crop, null);
        } else {
            g.drawImage(src, 0, 0, 224, 224, x0, y0, x0 + crop, y0 + crop, null);
        }
        g.dispose();
        float[] d = new float[3 * 224 * 224];
        int plane = 224 * 224;
        for (int i = 0; i < plane; i++) {
            int p = img.getRGB(i % 224, i / 224);
            int[] c = {(p >> 16) & 0xFF, (p >> 8) & 0xFF, p & 0xFF};
            for (int ch = 0; ch < 3; ch++) {
                d[ch * plane + i] = (Math.min(255f, c[ch] * gain) / 255f - MEAN[ch]) / STD[ch];
            }
        }
        return Tensor.of(d, 1, 3, 224, 224);
    }
}
