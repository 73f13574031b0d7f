package dev.vinfer.cli;

import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.samples.Classifier;
import dev.vinfer.samples.Json;
import dev.vinfer.samples.vision.ImagePreset;
import dev.vinfer.samples.vision.ImageTensors;
import dev.vinfer.samples.vision.Labels;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vinfer classify}: top-k classes of images with any single-input image classifier. */
@Command(name = "classify", mixinStandardHelpOptions = true,
        description = {"Classify images: top-k classes with probabilities (softmax applied when the model outputs "
            + "logits).", "Presets: imagenet (default; 256 -> center 224, RGB, ImageNet mean/std), inception, caffe, "
            + "mnist, ultraface, facemesh, yolo. The input size follows the model when it is fixed."})
final class ClassifyCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "MODEL.onnx", description = "The classifier.")
    Path model;

    @Option(names = "--labels", paramLabel = "FILE", description = "Class names, one per line (line i = class i).")
    Path labels;

    @Option(names = "--top", defaultValue = "5", paramLabel = "K", description = "How many classes (default 5).")
    int top;

    @Option(names = "--json", description = "One JSON object per image: {\"image\", \"top\": [{index, label, "
            + "probability}]}.")
    boolean json;

    @Mixin
    PresetOptions presetOptions;

    @Option(names = "--threads", paramLabel = "N", description = "Intra-op threads (default: all cores).")
    Integer threads;

    @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "PNG, JPEG, GIF or BMP files.")
    List<Path> images;

    @Override
    public Integer call() throws Exception {
        if (top < 1) {
            throw new Main.UserError("--top must be at least 1, got " + top);
        }
        for (Path image : images) {
            ImageTensors.checkReadable(image); // fail before the model loads, not after some results
        }
        Labels names = labels == null ? Labels.none() : Labels.load(labels);
        ImagePreset preset = presetOptions.preset("imagenet");
        SessionOptions opts = new SessionOptions();
        if (threads != null) {
            opts.threads(threads);
        }
        try (Classifier c = Classifier.open(model, preset, names, opts)) {
            presetOptions.checkSize(c.preset());
            for (Path image : images) {
                BufferedImage img = ImageTensors.load(image);
                List<Classifier.Prediction> result = c.classify(img, top);
                System.out.println(json ? toJson(image, result) : toText(image, result));
            }
        }
        return 0;
    }

    static String toJson(Path image, List<Classifier.Prediction> top) {
        StringBuilder b = new StringBuilder("{\"image\": ").append(Json.str(image.toString())).append(", \"top\": [");
        for (int i = 0; i < top.size(); i++) {
            Classifier.Prediction p = top.get(i);
            b.append(i == 0 ? "" : ", ").append("{\"index\": ").append(p.index()).append(", \"label\": ")
                    .append(Json.str(p.label())).append(", \"probability\": ").append(Json.num(p.probability(), 6))
                    .append('}');
        }
        return b.append("]}").toString();
    }

    static String toText(Path image, List<Classifier.Prediction> top) {
        StringBuilder b = new StringBuilder(image.toString());
        for (Classifier.Prediction p : top) {
            b.append(String.format(Locale.ROOT, "%n  %6.4f  %4d  %s", p.probability(), p.index(), p.label()));
        }
        return b.toString();
    }
}
