package dev.vinfer.bench.wholemodel;

import dev.vinfer.Vinfer;
import dev.vinfer.bench.models.Family;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Per node, vinfer against vinfer: two sessions of one model opened with a system property set two ways (as
 * {@link SwitchPairedComparison}), runs alternated in one JVM with the node profiler on, and per node the median
 * time of each and their ratio B/A. Both sessions run the same compiled code under the same load, so a change that
 * helps some layers and costs others shows where (a profile per JVM, {@link FamilyProfile}, differed by up to 20% on
 * single nodes between two JVMs of one build in session 26). Nodes are matched by name; a property that changes the
 * graph (a fusion switch) leaves unmatched nodes, listed with one side only.
 *
 * <pre>java --add-modules jdk.incubator.vector -Dvinfer.bench.models=bench/target/bench-models \
 *     -cp bench/target/benchmarks.jar dev.vinfer.bench.wholemodel.SwitchNodeProfile resnet50 1 300 \
 *     vinfer.nchwcPointwise.wideMinChannels 100000 256</pre>
 */
public final class SwitchNodeProfile {
    private SwitchNodeProfile() {
    }

    public static void main(String[] args) {
        Family f = Family.byId(args[0]);
        int threads = Integer.parseInt(args[1]);
        int runs = Integer.parseInt(args[2]);
        String property = args[3];
        String[] values = {args[4], args[5]};
        Map<String, Tensor> feed = Map.of("input", Tensor.of(ModelFiles.input(f), f.fullInput()));
        Session[] s = PropertySwitch.underEach(property, values, e -> {
            Session x = Vinfer.open(ModelFiles.fullSize(f), new SessionOptions().threads(threads));
            x.run(feed); // kernels prepared under this value
            return x;
        }).toArray(new Session[0]);
        try {
            int warm = Integer.getInteger("vinfer.profile.warmup", Math.max(200, runs));
            for (int i = 0; i < warm; i++) {
                s[0].run(feed);
                s[1].run(feed);
            }
            // per session: node name -> its time in each run
            List<Map<String, long[]>> times = List.of(new LinkedHashMap<>(), new LinkedHashMap<>());
            // per session: node name -> op type and algorithm (a switch may change the algorithm a node runs)
            List<Map<String, String>> label = List.of(new LinkedHashMap<>(), new LinkedHashMap<>());
            long[][] totals = new long[2][runs];
            for (int i = 0; i < runs; i++) {
                for (int k = 0; k < 2; k++) {
                    int e = (i & 1) == 0 ? k : 1 - k; // both orders
                    int run = i;
                    Map<String, long[]> m = times.get(e);
                    Map<String, String> l = label.get(e);
                    long t0 = System.nanoTime();
                    s[e].run(feed, t -> {
                        String name = t.node().name();
                        m.computeIfAbsent(name, x -> new long[runs])[run] = t.nanos();
                        if (!l.containsKey(name)) {
                            l.put(name, t.node().op().opType() + " [" + t.node().op().describe() + "]");
                        }
                    });
                    totals[e][i] = System.nanoTime() - t0;
                }
            }
            System.out.printf(Locale.ROOT, "%s %d thread(s), %d runs each, %s A=%s B=%s (medians, ms)%n", f.id(),
                    threads, runs, property, values[0], values[1]);
            System.out.printf(Locale.ROOT, "%-22s %8s %8s %7s  %s%n", "node", "A", "B", "B/A",
                    "op (A's, and B's where it differs)");
            java.util.Set<String> all = new java.util.LinkedHashSet<>(label.get(0).keySet());
            all.addAll(label.get(1).keySet());
            List<String> names = new ArrayList<>(all);
            names.sort((x, y) -> Double.compare(larger(times, y), larger(times, x)));
            double sumA = 0;
            double sumB = 0;
            for (String n : names) {
                double a = median(times.get(0).get(n));
                double b = median(times.get(1).get(n));
                sumA += Double.isNaN(a) ? 0 : a;
                sumB += Double.isNaN(b) ? 0 : b;
                String la = label.get(0).get(n);
                String lb = label.get(1).get(n);
                String op = la == null ? "B: " + lb : lb == null || lb.equals(la) ? la : la + " / B: " + lb;
                System.out.printf(Locale.ROOT, "%-22s %8.3f %8.3f %7s  %s%n", n, a, b,
                        Double.isNaN(a) || Double.isNaN(b) ? "-" : String.format(Locale.ROOT, "%.3f", b / a), op);
            }
            System.out.printf(Locale.ROOT, "%-22s %8.3f %8.3f %7.3f%n", "sum of node medians", sumA, sumB, sumB / sumA);
            System.out.printf(Locale.ROOT, "%-22s %8.3f %8.3f %7.3f%n", "median run (profiled)", median(totals[0]),
                    median(totals[1]), median(totals[1]) / median(totals[0]));
        } finally {
            s[0].close();
            s[1].close();
        }
    }

    /** The larger of a node's two medians, for the order of the table (a node one session lacks counts as 0). */
    private static double larger(List<Map<String, long[]>> times, String node) {
        double a = median(times.get(0).get(node));
        double b = median(times.get(1).get(node));
        return Math.max(Double.isNaN(a) ? 0 : a, Double.isNaN(b) ? 0 : b);
    }

    /** Median in ms; NaN for a node the session does not have. */
    private static double median(long[] t) {
        if (t == null) {
            return Double.NaN;
        }
        long[] c = t.clone();
        Arrays.sort(c);
        return c[c.length / 2] / 1e6;
    }
}
