package dev.vinfer.bench.wholemodel;

import dev.vinfer.Vinfer;
import dev.vinfer.bench.models.Family;
import dev.vinfer.bench.paired.PairedTimes;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@link FamilyProfile} for a loaded machine: one thread, each node charged the calling thread's CPU time between
 * the profiler's callbacks (the node's work and the executor's bookkeeping around it), median over the runs. Wall
 * times per node on a machine loaded far past its cores are mostly waiting; CPU time is not. No ONNX Runtime
 * column (its profile is wall time).
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar \
 *     dev.vinfer.bench.wholemodel.CpuNodeProfile squeezenet11 [runs]</pre>
 */
public final class CpuNodeProfile {
    private CpuNodeProfile() {
    }

    public static void main(String[] args) {
        Family f = Family.byId(args.length > 0 ? args[0] : "squeezenet11");
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, Tensor> feed = Map.of("input", Tensor.of(ModelFiles.input(f), f.fullInput()));
        Map<String, double[]> byNode = new LinkedHashMap<>();
        System.out.printf(Locale.ROOT, "load %s%n", PairedTimes.loadAverage());
        try (Session s = Vinfer.open(ModelFiles.fullSize(f), new SessionOptions().threads(1))) {
            for (int i = 0; i < runs; i++) {
                s.run(feed);
            }
            double[] total = new double[runs];
            for (int r = 0; r < runs; r++) {
                int run = r;
                long[] last = {mx.getCurrentThreadCpuTime()};
                long start = last[0];
                s.run(feed, t -> {
                    long now = mx.getCurrentThreadCpuTime();
                    String algo = t.node().op().describe();
                    String key = t.node().name() + " " + t.node().op().opType() + (algo.isEmpty() ? "" : " [" + algo
                            + "]") + " " + (t.outputs().length == 0 ? "" : java.util.Arrays.toString(
                                    t.outputs()[0].shape()));
                    byNode.computeIfAbsent(key, k -> new double[runs])[run] = (now - last[0]) / 1e6;
                    last[0] = mx.getCurrentThreadCpuTime();
                });
                total[r] = (mx.getCurrentThreadCpuTime() - start) / 1e6;
            }
            System.out.printf(Locale.ROOT, "%s, 1 thread: CPU median %.3f ms per profiled run%n", f.id(),
                    PairedTimes.quantile(total, 0.5));
            List<Map.Entry<String, double[]>> list = new ArrayList<>(byNode.entrySet());
            double sum = 0;
            for (var e : list) {
                double med = PairedTimes.quantile(e.getValue(), 0.5);
                sum += med;
                System.out.printf(Locale.ROOT, "%-90s %8.3f%n", e.getKey(), med);
            }
            System.out.printf(Locale.ROOT, "sum of node medians %.3f ms; load %s%n", sum, PairedTimes.loadAverage());
        }
    }
}
