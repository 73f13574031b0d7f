package dev.vinfer.flink.images;

import dev.vinfer.runtime.Session;
import dev.vinfer.samples.Classifier;
import dev.vinfer.samples.ModelRunner;
import dev.vinfer.samples.vision.ImagePreset;
import dev.vinfer.samples.vision.ImageTensors;
import dev.vinfer.samples.vision.Labels;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Where the Flink job meets the samples' {@link Classifier}, the very code behind {@code vinfer classify}: each
 * operator instance wraps its session in one, so the job classifies exactly as the single-JVM command does.
 */
final class SampleClassifier {
    private final Classifier classifier;

    private SampleClassifier(Classifier classifier) {
        this.classifier = classifier;
    }

    /**
     * A classifier over an open session, with the named preset fitted to the model's input; the operator owns the
     * session (this classifier is never closed, which would close it). IllegalArgumentException for an unknown
     * preset or a model the preset cannot feed.
     */
    static SampleClassifier over(Session session, String preset, List<String> labels) {
        return new SampleClassifier(new Classifier(ModelRunner.of(session), ImagePreset.named(preset),
                Labels.of(labels)));
    }

    /** The names {@link Labels#load} reads from a labels file, as a list that can travel in the job. */
    static List<String> labelNames(Labels labels) {
        String[] names = new String[labels.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = labels.name(i, names.length);
        }
        return List.of(names);
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
        List<Classifier.Prediction> top = classifier.classify(img, k);
        int n = top.size();
        int[] idx = new int[n];
        String[] names = new String[n];
        float[] prob = new float[n];
        for (int i = 0; i < n; i++) {
            idx[i] = top.get(i).index();
            names[i] = top.get(i).label();
            prob[i] = top.get(i).probability();
        }
        return new Classification(path, idx, names, prob);
    }
}
