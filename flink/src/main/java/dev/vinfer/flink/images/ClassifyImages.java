package dev.vinfer.flink.images;

import dev.vinfer.flink.Inference;
import dev.vinfer.flink.InferenceBinding;
import dev.vinfer.runtime.Session;
import dev.vinfer.samples.vision.ImagePreset;
import java.util.List;

/**
 * Classifies image files with the samples' classifier: decode, pre-process with the named preset, run, softmax,
 * top-k with label names. Carries only the preset name, the labels and k; the model comes from the operator.
 */
public final class ClassifyImages implements InferenceBinding<ImageFile, Classification> {
    private static final long serialVersionUID = 1L;

    private final String preset;
    private final List<String> labels;
    private final int top;

    /** {@code labels}: class names, line i = class i (may be empty: classes are then named "class i"). */
    public ClassifyImages(String preset, List<String> labels, int top) {
        if (top < 1) {
            throw new IllegalArgumentException("top must be at least 1, got " + top);
        }
        ImagePreset.named(preset); // an unknown name fails here, when the job is built, not in every task
        this.preset = preset;
        this.labels = List.copyOf(labels);
        this.top = top;
    }

    public int top() {
        return top;
    }

    @Override
    public Inference<ImageFile, Classification> bind(Session session) {
        SampleClassifier classifier = SampleClassifier.over(session, preset, labels);
        return file -> classifier.classify(file.path(), SampleClassifier.decode(file.bytes(), file.path()), top);
    }
}
