package dev.vinfer.docs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.samples.vision.ImageTensors;
import dev.vinfer.testdata.SharedData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Runs every example of the user guide on the MNIST model. */
class GuideExamplesTest {
    private final Path mnist = SharedData.require("models/mnist-8/mnist-8.onnx");

    @Test
    void examplesRun() throws Exception {
        float[] logits = GuideExamples.load(mnist, new float[784]);
        assertEquals(10, logits.length);
        GuideExamples.describe(mnist);
        assertEquals(10, GuideExamples.options(mnist, Tensor.zeros(dev.vinfer.runtime.DType.FLOAT32, 1, 1, 28, 28))
                .values().iterator().next().size());
        Tensor[] inputs = new Tensor[6];
        for (int i = 0; i < inputs.length; i++) {
            float[] px = new float[784];
            px[i * 100] = 255;
            inputs[i] = Tensor.of(px, 1, 1, 28, 28);
        }
        float[][] results = GuideExamples.concurrent(mnist, inputs);
        assertEquals(6, results.length);
        float[][] both = GuideExamples.sharedPool(mnist, mnist, inputs[0]);
        assertArrayEquals(results[0], both[0]);
        assertArrayEquals(both[0], both[1]);
        assertNotNull(GuideExamples.tensors());
        Tensor img = GuideExamples.image(ImageTensors.load(SharedData.require("images/chelsea.png")));
        assertEquals(224, img.dim(3));
        String err = GuideExamples.errors(mnist);
        assertTrue(err.startsWith("bad input") && err.contains("Input3"), err);
        try (Session s = GuideExamples.limits(mnist)) {
            assertEquals(1, s.inputs().size());
        }
        assertTrue(GuideExamples.stages(mnist).nodes().size() > 0);
    }
}
