package dev.vinfer.bench.wholemodel;

import dev.vinfer.bench.models.Family;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Opening a ResNet-50 session and its first run, three ways opened in turn in one JVM so that all see the same
 * load: vinfer preparing at open, vinfer preparing lazily at the first run ({@code vinfer.prepareAtOpen=false}), and
 * ONNX Runtime. Prints medians of open, first run, open + first run, a second run (the first rounds are warm-up) and
 * the CPU time the opening thread spent in open.
 * Usage: {@code java --add-modules jdk.incubator.vector -Dvinfer.bench.models=bench/target/bench-models -cp
 * bench/target/benchmarks.jar dev.vinfer.bench.wholemodel.OpenComparison [rounds] [threads]}.
 */
public final class OpenComparison {
    private static final int WARMUP_ROUNDS = 3;
    // CPU time of the opening thread: under load it varies far less than wall time (it leaves out GC threads' work
    // and, for ONNX Runtime, any thread of its own; with one thread both open on the caller).
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory
            .getThreadMXBean();

    private OpenComparison() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 11;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        Path file = ModelFiles.fullSize(Family.RESNET50);
        float[] input = ModelFiles.input(Family.RESNET50);
        int[] shape = Family.RESNET50.fullInput();
        String[] ways = {"vinfer, prepared at open", "vinfer, lazy", "ONNX Runtime"};
        Map<String, List<double[]>> times = new TreeMap<>();
        for (int round = 0; round < rounds; round++) {
            for (String way : ways) {
                System.setProperty("vinfer.prepareAtOpen", String.valueOf(!way.endsWith("lazy")));
                Engine engine = way.startsWith("ONNX") ? Engine.ORT : Engine.VINFER;
                long c0 = CPU.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                try (Engine.Runner r = engine.open(file, threads)) {
                    long t1 = System.nanoTime();
                    long c1 = CPU.getCurrentThreadCpuTime();
                    r.bind("input", input, shape);
                    r.run();
                    long t2 = System.nanoTime();
                    r.run();
                    long t3 = System.nanoTime();
                    if (round >= WARMUP_ROUNDS) {
                        times.computeIfAbsent(way, k -> new ArrayList<>()).add(new double[] {(t1 - t0) / 1e6,
                            (t2 - t1) / 1e6, (t2 - t0) / 1e6, (t3 - t2) / 1e6, (c1 - c0) / 1e6});
                    }
                }
            }
        }
        System.setProperty("vinfer.prepareAtOpen", "true");
        String[] names = {"open", "first run", "open + first run", "second run", "open's CPU on the caller"};
        System.out.printf("ResNet-50, %d thread(s), medians of %d rounds (ms)%n", threads, rounds - WARMUP_ROUNDS);
        for (var e : times.entrySet()) {
            StringBuilder line = new StringBuilder(String.format("%-26s", e.getKey()));
            for (int k = 0; k < names.length; k++) {
                int col = k;
                double[] v = e.getValue().stream().mapToDouble(x -> x[col]).sorted().toArray();
                line.append(String.format("  %s %.0f", names[k], v[v.length / 2]));
            }
            System.out.println(line);
        }
    }
}
