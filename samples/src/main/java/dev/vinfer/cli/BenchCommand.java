package dev.vinfer.cli;

import dev.vinfer.Vinfer;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.ValueInfo;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vinfer bench}: runs a model on random inputs for a while and reports latency percentiles and throughput.
 * One run at a time, each using the session's intra-op threads; warm-up runs (JIT compilation, packing of weights,
 * the memory plan) are not measured. For comparisons between runtimes use the JMH benchmarks in {@code bench}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure latency (p50/p90/p99) and throughput of a model on random inputs.")
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL.onnx")
    Path model;

    @Option(names = "--threads", description = "Intra-op threads (default: all cores).")
    Integer threads;

    @Option(names = "--warmup", defaultValue = "3", paramLabel = "S",
            description = "Seconds of unmeasured warm-up runs (default ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--time", defaultValue = "10", paramLabel = "S",
            description = "Seconds of measured runs (default ${DEFAULT-VALUE}).")
    double time;

    @Option(names = "--json", description = "Print one JSON object instead of the table.")
    boolean json;

    @Option(names = "--no-optimize", description = "Skip graph optimization.")
    boolean noOptimize;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the random inputs (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        if (!(warmup >= 0) || !(time > 0)) {
            throw new Main.UserError("--warmup must be >= 0 and --time > 0 seconds");
        }
        SessionOptions opts = new SessionOptions().optimize(!noOptimize);
        if (threads != null) {
            opts.threads(threads);
        }
        ProgressBar bar = new ProgressBar(System.out, !json && ProgressBar.stdoutIsTerminal());
        long open0 = System.nanoTime();
        try (Session s = Vinfer.open(model, opts)) {
            double openMs = (System.nanoTime() - open0) / 1e6;
            Map<String, Tensor> feed = new LinkedHashMap<>();
            Random rnd = new Random(seed);
            for (ValueInfo vi : s.inputs()) {
                feed.put(vi.name(), TensorFiles.random(vi, rnd));
            }
            long warmEnd = System.nanoTime() + (long) (warmup * 1e9);
            int warmRuns = 0;
            do {
                s.run(feed);
                warmRuns++;
                bar.update("warm-up", 1 - (warmEnd - System.nanoTime()) / (warmup * 1e9 + 1), warmRuns + " runs");
            } while (System.nanoTime() < warmEnd);
            long[] lat = new long[1024];
            int n = 0;
            long start = System.nanoTime();
            long end = start + (long) (time * 1e9);
            long now = start;
            while (now < end || n == 0) {
                long t0 = System.nanoTime();
                s.run(feed);
                now = System.nanoTime();
                if (n == lat.length) {
                    lat = java.util.Arrays.copyOf(lat, n * 2);
                }
                lat[n++] = now - t0;
                bar.update("measure", (now - start) / (time * 1e9), n + " runs");
            }
            bar.done();
            LatencyStats st = LatencyStats.of(lat, n, (now - start) / 1e9);
            if (json) {
                System.out.println(json(st, opts.threads(), openMs));
            } else {
                System.out.printf("model       %s%n", model);
                System.out.printf("threads     %d   optimize %s   session open %.1f ms   warm-up %d runs%n",
                        opts.threads(), !noOptimize, openMs, warmRuns);
                System.out.printf("runs        %d in %.2f s%n", st.runs(), st.seconds());
                System.out.printf("latency ms  p50 %.3f   p90 %.3f   p99 %.3f   (mean %.3f, min %.3f, max %.3f)%n",
                        st.p50Ms(), st.p90Ms(), st.p99Ms(), st.meanMs(), st.minMs(), st.maxMs());
                System.out.printf("throughput  %.2f inferences/s%n", st.throughput());
            }
        }
        return 0;
    }

    private String json(LatencyStats st, int threadCount, double openMs) {
        return String.format(Locale.ROOT, "{\"model\": %s, \"threads\": %d, \"optimize\": %s, \"runs\": %d, "
                + "\"seconds\": %.3f, \"p50_ms\": %.4f, \"p90_ms\": %.4f, \"p99_ms\": %.4f, \"mean_ms\": %.4f, "
                + "\"min_ms\": %.4f, \"max_ms\": %.4f, \"throughput_per_s\": %.3f, \"open_ms\": %.1f}",
                quote(model.toString()), threadCount, !noOptimize, st.runs(), st.seconds(), st.p50Ms(), st.p90Ms(),
                st.p99Ms(), st.meanMs(), st.minMs(), st.maxMs(), st.throughput(), openMs);
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
