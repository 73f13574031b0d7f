package dev.vinfer.bench.wholemodel;

import dev.vinfer.runtime.SessionOptions;
import java.nio.file.Path;

/**
 * One vinfer session of one model file ({@link Engine#openVinfer}), run by {@link BuildPairedComparison} inside the
 * class loader of a build: its constructor and {@link #run} use only JDK types, so that the loader of another build
 * (whose jar comes first on the loader's path) can instantiate it and a caller from any loader can run it; the
 * {@link Engine.Runner} it wraps is the build's own.
 */
public final class BuildRunner implements Runnable, AutoCloseable {
    private final Engine.Runner runner;

    /** Opens {@code model} at {@code threads} threads and binds {@code input} of {@code shape} to its "input". */
    public BuildRunner(String model, float[] input, int[] shape, int threads) {
        runner = Engine.openVinfer(Path.of(model), new SessionOptions().threads(threads));
        runner.bind("input", input, shape);
    }

    @Override
    public void run() {
        runner.run();
    }

    @Override
    public void close() {
        runner.close();
    }
}
