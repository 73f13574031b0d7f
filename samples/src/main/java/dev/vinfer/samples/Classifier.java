package dev.vinfer.samples;

import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.samples.vision.ImagePreset;
import dev.vinfer.samples.vision.Labels;
import dev.vinfer.samples.vision.Scores;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Image classification with any single-input classifier (ImageNet models from the ONNX model zoo, MNIST, ...):
 * pre-processing from an {@link ImagePreset}, softmax when the model outputs logits, top-k with label names.
 *
 * <pre>{@code
 * try (Classifier c = Classifier.open(Path.of("resnet50.onnx"), ImagePreset.named("imagenet"),
 *         Labels.load(Path.of("imagenet_classes.txt")), new SessionOptions())) {
 *     for (Classifier.Prediction p : c.classify(ImageTensors.load(Path.of("cat.png")), 5)) {
 *         System.out.println(p.label() + " " + p.probability());
 *     }
 * }
 * }</pre>
 */
public final class Classifier implements AutoCloseable {
    private final ModelRunner runner;
    private final String inputName;
    private final ImagePreset preset;
    private final Labels labels;

    /** One class of the result. */
    public record Prediction(int index, String label, float probability) {
    }

    /**
     * Opens a classifier with vinfer. The preset's size follows the model's input when that is fixed;
     * IllegalArgumentException when the model's input does not fit the preset (channels, rank, dtype).
     */
    public static Classifier open(Path model, ImagePreset preset, Labels labels, SessionOptions options) {
        ImageModels.Opened m = ImageModels.open(model, preset, "classifier", options);
        return new Classifier(m.runner(), m.preset(), labels);
    }

    /** A classifier over any runner (the tests use ONNX Runtime); fits {@code preset} to the runner's input. */
    public Classifier(ModelRunner runner, ImagePreset preset, Labels labels) {
        var input = ImageModels.imageInput(runner.inputs(), "classifier");
        this.runner = runner;
        this.inputName = input.name();
        this.preset = ImageModels.fit(preset, input, "classifier");
        this.labels = labels;
    }

    /** The pre-processing actually used (size adapted to the model). */
    public ImagePreset preset() {
        return preset;
    }

    /** Class probabilities for one image (the model's softmax output, or the softmax of its logits). */
    public float[] probabilities(BufferedImage img) {
        Map<String, Tensor> out = runner.run(Map.of(inputName, preset.prepare(img).tensor()));
        Tensor scores = out.values().iterator().next();
        return Scores.probabilities(scores.toFloatArray());
    }

    /** The {@code k} most probable classes, most probable first. */
    public List<Prediction> classify(BufferedImage img, int k) {
        float[] p = probabilities(img);
        if (labels.size() > 0 && labels.size() != p.length && labels.size() + 1 != p.length) {
            throw new IllegalArgumentException("the labels have " + labels.size() + " names but the classifier gives "
                    + p.length + " scores");
        }
        List<Prediction> top = new ArrayList<>();
        for (Scores.Ranked r : Scores.topK(p, k)) {
            top.add(new Prediction(r.index(), labels.name(r.index(), p.length), r.score()));
        }
        return top;
    }

    @Override
    public void close() {
        runner.close();
    }
}
