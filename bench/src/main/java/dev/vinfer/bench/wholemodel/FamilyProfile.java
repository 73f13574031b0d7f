package dev.vinfer.bench.wholemodel;

import dev.vinfer.Vinfer;
import dev.vinfer.bench.models.Family;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a family's time goes in vinfer: runs it with the session's node profiler and prints the time per op type
 * (with the algorithm each node chose) and the slowest nodes. A diagnostic for the whole-model table, not a
 * benchmark: per-node timing adds overhead, and the numbers are means over {@code runs} after as many warm-up runs.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar \
 *     dev.vinfer.bench.wholemodel.FamilyProfile resnet50 [threads] [runs]</pre>
 */
public final class FamilyProfile {
    private FamilyProfile() {
    }

    public static void main(String[] args) {
        Family f = Family.byId(args.length > 0 ? args[0] : "resnet50");
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        Map<String, Tensor> feed = Map.of("input", Tensor.of(ModelFiles.input(f), f.fullInput()));
        Map<String, long[]> byType = new HashMap<>();
        Map<String, long[]> byNode = new HashMap<>();
        try (Session s = Vinfer.open(ModelFiles.fullSize(f), new SessionOptions().threads(threads))) {
            // as many warm-up runs as measured ones, so that the JIT has compiled the kernels
            for (int i = 0; i < runs; i++) {
                s.run(feed);
            }
            long wall = 0;
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                s.run(feed, t -> {
                    String algo = t.node().op().describe();
                    String type = t.node().op().opType() + (algo.isEmpty() ? "" : " [" + algo + "]");
                    long[] a = byType.computeIfAbsent(type, k -> new long[2]);
                    a[0] += t.nanos();
                    a[1]++;
                    byNode.computeIfAbsent(t.node().name() + " " + type + " " + shape(t.outputs()),
                            k -> new long[2])[0] += t.nanos();
                });
                wall += System.nanoTime() - t0;
            }
            long total = byType.values().stream().mapToLong(a -> a[0]).sum();
            System.out.printf(Locale.ROOT, "%s %s, %d thread(s): %.2f ms per run (profiled), %d nodes%n", f.id(),
                    Family.shapeString(f.fullInput()), threads, wall / 1e6 / runs, s.graph().nodes().size());
            print("op type", byType, total, runs, 30);
            print("node", byNode, total, runs, 15);
        }
    }

    private static String shape(Tensor[] outs) {
        return outs.length == 0 ? "" : java.util.Arrays.toString(outs[0].shape());
    }

    private static void print(String what, Map<String, long[]> m, long total, int runs, int limit) {
        List<Map.Entry<String, long[]>> list = new ArrayList<>(m.entrySet());
        list.sort((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]));
        System.out.printf(Locale.ROOT, "%n%-70s %10s %7s%n", what, "ms/run", "share");
        for (var e : list.subList(0, Math.min(limit, list.size()))) {
            System.out.printf(Locale.ROOT, "%-70s %10.3f %6.1f%%%n", e.getKey(), e.getValue()[0] / 1e6 / runs,
                    100.0 * e.getValue()[0] / total);
        }
    }
}
