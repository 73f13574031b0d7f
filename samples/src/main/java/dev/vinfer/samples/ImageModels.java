package dev.vinfer.samples;

import dev.vinfer.onnx.OnnxModel;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.ValueInfo;
import dev.vinfer.samples.vision.ImagePreset;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** What the apps share: a model with one image input, checked against a preset before it is imported. */
final class ImageModels {
    private ImageModels() {
    }

    /** The one input of an image model; IllegalArgumentException when there are several or none. */
    static ValueInfo imageInput(List<ValueInfo> inputs, String role) {
        if (inputs.size() != 1) {
            throw new IllegalArgumentException("the " + role + " model has " + inputs.size()
                    + " inputs " + inputs + "; it must take exactly one image input");
        }
        return inputs.get(0);
    }

    /** A model opened with vinfer, and the preset fitted to its input (checked before the graph is imported). */
    record Opened(ModelRunner runner, ImagePreset preset) {
    }

    static Opened open(Path model, ImagePreset preset, String role, SessionOptions options) {
        OnnxModel m = OnnxModel.load(model, options.limits());
        ImagePreset fitted = fit(preset, imageInput(ModelInputs.declared(m), role), role);
        return new Opened(ModelRunner.open(m, options), fitted);
    }

    /** {@link ImagePreset#fitTo}, its error naming the model's role (which of two models did not fit). */
    static ImagePreset fit(ImagePreset preset, ValueInfo input, String role) {
        try {
            return preset.fitTo(input);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(role + " " + e.getMessage(), e);
        }
    }

    /** Finds an output by name, else the first one {@code accept} takes; IllegalArgumentException if none. */
    static Tensor output(Map<String, Tensor> outputs, String name, Predicate<Tensor> accept,
            String role, String expected) {
        Tensor t = outputs.get(name);
        if (t != null && accept.test(t)) {
            return t;
        }
        for (Tensor o : outputs.values()) {
            if (accept.test(o)) {
                return o;
            }
        }
        StringBuilder got = new StringBuilder();
        outputs.forEach((k, v) -> got.append(got.isEmpty() ? "" : ", ").append(k)
                .append(Arrays.toString(v.shape())));
        throw new IllegalArgumentException("the " + role + " model has no output like " + expected + "; it gives "
                + got);
    }

    static float sigmoid(float x) {
        return (float) (1 / (1 + Math.exp(-x)));
    }
}
