package dev.vinfer.cli;

import dev.vinfer.Vinfer;
import dev.vinfer.runtime.Node;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.ValueInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vinfer profile}: where the time of one inference goes, node by node after fusion: mean time over the
 * profiled runs, share of the total, GFLOP/s and % of this machine's peak for the compute ops, and the algorithm
 * each op chose. A table on the terminal and, with {@code --chart}, a PNG bar chart.
 */
@Command(name = "profile", mixinStandardHelpOptions = true,
        description = "Per-node time, share, GFLOP/s, %% of peak and algorithm; optional PNG chart.")
final class ProfileCommand implements Callable<Integer> {
    /**
     * Width of the algorithm column (the {@code %-20s} in the tables below): the longest names, {@code winograd_f4_3},
     * the channel-blocked {@code nchwc_winograd_f4_3} and {@code nchwc_winograd_s2_m4}, whole.
     */
    private static final int ALGORITHM_WIDTH = 20;

    @Parameters(index = "0", paramLabel = "MODEL.onnx")
    Path model;

    @Option(names = "--threads", description = "Intra-op threads (default: all cores).")
    Integer threads;

    /**
     * Unprofiled runs first. By default at least 5 runs and 3 seconds: the JIT compiles code that runs once per
     * inference (a pooling head, the classifier) only after tens of runs, and before that a node shows many times
     * its steady time (ResNet-18's GlobalAveragePool 1.24 ms after 20 runs, 0.04 after 300).
     */
    @Option(names = "--warmup", description = "Unprofiled runs first (default: at least 5 runs and 3 s).")
    Integer warmup;

    @Option(names = "--runs", defaultValue = "10", description = "Profiled runs to average (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--chart", paramLabel = "FILE.png", description = "Write a bar chart of the slowest nodes.")
    Path chart;

    @Option(names = "--top", defaultValue = "40", description = "Table rows (slowest first; default ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--peak-gflops", description = "This machine's peak, if the derived one is wrong.")
    Double peakGflops;

    @Option(names = "--no-optimize", description = "Skip graph optimization.")
    boolean noOptimize;

    /** The default warm-up's minimum length (besides its 5 runs). */
    private static final long DEFAULT_WARMUP_NANOS = 3_000_000_000L;

    /** One node's totals over the profiled runs. */
    static final class Row {
        final Node node;
        long nanos;
        double flops;
        String algorithm = "";

        Row(Node node) {
            this.node = node;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (runs < 1 || (warmup != null && warmup < 0) || top < 1) {
            throw new Main.UserError("--runs and --top must be >= 1, --warmup >= 0");
        }
        SessionOptions opts = new SessionOptions().optimize(!noOptimize);
        if (threads != null) {
            opts.threads(threads);
        }
        try (Session s = Vinfer.open(model, opts)) {
            Map<String, Tensor> feed = new LinkedHashMap<>();
            Random rnd = new Random(1);
            for (ValueInfo vi : s.inputs()) {
                feed.put(vi.name(), TensorFiles.random(vi, rnd));
            }
            long warmEnd = System.nanoTime() + (warmup == null ? DEFAULT_WARMUP_NANOS : 0);
            for (int i = 0; warmup == null ? i < 5 || System.nanoTime() < warmEnd : i < warmup; i++) {
                s.run(feed);
            }
            Map<Node, Row> rows = new LinkedHashMap<>();
            long wall = 0;
            for (int r = 0; r < runs; r++) {
                long t0 = System.nanoTime();
                s.run(feed, t -> {
                    Row row = rows.computeIfAbsent(t.node(), Row::new);
                    row.nanos += t.nanos();
                    row.flops += Flops.of(t.node().op(), t.inputs(), t.outputs());
                });
                wall += System.nanoTime() - t0;
            }
            for (Row row : rows.values()) {
                row.algorithm = row.node.op().describe();
            }
            OptionalDouble peak = peakGflops != null ? OptionalDouble.of(peakGflops) : MachinePeak.gflops(opts.threads());
            List<Row> sorted = new ArrayList<>(rows.values());
            sorted.sort(Comparator.comparingLong((Row x) -> -x.nanos));
            print(sorted, wall, peak, opts.threads());
            if (chart != null) {
                ProfileChart.write(chart, model.getFileName().toString(), sorted, runs, wall);
                System.out.println("chart written to " + chart);
            }
        }
        return 0;
    }

