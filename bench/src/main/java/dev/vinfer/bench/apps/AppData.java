package dev.vinfer.bench.apps;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vinfer.runtime.Tensor;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/** Shared data and ONNX Runtime plumbing for the application benchmarks. */
final class AppData {
    private AppData() {
    }

    /** A file under the shared data folder ({@code -Dvinfer.shared}, else {@code ../shared} from the working dir). */
    static Path shared(String relative) {
        String prop = System.getProperty("vinfer.shared");
        Path root = prop != null && !prop.isEmpty() ? Path.of(prop) : Path.of("../shared");
        Path p = root.resolve(relative).toAbsolutePath().normalize();
        if (!Files.exists(p)) {
            throw new IllegalStateException("shared data missing: " + p + " (run from the repository root or set"
                    + " -Dvinfer.shared)");
        }
        return p;
    }

    /** An ONNX Runtime session as the benchmarks configure it: all graph optimizations, sequential, n threads. */
    static OrtSession ort(Path model, int threads) throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(threads);
        o.setInterOpNumThreads(1);
        o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        return OrtEnvironment.getEnvironment().createSession(model.toString(), o);
    }

    static OnnxTensor ortTensor(Tensor t) throws OrtException {
        long[] shape = new long[t.rank()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = t.dim(i);
        }
        return OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), FloatBuffer.wrap(t.toFloatArray()), shape);
    }

    /** Relative L2 difference ||a - b|| / ||b||. */
    static double relL2(float[] a, float[] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < b.length; i++) {
            double d = a[i] - b[i];
            num += d * d;
            den += (double) b[i] * b[i];
        }
        return Math.sqrt(num / Math.max(den, 1e-300));
    }
}
