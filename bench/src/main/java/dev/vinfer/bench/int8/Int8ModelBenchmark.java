package dev.vinfer.bench.int8;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vinfer.Vinfer;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Whole-model latency at batch 1 of the int8 path: vinfer on an int8 QDQ model against ONNX Runtime on the same
 * file, and vinfer float32 on the float model it came from. Models: the shared model-zoo ShuffleNet-V2 QDQ (no float
 * twin) and the ResNet-50 / MobileNetV2 models that {@code bench/int8.sh} builds and quantizes into the folder of
 * the system property {@code vinfer.int8.models} ({@code NAME.onnx} float, {@code NAME-int8.onnx} quantized).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
    "-Xss16m", "-Xmx6g"})
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 4)
public class Int8ModelBenchmark {
    /** shufflenet-qdq, resnet50 or mobilenetv2. */
    @Param({"shufflenet-qdq", "resnet50", "mobilenetv2"})
    String model;

    /** vinfer-int8, ort-int8 or vinfer-fp32 (the float twin; none for shufflenet-qdq). */
    @Param({"vinfer-int8", "ort-int8", "vinfer-fp32"})
    String engine;

    @Param({"1", "2"})
    int threads;

    private Session session;
    private Map<String, Tensor> feed;
    private OrtSession ort;
    private Map<String, OnnxTensor> ortFeed;

    @Setup(Level.Trial)
    public void open() throws OrtException {
        Path file = file(model, !engine.equals("vinfer-fp32"));
        float[] x = new float[3 * 224 * 224];
        Random r = new Random(7);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        if (engine.startsWith("vinfer")) {
            session = Vinfer.open(file, new SessionOptions().threads(threads));
            feed = Map.of(session.inputs().get(0).name(), Tensor.of(x, 1, 3, 224, 224));
        } else {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
                o.setIntraOpNumThreads(threads);
                o.setInterOpNumThreads(1);
                o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
                o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                ort = env.createSession(file.toString(), o);
            }
            String input = ort.getInputNames().iterator().next();
            ortFeed = Map.of(input, OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {1, 3, 224, 224}));
        }
    }

    /** The model file; fails the trial (JMH reports it and moves on) where there is none. */
    static Path file(String model, boolean int8) {
        if (model.equals("shufflenet-qdq")) {
            if (!int8) {
                throw new IllegalStateException("shufflenet-qdq has no float twin; vinfer-fp32 does not apply");
            }
            String shared = System.getProperty("vinfer.shared", "../shared");
            return Path.of(shared, "models/shufflenet-v2-12-qdq/shufflenet-v2-12-qdq.onnx");
        }
        Path dir = Path.of(System.getProperty("vinfer.int8.models", "bench/target/int8-models"));
        Path p = dir.resolve(model + (int8 ? "-int8" : "") + ".onnx");
        if (!Files.exists(p)) {
            throw new IllegalStateException(p + " is missing: run bench/int8.sh to build and quantize the models");
        }
        return p;
    }

    @Benchmark
    public Object run() throws OrtException {
        if (session != null) {
            return session.run(feed);
        }
        try (OrtSession.Result r = ort.run(ortFeed)) {
            return ((OnnxTensor) r.get(0)).getFloatBuffer();
        }
    }

    @TearDown(Level.Trial)
    public void close() throws OrtException {
        if (session != null) {
            session.close();
        }
        if (ort != null) {
            ortFeed.values().forEach(OnnxTensor::close);
            ort.close();
        }
    }
}
