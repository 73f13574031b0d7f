package dev.vinfer.bench.wholemodel;

import dev.vinfer.Vinfer;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import java.nio.file.Path;
import java.util.Map;

/**
 * One vinfer session of one model file, run by {@link BuildPairedComparison} inside the class loader of a build: its
 * constructor and {@link #run} use only JDK types, so that the loader of another build (whose jar comes first on the
 * loader's path) can instantiate it and a caller from any loader can run it.
 */
public final class BuildRunner implements Runnable, AutoCloseable {
    private final Session session;
    private final Map<String, Tensor> feed;

    /** Opens {@code model} at {@code threads} threads and binds {@code input} of {@code shape} to its "input". */
    public BuildRunner(String model, float[] input, int[] shape, int threads) {
        session = Vinfer.open(Path.of(model), new SessionOptions().threads(threads));
        feed = Map.of("input", Tensor.of(input, shape));
    }

    @Override
    public void run() {
        session.run(feed);
    }

    @Override
    public void close() {
        session.close();
    }
}
