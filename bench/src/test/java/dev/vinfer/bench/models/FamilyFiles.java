package dev.vinfer.bench.models;

import dev.vinfer.runtime.Tensor;
import dev.vinfer.testdata.OrtReference;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Model files and ONNX Runtime outputs shared by the family tests of one JVM: each family is written once (to
 * {@code target/families}) and run once in ONNX Runtime, whichever test asks first.
 */
final class FamilyFiles {
    /** {@code -Dvinfer.families.full=true} runs every family at its full input size instead of the test size. */
    static final boolean FULL = Boolean.getBoolean("vinfer.families.full");
    private static final Path DIR = Path.of("target", "families");
    private static final Map<String, Path> FILES = new ConcurrentHashMap<>();
    private static final Map<String, Tensor> ORT_OUTPUTS = new ConcurrentHashMap<>();

    private FamilyFiles() {
    }

    static int[] inputShape(Family f) {
        return FULL ? f.fullInput() : f.testInput();
    }

    static synchronized Path file(Family f, int[] input) {
        return FILES.computeIfAbsent(f.fileName(input), k -> f.write(DIR, input));
    }

    /** A seeded N(0, 1) tensor: the input statistics of normalized images and audio. */
    static Tensor randomInput(int[] shape, long seed) {
        Random r = new Random(seed);
        float[] a = new float[Layers.count(shape)];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return Tensor.of(a, shape);
    }

    /** ONNX Runtime's only output for the family's file and input. */
    static synchronized Tensor ortOutput(Family f, int[] shape, Tensor input) {
        return ORT_OUTPUTS.computeIfAbsent(f.fileName(shape), k -> {
            try (OrtReference ort = new OrtReference(file(f, shape))) {
                return ort.run(Map.of("input", input)).values().iterator().next();
            }
        });
    }
}
