package dev.vinfer.bench.wholemodel;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ONNX Runtime's own per-node times for a model (its session profiler), summed per key "op output-shape" and
 * divided by the number of runs, so that {@link FamilyProfile} can put them next to vinfer's. ORT fuses nodes
 * (e.g. Conv + BatchNorm + Relu into one Conv) and may change layout (NCHWc reorders appear as their own nodes).
 */
final class OrtOpProfile {
    /** One kernel-time event of ORT's profile JSON: its duration in microseconds, output shape and op name. */
    private static final Pattern EVENT = Pattern.compile("\"dur\" :(\\d+),[^\\n]*?\"name\" :\"[^\"]*_kernel_time\""
            + "[^\\n]*?\"output_type_shape\" : \\[\\{\"float\":\\[([0-9,]*)\\]\\}[^\\n]*?\"op_name\" : \"([A-Za-z]+)\"");

    private OrtOpProfile() {
    }

    /** Milliseconds per run by "op [shape]", over {@code runs} runs after as many warm-up runs. */
    static Map<String, Double> measure(Path model, float[] input, int[] shape, int threads, int runs) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Path dir;
        try {
            dir = Files.createTempDirectory("ort-profile");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long[] dims = new long[shape.length];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = shape[i];
        }
        Path json;
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(threads);
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            // warm-up in a session of its own: the profiler cannot be switched on later
            try (OrtSession warm = env.createSession(model.toString(), o);
                    OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), dims)) {
                for (int i = 0; i < runs; i++) {
                    warm.run(Map.of("input", t)).close();
                }
            }
            o.enableProfiling(dir.resolve("ort").toString());
            try (OrtSession s = env.createSession(model.toString(), o);
                    OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), dims)) {
                for (int i = 0; i < runs; i++) {
                    s.run(Map.of("input", t)).close();
                }
                json = Path.of(s.endProfiling());
            }
            Map<String, Double> byKey = new LinkedHashMap<>();
            Matcher m = EVENT.matcher(Files.readString(json));
            while (m.find()) {
                // FusedConv is ORT's Conv with an activation, as vinfer's "Conv+Relu"
                String op = m.group(3).equals("FusedConv") ? "Conv" : m.group(3);
                String key = op + " [" + m.group(2).replace(",", ", ") + "]";
                byKey.merge(key, Long.parseLong(m.group(1)) / 1e3 / runs, Double::sum);
            }
            Files.deleteIfExists(json);
            Files.deleteIfExists(dir);
            return byKey;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot profile " + model + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
