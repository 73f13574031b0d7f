package dev.vinfer.bench.wholemodel;

import dev.vinfer.bench.models.Family;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Family model files at full size for benchmarks, written once per folder, and their seeded inputs. */
final class ModelFiles {
    private ModelFiles() {
    }

    /**
     * The family's file at its full input size in {@code -Dvinfer.bench.models=DIR} (default
     * {@code target/bench-models}), written if missing. Files are deterministic, so reusing one is safe.
     */
    static Path fullSize(Family f) {
        Path dir = Path.of(System.getProperty("vinfer.bench.models", "target/bench-models"));
        Path file = dir.resolve(f.fileName(f.fullInput()));
        if (!Files.exists(file)) {
            synchronized (ModelFiles.class) {
                if (!Files.exists(file)) {
                    f.write(dir, f.fullInput());
                }
            }
        }
        return file;
    }

    /** A seeded N(0, 1) input of the family's full shape. */
    static float[] input(Family f) {
        int n = 1;
        for (int d : f.fullInput()) {
            n *= d;
        }
        Random r = new Random(f.seed());
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
