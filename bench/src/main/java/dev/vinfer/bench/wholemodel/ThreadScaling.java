package dev.vinfer.bench.wholemodel;

import dev.vinfer.Vinfer;
import dev.vinfer.bench.models.Family;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Per-node speed-up from a second thread, measured so that the machine's load hurts little: one JVM opens the family
 * with 1 and with {@code threads} threads and alternates short bursts of runs of the two sessions (the node profiler
 * on), then compares each node's <em>fastest</em> time in each (a run that another process interrupted is slower,
 * never faster, so the minimum is what the code can do). The host moves this VM's two vCPUs between cores that
 * share an L3 and cores that do not (see {@link ThreadTimeline}); each burst of multi-thread runs is filed under
 * the placement a core-to-core round trip measured just before it shows. Prints every node that gains less than
 * 1.7x from the threads or loses more than 20% in the far placement, the sums of the per-node minima and the same
 * per op type.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar \
 *     dev.vinfer.bench.wholemodel.ThreadScaling resnet18 [threads] [bursts] [all]</pre>
 */
public final class ThreadScaling {
    private static final int BURST = 3;
    /** Round trips above this mean the two vCPUs sit on cores that share no L3 (about 310 ns here, 70 near). */
    static final int FAR_NANOS = 150;

    private ThreadScaling() {
    }

    public static void main(String[] args) {
        Family f = Family.byId(args.length > 0 ? args[0] : "resnet18");
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int bursts = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        boolean all = args.length > 3 && args[3].equals("all");
        Map<String, Tensor> feed = Map.of("input", Tensor.of(ModelFiles.input(f), f.fullInput()));
        System.out.printf(Locale.ROOT, "%s, 1 vs %d threads, %d bursts of %d runs each; load %s%n", f.id(), threads,
                bursts, BURST, load());
        try (Session one = Vinfer.open(ModelFiles.fullSize(f), new SessionOptions().threads(1));
                Session many = Vinfer.open(ModelFiles.fullSize(f), new SessionOptions().threads(threads))) {
            int nodes = many.graph().nodes().size();
            String[] names = new String[nodes];
            int n = bursts * BURST;
            long[][] t1 = new long[nodes][n];
            // 2-thread runs by where the host had put the two vCPUs: [0] near (sharing an L3), [1] far
            long[][][] t2 = {new long[nodes][n], new long[nodes][n]};
            int[] count = new int[2];
            long[] wall1 = new long[n];
            long[][] wall2 = {new long[n], new long[n]};
            for (int i = 0; i < 5; i++) {
                one.run(feed);
                many.run(feed);
            }
            for (int b = 0; b < bursts; b++) {
                for (int k = 0; k < BURST; k++) {
                    wall1[b * BURST + k] = profiled(one, feed, t1, b * BURST + k, null);
                }
                int far = ThreadTimeline.roundTripNanos() > FAR_NANOS ? 1 : 0;
                for (int k = 0; k < BURST; k++) {
                    wall2[far][count[far]] = profiled(many, feed, t2[far], count[far], names);
                    count[far]++;
                }
            }
            System.out.printf(Locale.ROOT, "%d-thread runs with the vCPUs near (core-to-core round trip <= %d ns): %d,"
                    + " far: %d%n", threads, FAR_NANOS, count[0], count[1]);
            System.out.printf(Locale.ROOT, "wall per run, min / median: 1T %.3f / %.3f ms, %dT near %s, far %s%n",
                    min(wall1, n) / 1e6, median(wall1, n) / 1e6, threads, minMedian(wall2[0], count[0]),
                    minMedian(wall2[1], count[1]));
            System.out.printf(Locale.ROOT, "%n%-60s %8s %8s %8s %6s %6s%n", "node (op [algorithm] output)", "1T min",
                    threads + "T near", threads + "T far", "gain", "far");
            double[] sum = new double[3];
            Map<String, double[]> byOp = new java.util.TreeMap<>();
            for (int i = 0; i < nodes; i++) {
                if (names[i] == null) {
                    continue;
                }
                double a = min(t1[i], n) / 1e6;
                double near = count[0] == 0 ? Double.NaN : min(t2[0][i], count[0]) / 1e6;
                double farT = count[1] == 0 ? Double.NaN : min(t2[1][i], count[1]) / 1e6;
                sum[0] += a;
                sum[1] += near;
                sum[2] += farT;
                String op = names[i].substring(names[i].indexOf(' ') + 1, names[i].lastIndexOf(' '));
                double[] agg = byOp.computeIfAbsent(op, x -> new double[3]);
                agg[0] += a;
                agg[1] += near;
                agg[2] += farT;
                double best = Math.min(near, farT);
                if (all || a / best < 1.7 || farT / near > 1.2) {
                    System.out.printf(Locale.ROOT, "%-60s %8.3f %8.3f %8.3f %5.2fx %5.2fx%n", trim(names[i], 60), a,
                            near, farT, a / near, a / farT);
                }
            }
            System.out.printf(Locale.ROOT, "%-60s %8.3f %8.3f %8.3f %5.2fx %5.2fx%n", "sum of per-node minima", sum[0],
                    sum[1], sum[2], sum[0] / sum[1], sum[0] / sum[2]);
            System.out.printf(Locale.ROOT, "%n%-60s %8s %8s %8s %6s %6s%n", "op [algorithm]", "1T min",
                    threads + "T near", threads + "T far", "gain", "far");
            for (var e : byOp.entrySet()) {
                double[] v = e.getValue();
                System.out.printf(Locale.ROOT, "%-60s %8.3f %8.3f %8.3f %5.2fx %5.2fx%n", trim(e.getKey(), 60), v[0],
                        v[1], v[2], v[0] / v[1], v[0] / v[2]);
            }
        }
        System.out.printf(Locale.ROOT, "load %s%n", load());
    }

    private static long profiled(Session s, Map<String, Tensor> feed, long[][] into, int run, String[] names) {
        int[] index = {0};
        long t0 = System.nanoTime();
        s.run(feed, t -> {
            int n = index[0]++;
            into[n][run] = t.nanos();
            if (names != null && names[n] == null) {
                String algo = t.node().op().describe();
                names[n] = t.node().name() + " " + t.node().op().opType() + (algo.isEmpty() ? "" : "[" + algo + "]")
                        + " " + (t.outputs().length == 0 ? "" : Arrays.toString(t.outputs()[0].shape())
                                .replace(" ", ""));
            }
        });
        return System.nanoTime() - t0;
    }

    private static String trim(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "~";
    }

    private static long min(long[] a, int n) {
        return Arrays.stream(a, 0, n).min().orElse(0);
    }

    private static long median(long[] a, int n) {
        long[] c = Arrays.copyOf(a, n);
        Arrays.sort(c);
        return c[n / 2];
    }

    private static String minMedian(long[] a, int n) {
        return n == 0 ? "-" : String.format(Locale.ROOT, "%.3f / %.3f ms", min(a, n) / 1e6, median(a, n) / 1e6);
    }

    private static String load() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
