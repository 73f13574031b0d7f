package dev.vinfer.bench.wholemodel;

import dev.vinfer.bench.models.Family;
import dev.vinfer.bench.paired.PairedTimes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a user waits for in a fresh JVM: open a session and run it once (then once more), each sample in a JVM of its
 * own, so nothing is compiled, loaded or paged in beforehand. The JMH open benchmark ({@code SessionOpenBenchmark})
 * measures the same steps in a warmed JVM, which is not what a command-line run or a newly started service sees: there
 * the vector kernels run in HotSpot's interpreter and C1 code (where every {@code FloatVector} is an object) until C2
 * has compiled them, and every page of a new heap costs a fault.
 *
 * <p>Three ways, in turn in each round: vinfer with the JVM options the README asks of a library user, vinfer with
 * the {@code ./vinfer} launcher's options ({@link #LAUNCHER_OPTIONS}), any others given as
 * {@code -Dvinfer.bench.coldExtra="OPTIONS;OPTIONS..."} (each on top of the library's), and ONNX Runtime. Prints the median
 * of each step over the rounds.
 * Usage: {@code java -Dvinfer.bench.models=bench/target/bench-models -cp bench/target/benchmarks.jar
 * dev.vinfer.bench.wholemodel.ColdStart [rounds] [threads] [family...]} (default 5 rounds, 1 thread, ResNet-50 and
 * MobileNetV2).
 */
public final class ColdStart {
    /** What the README asks of every application: the vector module, and weights on cache lines. */
    static final List<String> LIBRARY_OPTIONS = List.of("--add-modules", "jdk.incubator.vector",
            "--enable-native-access=ALL-UNNAMED", "-XX:ObjectAlignmentInBytes=64");
    /** The launcher's start-up options (see the {@code vinfer} script): they must stay the same. */
    static final List<String> LAUNCHER_OPTIONS = List.of("-XX:+UseTransparentHugePages");
    private static final String[] STEPS = {"open", "first run", "open + first run", "second run"};

    private ColdStart() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(Engine.valueOf(args[1]), Family.valueOf(args[2]), Integer.parseInt(args[3]));
            return;
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        List<Family> families = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            families.add(Family.valueOf(args[i].toUpperCase(Locale.ROOT)));
        }
        if (families.isEmpty()) {
            families = List.of(Family.RESNET50, Family.MOBILENETV2);
        }
        for (Family f : families) {
            ModelFiles.fullSize(f); // written once here, not inside a timed child
            Map<String, List<double[]>> times = new LinkedHashMap<>();
            for (int round = 0; round < rounds; round++) {
                times.computeIfAbsent("vinfer, library options", k -> new ArrayList<>())
                        .add(launch(Engine.VINFER, f, threads, LIBRARY_OPTIONS));
                List<String> launcher = new ArrayList<>(LIBRARY_OPTIONS);
                launcher.addAll(LAUNCHER_OPTIONS);
                times.computeIfAbsent("vinfer, ./vinfer launcher options", k -> new ArrayList<>())
                        .add(launch(Engine.VINFER, f, threads, launcher));
                for (String extra : System.getProperty("vinfer.bench.coldExtra", "").split(";")) {
                    if (!extra.isBlank()) {
                        List<String> o = new ArrayList<>(LIBRARY_OPTIONS);
                        o.addAll(Arrays.asList(extra.trim().split(" ")));
                        times.computeIfAbsent("vinfer, " + extra.trim(), k -> new ArrayList<>())
                                .add(launch(Engine.VINFER, f, threads, o));
                    }
                }
                times.computeIfAbsent("ONNX Runtime", k -> new ArrayList<>())
                        .add(launch(Engine.ORT, f, threads, List.of("--enable-native-access=ALL-UNNAMED")));
            }
            System.out.printf(Locale.ROOT, "%s, %d thread(s), fresh JVM each, medians of %d (ms)%n",
                    f.name().toLowerCase(Locale.ROOT), threads, rounds);
            System.out.printf(Locale.ROOT, "| %-36s |", "way");
            for (String s : STEPS) {
                System.out.printf(Locale.ROOT, " %s |", s);
            }
            System.out.println();
            for (var e : times.entrySet()) {
                System.out.printf(Locale.ROOT, "| %-36s |", e.getKey());
                for (int s = 0; s < STEPS.length; s++) {
                    System.out.printf(Locale.ROOT, " %.0f |", median(e.getValue(), s));
                }
                System.out.println();
            }
        }
    }

    /** Runs one child JVM and parses its one line of times. */
    private static double[] launch(Engine engine, Family f, int threads, List<String> jvmOptions)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-Dvinfer.bench.models=" + System.getProperty("vinfer.bench.models", "bench/target/bench-models"));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ColdStart.class.getName());
        cmd.addAll(List.of("--child", engine.name(), f.name(), String.valueOf(threads)));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String times = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("times ")) {
                    times = line.substring(6);
                }
            }
        }
        if (p.waitFor() != 0 || times == null) {
            throw new IllegalStateException("child failed (exit " + p.exitValue() + "): " + String.join(" ", cmd));
        }
        return Arrays.stream(times.split(" ")).mapToDouble(Double::parseDouble).toArray();
    }

    /** In the fresh JVM: open, run, run again; one line of milliseconds. */
    private static void child(Engine engine, Family f, int threads) throws Exception {
        Path file = ModelFiles.fullSize(f);
        float[] input = ModelFiles.input(f);
        long t0 = System.nanoTime();
        try (Engine.Runner r = engine.open(file, threads)) {
            long t1 = System.nanoTime();
            r.bind("input", input, f.fullInput());
            r.run();
            long t2 = System.nanoTime();
            r.run();
            long t3 = System.nanoTime();
            System.out.printf(Locale.ROOT, "times %.3f %.3f %.3f %.3f%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6,
                    (t2 - t0) / 1e6, (t3 - t2) / 1e6);
        }
    }

    private static double median(List<double[]> samples, int step) {
        return PairedTimes.quantile(samples.stream().mapToDouble(a -> a[step]).toArray(), 0.5);
    }
}
