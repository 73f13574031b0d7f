package dev.vinfer.bench.apps;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vinfer.Vinfer;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where an application model's time goes, per node, in vinfer and in ONNX Runtime side by side (both engines' own
 * node profilers, the same input as {@link ImageModelBench}). Rows are keyed by the ONNX node name, which both
 * engines keep for the nodes they do not fuse away; a vinfer node with a fused activation (e.g.
 * "InstanceNormalization+Relu") carries the time ORT books to the separate Relu node, so compare the sums too.
 * A diagnostic, not a benchmark: means over {@code runs} runs after as many warm-up runs, one engine after the other.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar \
 *     dev.vinfer.bench.apps.AppProfile candy [threads] [runs]</pre>
 * {@code -Dvinfer.profile.graph=true} first prints vinfer's optimized graph, node by node;
 * {@code -Dvinfer.profile.ort=false} profiles vinfer alone. "(best)" is a node's fastest run, less disturbed by load.
 */
public final class AppProfile {
    /** One kernel-time event of ORT's profile JSON: duration (us), node name, op type. */
    private static final Pattern EVENT = Pattern.compile("\"dur\" :(\\d+),[^\\n]*?\"name\" :\"([^\"]*)_kernel_time\""
            + "[^\\n]*?\"op_name\" : \"([A-Za-z]+)\"");

    private AppProfile() {
    }

    public static void main(String[] args) throws Exception {
        String model = args.length > 0 ? args[0] : "candy";
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        ImageModelBench setup = new ImageModelBench();
        setup.model = model;
        setup.engine = "ort";
        setup.threads = threads;
        setup.open();
        Path file = setup.file();
        String inputName = setup.inputName();
        Tensor input = setup.input();
        setup.close();

        Map<String, Double> ours = new LinkedHashMap<>();
        Map<String, String> type = new LinkedHashMap<>();
        Map<String, Double> best = new LinkedHashMap<>();
        double wall;
        try (Session s = Vinfer.open(file, new SessionOptions().threads(threads))) {
            if (Boolean.getBoolean("vinfer.profile.graph")) {
                s.graph().nodes().forEach(n -> System.out.println("  " + n));
            }
            for (int i = 0; i < runs; i++) {
                s.run(Map.of(inputName, input));
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < runs; i++) {
                s.run(Map.of(inputName, input), t -> {
                    String algo = t.node().op().describe();
                    type.put(t.node().name(), t.node().op().opType() + (algo.isEmpty() ? "" : " [" + algo + "]")
                            + " " + (t.outputs().length == 0 ? "" : java.util.Arrays.toString(t.outputs()[0].shape())));
                    ours.merge(t.node().name(), t.nanos() / 1e6 / runs, Double::sum);
                    best.merge(t.node().name(), t.nanos() / 1e6, Math::min);
                });
            }
            wall = (System.nanoTime() - t0) / 1e6 / runs;
        }
        Map<String, String> ortType = new LinkedHashMap<>();
        Map<String, Double> ort = Boolean.parseBoolean(System.getProperty("vinfer.profile.ort", "true"))
                ? ortProfile(file, inputName, input, threads, runs, ortType) : Map.of();

        TreeSet<String> names = new TreeSet<>(ours.keySet());
        names.addAll(ort.keySet());
        List<String> sorted = new ArrayList<>(names);
        sorted.sort((a, b) -> Double.compare(Math.max(ours.getOrDefault(b, 0.0), ort.getOrDefault(b, 0.0)),
                Math.max(ours.getOrDefault(a, 0.0), ort.getOrDefault(a, 0.0))));
        System.out.printf(Locale.ROOT, "%s, %d thread(s): vinfer %.1f ms per profiled run; load %s%n", model, threads,
                wall, Files.readString(Path.of("/proc/loadavg")).trim());
        System.out.printf(Locale.ROOT, "%-22s %-58s %10s %10s %10s %7s%n", "node", "vinfer op [algorithm] shape",
                "vinfer ms", "(best)", "ORT ms", "v/ORT");
        for (String n : sorted) {
            double v = ours.getOrDefault(n, 0.0);
            double o = ort.getOrDefault(n, 0.0);
            String t = type.getOrDefault(n, "(ORT " + ortType.getOrDefault(n, "?") + ")");
            System.out.printf(Locale.ROOT, "%-22s %-58s %10.2f %10.2f %10.2f %7s%n", n, t, v,
                    best.getOrDefault(n, 0.0), o,
                    v > 0 && o > 0 ? String.format(Locale.ROOT, "%.2f", v / o) : "-");
        }
        double sv = ours.values().stream().mapToDouble(Double::doubleValue).sum();
        double so = ort.values().stream().mapToDouble(Double::doubleValue).sum();
        System.out.printf(Locale.ROOT, "%-81s %10.2f %10s %10.2f %7.2f%n", "total (node sums)", sv, "", so, sv / so);
    }

    /** ORT's node times in ms per run by node name, over {@code runs} runs after as many warm-up runs. */
    private static Map<String, Double> ortProfile(Path model, String inputName, Tensor input, int threads, int runs,
            Map<String, String> types) throws OrtException, IOException {
        Path dir = Files.createTempDirectory("ort-app-profile");
        try (OrtSession warm = AppData.ort(model, threads); OnnxTensor t = AppData.ortTensor(input)) {
            for (int i = 0; i < runs; i++) {
                warm.run(Map.of(inputName, t)).close();
            }
        }
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(threads);
        o.setInterOpNumThreads(1);
        o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        o.enableProfiling(dir.resolve("ort").toString());
        Path json;
        try (OrtSession s = OrtEnvironment.getEnvironment().createSession(model.toString(), o);
                OnnxTensor t = AppData.ortTensor(input)) {
            for (int i = 0; i < runs; i++) {
                s.run(Map.of(inputName, t)).close();
            }
            json = Path.of(s.endProfiling());
        }
        Map<String, Double> byNode = new LinkedHashMap<>();
        Matcher m = EVENT.matcher(Files.readString(json));
        while (m.find()) {
            byNode.merge(m.group(2), Long.parseLong(m.group(1)) / 1e3 / runs, Double::sum);
            types.put(m.group(2), m.group(3));
        }
        Files.deleteIfExists(json);
        Files.deleteIfExists(dir);
        return byNode;
    }
}
