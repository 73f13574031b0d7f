package dev.vinfer.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.samples.vision.ImagePreset;
import dev.vinfer.samples.vision.ImageTensors;
import dev.vinfer.samples.vision.Labels;
import dev.vinfer.testdata.SharedData;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The classifier app on the int8 ShuffleNet: the right classes for the cat and the coffee, and top-5 and
 * probabilities within 1e-3 of ONNX Runtime running the same pre-processing.
 */
class ClassifierTest {
    private static final Set<Integer> CAT = Set.of(281, 282, 285);
    private static final Set<Integer> COFFEE = Set.of(967, 968, 504);

    private static Path model() {
        return SharedData.require("models/shufflenet-v2-12-qdq/shufflenet-v2-12-qdq.onnx");
    }

    private static Labels labels() throws Exception {
        return Labels.load(SharedData.require("labels/imagenet_classes.txt"));
    }

    private static BufferedImage image(String name) throws Exception {
        return ImageTensors.load(SharedData.require("images/" + name));
    }

    private static Set<Integer> expected(String image) {
        return image.equals("chelsea.png") ? CAT : COFFEE;
    }

    /** The pipeline itself (pre-processing, softmax, labels), checked on the reference engine. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"chelsea.png", "coffee.png"})
    void pipelineOnOnnxRuntimeFindsTheClass(String name) throws Exception {
        try (Classifier c = new Classifier(new OrtRunner(model()), ImagePreset.named("imagenet"), labels())) {
            List<Classifier.Prediction> top = c.classify(image(name), 5);
            System.out.println(name + " on ONNX Runtime: " + top);
            assertTrue(expected(name).contains(top.get(0).index()), name + ": " + top);
            assertEquals(5, top.size());
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"chelsea.png", "coffee.png"})
    void vinferMatchesOnnxRuntime(String name) throws Exception {
        BufferedImage img = image(name);
        List<Classifier.Prediction> ref;
        try (Classifier c = new Classifier(new OrtRunner(model()), ImagePreset.named("imagenet"), labels())) {
            ref = c.classify(img, 5);
        }
        List<Classifier.Prediction> ours;
        try (Classifier c = Classifier.open(model(), ImagePreset.named("imagenet"), labels(),
                new SessionOptions().threads(2))) {
            ours = c.classify(img, 5);
        }
        System.out.println(name + " on vinfer: " + ours);
        assertTrue(expected(name).contains(ours.get(0).index()), name + ": " + ours);
        for (int i = 0; i < 5; i++) {
            assertEquals(ref.get(i).index(), ours.get(i).index(), "rank " + (i + 1) + ": " + ours + " vs " + ref);
            assertEquals(ref.get(i).label(), ours.get(i).label());
            assertEquals(ref.get(i).probability(), ours.get(i).probability(), 1e-3f, "rank " + (i + 1));
        }
    }

    @Test
    void aModelThatDoesNotFitThePresetIsRejectedBeforeImport() {
        Path mnist = SharedData.require("models/mnist-8/mnist-8.onnx");
        var e = assertThrows(IllegalArgumentException.class, () -> Classifier.open(mnist,
                ImagePreset.named("imagenet"), Labels.none(), new SessionOptions().threads(1)));
        assertTrue(e.getMessage().startsWith("classifier model input 'Input3' [1,1,28,28] has 1 channel(s)"),
                e.getMessage());
    }

    @Test
    void labelsWithABackgroundClassShiftByOne() {
        Labels l = Labels.of(List.of("cat", "dog"));
        assertEquals("dog", l.name(1, 2));
        assertEquals("background", l.name(0, 3));
        assertEquals("dog", l.name(2, 3));
        assertEquals("class 7", l.name(7, 10));
        assertEquals("class 1", Labels.none().name(1, 10));
    }
}
