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
 * benchmark: per-node timing adds overhead, and the numbers are means over {@code runs} after as many warm-up runs
 * (at least 200).
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar \
 *     dev.vinfer.bench.wholemodel.FamilyProfile resnet50 [threads] [runs] [--ort]</pre>
 * With {@code --ort}, ONNX Runtime's own node profile follows, summed per op and output shape next to vinfer's
 * (see {@link OrtOpProfile}).
 */
public final class FamilyProfile {
    private FamilyProfile() {
    }

    public static void main(String[] args) {
        Family f = Family.byId(args.length > 0 ? args[0] : "resnet50");
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        boolean ort = args.length > 3 && args[3].equals("--ort");
        Map<String, Tensor> feed = Map.of("input", Tensor.of(ModelFiles.input(f), f.fullInput()));
        Map<String, long[]> byType = new HashMap<>();
        Map<String, long[]> byNode = new HashMap<>();
        Map<String, Double> byShape = new HashMap<>();
        try (Session s = Vinfer.open(ModelFiles.fullSize(f), new SessionOptions().threads(threads))) {
            // at least 200 warm-up runs, and as many as measured ones (or -Dvinfer.profile.warmup), so that the JIT
            // has compiled the kernels: code run once per inference (ResNet-18's blocked GlobalAveragePool) showed
            // 1.24 ms after 20 warm-up runs and 0.04 after 300 (session 15)
            for (int i = 0, warm = Integer.getInteger("vinfer.profile.warmup", Math.max(200, runs)); i < warm; i++) {
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
                    byShape.merge(kind(t.node().op().opType()) + " " + shape(t.outputs()), t.nanos() / 1e6,
                            Double::sum);
                });
                wall += System.nanoTime() - t0;
            }
            long total = byType.values().stream().mapToLong(a -> a[0]).sum();
            System.out.printf(Locale.ROOT, "%s %s, %d thread(s): %.2f ms per run (profiled), %d nodes%n", f.id(),
                    Family.shapeString(f.fullInput()), threads, wall / 1e6 / runs, s.graph().nodes().size());
            // What a run costs outside its nodes: unprofiled runs alternated with runs whose listener only adds up
            // the node times (the listener above builds strings and map keys per node, so its wall time is no
            // measure of that).
            long plain = 0;
            long cheap = 0;
            long[] nodeSum = new long[1];
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                s.run(feed);
                long t1 = System.nanoTime();
                s.run(feed, t -> nodeSum[0] += t.nanos());
                long t2 = System.nanoTime();
                plain += t1 - t0;
                cheap += t2 - t1;
            }
            System.out.printf(Locale.ROOT, "unprofiled %.3f ms per run; with a summing listener %.3f ms, of which"
                    + " nodes %.3f ms (outside nodes %.3f ms)%n", plain / 1e6 / runs, cheap / 1e6 / runs,
                    nodeSum[0] / 1e6 / runs, (cheap - nodeSum[0]) / 1e6 / runs);
            print("op type", byType, total, runs, 30);
            print("node", byNode, total, runs, Integer.getInteger("vinfer.profile.nodes", 15));
            if (ort) {
                compare(byShape, runs, OrtOpProfile.measure(ModelFiles.fullSize(f), ModelFiles.input(f),
                        f.fullInput(), threads, runs));
            }
        }
    }

    /** The op family a possibly fused vinfer op belongs to: "Conv+Add+Relu" is a Conv, as in ORT's profile. */
    private static String kind(String opType) {
        int plus = opType.indexOf('+');
        return plus < 0 ? opType : opType.substring(0, plus);
    }

    /** vinfer and ORT side by side per "op [output shape]", largest vinfer time first. */
    private static void compare(Map<String, Double> ours, int runs, Map<String, Double> ort) {
        java.util.Set<String> keys = new java.util.TreeSet<>(ours.keySet());
        keys.addAll(ort.keySet());
        List<String> sorted = new ArrayList<>(keys);
        sorted.sort((a, b) -> Double.compare(ours.getOrDefault(b, 0.0), ours.getOrDefault(a, 0.0)));
        double sumV = ours.values().stream().mapToDouble(Double::doubleValue).sum() / runs;
        double sumO = ort.values().stream().mapToDouble(Double::doubleValue).sum();
        System.out.printf(Locale.ROOT, "%n%-50s %10s %10s %8s%n", "op [output shape] (summed)", "vinfer ms", "ORT ms",
                "ratio");
        for (String k : sorted) {
            double v = ours.getOrDefault(k, 0.0) / runs;
            double o = ort.getOrDefault(k, 0.0);
            System.out.printf(Locale.ROOT, "%-50s %10.3f %10.3f %8s%n", k, v, o,
                    v > 0 && o > 0 ? String.format(Locale.ROOT, "%.2f", v / o) : "-");
        }
        System.out.printf(Locale.ROOT, "%-50s %10.3f %10.3f %8.2f%n", "total (per-node sums)", sumV, sumO, sumV / sumO);
    }

    /**
     * The first output's shape; a channel-blocked one ({@code [N, C/16, H, W, 16]}, from the NCHWc chains) as the
     * NCHW shape it stands for with the channels rounded up to 16, as ORT's own NCHWc nodes report theirs.
     */
    private static String shape(Tensor[] outs) {
        if (outs.length == 0) {
            return "";
        }
        int[] s = outs[0].shape();
        if (s.length == 5 && s[4] == 16) {
            return java.util.Arrays.toString(new int[] {s[0], s[1] * 16, s[2], s[3]});
        }
        return java.util.Arrays.toString(s);
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