    private void print(List<Row> sorted, long wall, OptionalDouble peak, int threadCount) {
        long total = 0;
        double flops = 0;
        for (Row r : sorted) {
            total += r.nanos;
            flops += r.flops;
        }
        System.out.printf("model %s, %d threads, %d nodes after %s, mean of %d runs%n", model, threadCount,
                sorted.size(), noOptimize ? "import (no optimization)" : "optimization", runs);
        System.out.printf("%-32s %-22s %-20s %9s %7s %9s %7s%n", "node", "op", "algorithm", "ms", "share",
                "GFLOP/s", "% peak");
        boolean abovePeak = false;
        for (int i = 0; i < sorted.size() && i < top; i++) {
            Row r = sorted.get(i);
            double ms = r.nanos / 1e6 / runs;
            String gf = "";
            String pct = "";
            if (r.flops > 0 && r.nanos > 0) {
                double g = r.flops / r.nanos; // flops per ns = GFLOP/s
                gf = String.format("%.1f", g);
                pct = peak.isPresent() ? String.format("%.1f", 100 * g / peak.getAsDouble()) : "";
                abovePeak |= peak.isPresent() && g > peak.getAsDouble();
            }
            System.out.printf("%-32s %-22s %-20s %9.3f %6.1f%% %9s %7s%n", clip(r.node.name(), 32),
                    clip(r.node.op().opType(), 22), clip(r.algorithm, ALGORITHM_WIDTH), ms,
                    100.0 * r.nanos / Math.max(1, total), gf, pct);
        }
        if (sorted.size() > top) {
            long rest = 0;
            for (int i = top; i < sorted.size(); i++) {
                rest += sorted.get(i).nanos;
            }
            System.out.printf("%-32s %-22s %-20s %9.3f %6.1f%%%n", "(" + (sorted.size() - top) + " more nodes)", "",
                    "", rest / 1e6 / runs, 100.0 * rest / Math.max(1, total));
        }
        Map<String, long[]> byOp = new LinkedHashMap<>();
        for (Row r : sorted) {
            byOp.computeIfAbsent(r.node.op().opType(), k -> new long[2])[0] += r.nanos;
            byOp.get(r.node.op().opType())[1]++;
        }
        System.out.println("by op type:");
        List<Map.Entry<String, long[]>> ops = new ArrayList<>(byOp.entrySet());
        ops.sort((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]));
        for (Map.Entry<String, long[]> e : ops) {
            System.out.printf("  %-28s %4d nodes %9.3f ms %6.1f%%%n", e.getKey(), e.getValue()[1],
                    e.getValue()[0] / 1e6 / runs, 100.0 * e.getValue()[0] / Math.max(1, total));
        }
        double nodeMs = total / 1e6 / runs;
        System.out.printf("total: nodes %.3f ms, run %.3f ms (executor overhead %.3f ms); %.3f GFLOP per run, %.1f "
                + "GFLOP/s overall%n", nodeMs, wall / 1e6 / runs, (wall - total) / 1e6 / runs, flops / runs / 1e9,
                total > 0 ? flops / total : 0);
        peak.ifPresent(p -> System.out.println(MachinePeak.explain(threadCount, p, peakGflops != null)));
        if (abovePeak) {
            System.out.println("above 100%: GFLOP/s count a convolution's direct multiply-adds; Winograd nodes do"
                    + " fewer (F(2,3) 2.25x, F(4,3) 4x fewer in their products), so they can read above the peak");
        }
    }

    private static String clip(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "~";
    }
}
