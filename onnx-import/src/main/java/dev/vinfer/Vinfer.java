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
 * {@snippet class=dev.vinfer.docs.GuideExamples region=load}
 *
 * Each step of the pipeline is also available on its own: {@link OnnxModel#load} (load),
 * {@link OnnxModel#toGraph} (import), {@link Optimizer#optimize} (optimize), {@code new Session} (plan and run).
 */
public final class Vinfer {
    private Vinfer() {
    }

    /**
     * Opens a model file with default {@link SessionOptions}: loads, imports, optimizes and plans it.
     *
     * @param model an {@code .onnx} file; external data is read only from its folder
     * @return a session that owns a thread pool; close it when done
     * @throws dev.vinfer.runtime.ModelException if the file cannot be read, is not a valid model, exceeds the default
     *     {@link dev.vinfer.runtime.Limits}, or uses operators vinfer lacks (an
     *     {@link dev.vinfer.onnx.UnsupportedOpException} lists them all)
     */
    public static Session open(Path model) {
        return open(model, new SessionOptions());
    }

    /**
     * Opens a model file with the given options (threads, limits, optimization, forced algorithms). The session keeps
     * its own copy of {@code options}.
     *
     * @param model an {@code .onnx} file; external data is read only from its folder
     * @param options how to open it; {@link SessionOptions#limits()} bounds what the file may make vinfer allocate
     * @return a session that owns a thread pool; close it when done
     * @throws dev.vinfer.runtime.ModelException as for {@link #open(Path)}, with these options' limits
     */
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

    /**
     * Opens an already loaded model: imports it, runs the standard optimizer passes unless
     * {@link SessionOptions#optimize()} is off, and plans the session. The model may be opened several times.
     *
     * @return a session that owns a thread pool; close it when done
     * @throws dev.vinfer.runtime.ModelException if the graph is invalid or uses operators vinfer lacks
     */
    public static Session open(OnnxModel model, SessionOptions options) {
        Graph g = model.toGraph(options);
        if (options.optimize()) {
            g = Optimizer.standard().optimize(g, options);
        }
        return new Session(g, options);
    }
}
