package dev.vinfer.flink.images;

import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.samples.vision.ImageTensors;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * The one place where the Flink job meets the single-JVM classifier of the samples, so that each operator
 * instance classifies exactly as {@code vinfer classify} does.
 *
 * <p>INTERIM: the samples' {@code Classifier} / {@code ImagePreset} API is not on main yet; until it lands this
 * class does the ImageNet pre-processing and the softmax/top-k itself with the vision toolkit that is on main.
 * When it lands, {@link #over} becomes {@code new Classifier(ModelRunner.of(session), ImagePreset.named(preset),
 * Labels.of(labels))} and the code below goes.
 */
final class SampleClassifier {
    private final Session session;
    private final List<String> labels;

    private SampleClassifier(Session session, List<String> labels) {
        this.session = session;
        this.labels = labels;
    }

    /** A classifier over an open session (not closed by the classifier: the operator owns the session). */
    static SampleClassifier over(Session session, String preset, List<String> labels) {
        if (!preset.equals("imagenet")) {
            throw new IllegalArgumentException("unknown preset '" + preset + "'; known: imagenet");
        }
        if (session.inputs().size() != 1) {
            throw new IllegalArgumentException("the classifier model has " + session.inputs().size()
                    + " inputs " + session.inputs() + "; it must take exactly one image input");
        }
        return new SampleClassifier(session, labels);
    }

    /** Decodes an image file's bytes as {@code ImageTensors.load} decodes a file: ImageIO, then 8-bit RGB. */
    static BufferedImage decode(byte[] bytes, String path) throws IOException {
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot decode image " + path + ": " + e.getMessage(), e);
        }
        if (img == null) {
            throw new IOException("cannot decode image " + path + " (not a PNG, JPEG, GIF or BMP file?)");
        }
        return ImageTensors.toRgb(img);
    }

    /** The {@code k} most probable classes of {@code img}. */
    Classification classify(String path, BufferedImage img, int k) {
        BufferedImage crop = ImageTensors.centerCrop(ImageTensors.resizeShorterSide(img, 256), 224, 224);
        Tensor in = ImageTensors.toNchw(crop, false, 1f / 255,
                new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});
        float[] p = softmax(session.run(in).toFloatArray());
        int n = Math.min(k, p.length);
        int[] idx = new int[n];
        String[] names = new String[n];
        float[] prob = new float[n];
        boolean[] taken = new boolean[p.length];
        for (int r = 0; r < n; r++) {
            int best = -1;
            for (int i = 0; i < p.length; i++) {
                if (!taken[i] && (best < 0 || p[i] > p[best])) {
                    best = i;
                }
            }
            taken[best] = true;
            idx[r] = best;
            names[r] = best < labels.size() ? labels.get(best) : "class " + best;
            prob[r] = p[best];
        }
        return new Classification(path, idx, names, prob);
    }

    private static float[] softmax(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double[] e = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            e[i] = Math.exp((double) logits[i] - max);
            sum += e[i];
        }
        float[] p = new float[logits.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) (e[i] / sum);
        }
        return p;
    }
}
