package dev.vinfer.bench.wholemodel;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vinfer.Vinfer;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

/**
 * The two runtimes compared, behind one interface: open a model file with a number of intra-op threads, run it
 * on one float input. Both are configured for their best CPU latency at batch 1: vinfer with graph optimization,
 * ONNX Runtime with all graph optimizations, sequential execution and {@code threads} intra-op threads.
 */
public enum Engine {
    VINFER {
        @Override
        public Runner open(Path model, int threads) {
            return openVinfer(model, new SessionOptions().threads(threads));
        }
    },
    ORT {
        @Override
        public Runner open(Path model, int threads) {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
                o.setIntraOpNumThreads(threads);
                if (threads > 1 && !Boolean.parseBoolean(System.getProperty("vinfer.bench.ortSpin", "true"))) {
                    // ORT's pool threads spin for a while after each run; in a paired (alternating) comparison they
                    // hold the second core during vinfer's next run. Off only on request: it changes ORT's speed.
                    o.addConfigEntry("session.intra_op.allow_spinning", "0");
                }
                o.setInterOpNumThreads(1);
                o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
                o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                OrtSession s = env.createSession(model.toString(), o);
                return new Runner() {
                    private Map<String, OnnxTensor> feed;

                    @Override
                    public void bind(String input, float[] data, int[] shape) {
                        long[] dims = new long[shape.length];
                        for (int i = 0; i < dims.length; i++) {
                            dims[i] = shape[i];
                        }
                        try {
                            closeFeed();
                            feed = Map.of(input, OnnxTensor.createTensor(env, FloatBuffer.wrap(data), dims));
                        } catch (OrtException e) {
                            throw new IllegalStateException(e);
                        }
                    }

                    @Override
                    public Object run() {
                        try (OrtSession.Result r = s.run(feed)) {
                            // Copy the first output out, as a caller must before the result is closed.
                            return ((OnnxTensor) r.get(0)).getFloatBuffer();
                        } catch (OrtException e) {
                            throw new IllegalStateException(e);
                        }
                    }

                    private void closeFeed() {
                        if (feed != null) {
                            feed.values().forEach(OnnxTensor::close);
                        }
                    }

                    @Override
                    public void close() {
                        closeFeed();
                        try {
                            s.close();
                        } catch (OrtException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                };
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime cannot open " + model + ": " + e.getMessage(), e);
            }
        }
    };

    /** Opens {@code model} with {@code threads} intra-op threads. */
    public abstract Runner open(Path model, int threads);

    /** A vinfer session opened with {@code options} (a shared {@link SessionOptions#pool}, for instance). */
    public static Runner openVinfer(Path model, SessionOptions options) {
        Session s = Vinfer.open(model, options);
        return new Runner() {
            private Map<String, Tensor> feed;

            @Override
            public void bind(String input, float[] data, int[] shape) {
                feed = Map.of(input, Tensor.of(data, shape));
            }

            @Override
            public Object run() {
                return s.run(feed);
            }

            @Override
            public void close() {
                s.close();
            }
        };
    }

    /** An open model: bind its input once, then run it many times. */
    public interface Runner extends AutoCloseable {
        void bind(String input, float[] data, int[] shape);

        Object run();

        @Override
        void close();
    }
}
