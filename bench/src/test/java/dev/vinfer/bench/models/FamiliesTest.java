package dev.vinfer.bench.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.Vinfer;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.testdata.OrtReference;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every classic family, written as an ONNX file by the builder, runs in vinfer at batch 1 with and without graph
 * optimization and matches ONNX Runtime on the same seeded input within relative L2 error 1e-4 (the measured
 * error is printed). VGG-16, ResNet-50, DenseNet-121, the style-transfer net and ResNet3D-10 run at a reduced
 * input size here (see {@link Family#testInput()}); {@code -Dvinfer.families.full=true} runs all at full size.
 */
class FamiliesTest {
    private static final double BOUND = 1e-4;

    static Stream<Arguments> cases() {
        return Arrays.stream(Family.values()).flatMap(f -> Stream.of(Arguments.of(f, true), Arguments.of(f, false)));
    }

    @ParameterizedTest(name = "{0} optimize={1}")
    @MethodSource("cases")
    void matchesOnnxRuntime(Family family, boolean optimize) {
        int[] shape = FamilyFiles.inputShape(family);
        Path model = FamilyFiles.file(family, shape);
        Tensor input = FamilyFiles.randomInput(shape, family.seed());
        Tensor ref = FamilyFiles.ortOutput(family, shape, input);
        double std = assertRealistic(family, ref);
        Tensor ours;
        try (Session s = Vinfer.open(model, new SessionOptions().threads(2).optimize(optimize))) {
            ours = s.run(input);
        }
        assertArrayEquals(ref.shape(), ours.shape(), family + ": output shape");
        double err = OrtReference.relL2(ours, ref);
        System.out.printf("%-14s %-16s optimize=%-5s relative L2 error vs ONNX Runtime %.3g (output std %.3g)%n",
                family.id(), Family.shapeString(shape), optimize, err, std);
        assertTrue(err <= BOUND, family + " (optimize=" + optimize + "): relative L2 error " + err + " > " + BOUND);
    }

    /** The reference output is finite and neither vanished nor exploded: the seeded weights are of sane size. */
    static double assertRealistic(Family family, Tensor out) {
        double sum = 0;
        double sq = 0;
        for (int i = 0; i < out.size(); i++) {
            double v = out.getDouble(i);
            assertTrue(Double.isFinite(v), family + ": output " + i + " is " + v);
            sum += v;
            sq += v * v;
        }
        double mean = sum / out.size();
        double std = Math.sqrt(Math.max(0, sq / out.size() - mean * mean));
        assertTrue(std > 0.1 && std < 30, family + ": output standard deviation " + std + " (mean " + mean
                + ") suggests vanishing or exploding activations");
        return std;
    }
}
