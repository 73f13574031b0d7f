package dev.vinfer.samples;

import dev.vinfer.Vinfer;
import dev.vinfer.onnx.OnnxModel;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.ValueInfo;
import java.util.List;
import java.util.Map;

/**
 * What the sample apps need from an inference engine: the declared inputs, and a run. The apps use vinfer
 * sessions ({@link #of(Session)}); the tests plug in ONNX Runtime to run the very same pipeline for comparison.
 */
public interface ModelRunner extends AutoCloseable {

    /** The inputs the caller feeds, in model order. */
    List<ValueInfo> inputs();

    /** Runs the model; every output by name, in model order. */
    Map<String, Tensor> run(Map<String, Tensor> feed);

    @Override
    void close();

    /** A runner over a vinfer session; closing the runner closes the session. */
    static ModelRunner of(Session session) {
        return new ModelRunner() {
            @Override
            public List<ValueInfo> inputs() {
                return session.inputs();
            }

            @Override
            public Map<String, Tensor> run(Map<String, Tensor> feed) {
                return session.run(feed);
            }

            @Override
            public void close() {
                session.close();
            }
        };
    }

    /** Opens a loaded model as a vinfer session. */
    static ModelRunner open(OnnxModel model, SessionOptions options) {
        return of(Vinfer.open(model, options));
    }
}
