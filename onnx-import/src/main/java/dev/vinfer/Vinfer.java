package dev.vinfer;

import dev.vinfer.onnx.OnnxModel;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.Optimizer;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * The front door: open an ONNX model as a {@link Session}.
 *
 * <pre>{@code
 * try (Session s = Vinfer.open(Path.of("mnist-8.onnx"))) {
 *     Tensor logits = s.run(Tensor.of(pixels, 1, 1, 28, 28));
 * }
 * }</pre>
 *
 * Each step of the pipeline is also available on its own: {@link OnnxModel#load} (load),
 * {@link OnnxModel#toGraph} (import), {@link Optimizer#optimize} (optimize), {@code new Session} (plan and run).
 */
public final class Vinfer {
    private Vinfer() {
    }

    public static Session open(Path model) {
        return open(model, new SessionOptions());
    }

    public static Session open(Path model, SessionOptions options) {
        return open(OnnxModel.load(model, options.limits()), options);
    }

    /** Opens a model held in memory; it may not use external data. */
    public static Session open(byte[] model, SessionOptions options) {
        return open(OnnxModel.fromBytes(model, null, options.limits()), options);
    }

    /** Opens a model read from a stream (not closed); it may not use external data. */
    public static Session open(InputStream model, SessionOptions options) {
        return open(OnnxModel.fromStream(model, null, options.limits()), options);
    }

    public static Session open(OnnxModel model, SessionOptions options) {
        Graph g = model.toGraph(options);
        if (options.optimize()) {
            g = Optimizer.standard().optimize(g, options);
        }
        return new Session(g, options);
    }
}
