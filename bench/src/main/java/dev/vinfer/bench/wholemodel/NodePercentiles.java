package dev.vinfer.bench.wholemodel;

import dev.vinfer.Vinfer;
import dev.vinfer.bench.models.Family;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-node times of a family inside the whole network as min / median / p90 over the measured runs, for the nodes
 * whose names start with one of the given prefixes. {@link FamilyProfile} prints means, which a loaded machine
 * ruins (one preemption of a few ms in 30 runs outweighs a 0.1 ms node); the median and the minimum hold up
 * better. A diagnostic, not a benchmark; one thread.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar \
 *     dev.vinfer.bench.wholemodel.NodePercentiles resnet18 WARMUP RUNS maxpool,gemm,globalaverage</pre>
 */
public final class NodePercentiles {
    private NodePercentiles() {
    }

    public static void main(String[] args) {
        Family f = Family.byId(args.length > 0 ? args[0] : "resnet18");
        int warm = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        String[] prefixes = (args.length > 3 ? args[3] : "maxpool,gemm,globalaverage,flatten").split(",");
        Map<String, Tensor> feed = Map.of("input", Tensor.of(ModelFiles.input(f), f.fullInput()));
        Map<String, long[]> times = new TreeMap<>();
        try (Session s = Vinfer.open(ModelFiles.fullSize(f), new SessionOptions().threads(1))) {
            for (int i = 0; i < warm; i++) {
                s.run(feed);
            }
            for (int i = 0; i < runs; i++) {
                int run = i;
                s.run(feed, t -> {
                    String name = t.node().name();
                    for (String p : prefixes) {
                        if (name.startsWith(p)) {
                            times.computeIfAbsent(name, k -> new long[runs])[run] = t.nanos();
                        }
                    }
                });
            }
        }
        System.out.printf(Locale.ROOT, "%s, %d warm-up runs, %d measured, load %s%n", f.id(), warm, runs,
                dev.vinfer.bench.paired.PairedTimes.loadAverage());
        for (Map.Entry<String, long[]> e : times.entrySet()) {
            long[] v = e.getValue().clone();
            Arrays.sort(v);
            System.out.printf(Locale.ROOT, "%-28s min %.4f  p50 %.4f  p90 %.4f ms%n", e.getKey(), v[0] / 1e6,
                    v[runs / 2] / 1e6, v[runs * 9 / 10] / 1e6);
        }
    }
}
