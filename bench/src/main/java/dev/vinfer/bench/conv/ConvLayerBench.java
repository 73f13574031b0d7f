package dev.vinfer.bench.conv;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vinfer.Vinfer;
import dev.vinfer.conv.ConvAlgorithm;
import dev.vinfer.conv.ConvGeometry;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import java.nio.FloatBuffer;
import java.util.Map;
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
 * One Conv layer of issue 3's table, run end to end through a real vinfer {@link Session} (what users get: graph,
 * executor, output allocation, the session's thread pool) and through ONNX Runtime on the very same model bytes and
 * input, in the same JMH run. Both engines get {@code threads} intra-op threads.
 *
 * <p>{@code algo} forces vinfer's convolution algorithm (session option {@code convAlgorithm}); it does not affect
 * ONNX Runtime, so sweep it for vinfer only: {@code ConvLayerBench -p runtime=vinfer -p algo=im2col,winograd_f4_3}.
 *
 * <p>Setup checks that both engines agree (relative L2 difference below 1e-3), so the numbers compare the same
 * computation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
    "-Xmx6g", "-Xss16m",
    // arrays on 64-byte lines, so vinfer can put weight rows and activations on cache lines (ArrayAlignment)
    "-XX:ObjectAlignmentInBytes=64"})
public class ConvLayerBench {
    @Param
    public ConvLayer layer;

    @Param({"1", "2"})
    public int threads;

    @Param({"auto"})
    public String algo;

    /**
     * Which engine runs. A parameter rather than two benchmark methods so JMH measures ONNX Runtime and vinfer on
     * the same layer back to back (parameters are iterated with the alphabetically last varying fastest: algo,
     * layer, runtime, threads), not all of one engine and then all of the other ten minutes later: on a shared
     * machine the load drifts, and each ratio should compare two measurements taken under the same load.
     */
    @Param({"ort", "vinfer"})
    public String runtime;

    private Session vinfer;
    private Tensor input;
    private OrtSession ort;
    private OnnxTensor ortInput;
    private Map<String, OnnxTensor> ortFeed;

    @Setup(Level.Trial)
    public void setUp() throws OrtException {
        ConvGeometry g = layer.geometry();
        if (!algo.equalsIgnoreCase("auto") && !ConvAlgorithm.parse(algo).supports(g)) {
            // The session would silently fall back to AUTO: measuring that under this name would mislead.
            throw new IllegalArgumentException(algo + " does not apply to " + layer + " (skipped)");
        }
        byte[] model = ConvModels.convModel(g, ConvModels.weights(g, 1), ConvModels.random(2, g.outChannels()));
        float[] x = ConvModels.random(3, g.inputLength());
        input = Tensor.of(x, ConvModels.inputShape(g));
        vinfer = Vinfer.open(model, new SessionOptions().threads(threads).convAlgorithm(algo));

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(threads);
        o.setInterOpNumThreads(1);
        o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        ort = env.createSession(model, o);
        long[] shape = java.util.Arrays.stream(ConvModels.inputShape(g)).asLongStream().toArray();
        ortInput = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
        ortFeed = Map.of("x", ortInput);

        float[] mine = vinfer.run(input).toFloatArray();
        float[] theirs;
        try (OrtSession.Result r = ort.run(ortFeed)) {
            FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
            theirs = new float[fb.remaining()];
            fb.get(theirs);
        }
        double err = relativeL2(mine, theirs);
        if (!(err < 1e-3)) {
            throw new IllegalStateException(layer + " algo=" + algo + ": vinfer and ONNX Runtime disagree, relative L2 "
                    + err);
        }
        if (runtime.equals("ort")) {
            vinfer.close();
            vinfer = null;
        } else {
            ortInput.close();
            ort.close();
            ortInput = null;
            ort = null;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        if (vinfer != null) {
            vinfer.close();
        }
        if (ort != null) {
            ortInput.close();
            ort.close();
        }
    }

    /** One inference of the layer on the selected engine; returns a value of the output so it cannot be skipped. */
    @Benchmark
    public float conv() throws OrtException {
        if (vinfer != null) {
            Tensor y = vinfer.run(input);
            return y.floats()[y.offset()];
        }
        try (OrtSession.Result r = ort.run(ortFeed)) {
            // The result is freed by close().
            return ((OnnxTensor) r.get(0)).getFloatBuffer().get(0);
        }
    }

    static double relativeL2(float[] a, float[] ref) {
        if (a.length != ref.length) {
            return Double.POSITIVE_INFINITY;
        }
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - ref[i];
            num += d * d;
            den += (double) ref[i] * ref[i];
        }
        return Math.sqrt(num / Math.max(den, Double.MIN_NORMAL));
    }
}
