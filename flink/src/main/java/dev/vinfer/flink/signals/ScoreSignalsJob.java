package dev.vinfer.flink.signals;

import dev.vinfer.flink.InferenceFunction;
import dev.vinfer.flink.JobSummary;
import dev.vinfer.flink.ModelSource;
import dev.vinfer.flink.SessionThreads;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The streaming sample: windows of audio samples arrive at a fixed rate and are scored one by one, as they
 * arrive, by a small 1-D convolutional model ({@link ToneModel}, generated here and shipped in the job). Each
 * result carries its latency from the window's creation to the end of its inference; the job prints one line per
 * window and a latency summary.
 *
 * <pre>
 * generator (rate-limited, 1) -> rebalance -> vinfer score (parallelism P) -> collected by the client
 * </pre>
 * The generator stands in for a message queue; its windows cross the network to the scoring instances as in a
 * real deployment. The buffer timeout is 0 (each record is sent at once): the default 100 ms would batch records
 * and show up as latency.
 */
@Command(name = "score-signals", mixinStandardHelpOptions = true,
        description = {"Score a stream of generated 1-D signal windows (tones in noise) with a small 1-D conv model, "
            + "printing each window's class and latency, then a latency summary."})
public final class ScoreSignalsJob implements Callable<Integer> {

    @Option(names = "--records", defaultValue = "400", paramLabel = "N", description = "Windows (default 400).")
    long records;

    @Option(names = "--rate", defaultValue = "100", paramLabel = "R",
            description = "Windows per second (default 100).")
    double rate;

    @Option(names = "--window", defaultValue = "1024", paramLabel = "L",
            description = "Samples per window at 8 kHz (default 1024 = 128 ms).")
    int window;

    @Option(names = "--noise", defaultValue = "0.5", paramLabel = "SIGMA",
            description = "Noise standard deviation; tones have amplitude 0.5-1 (default 0.5).")
    float noise;

    @Option(names = "--parallelism", paramLabel = "P",
            description = "Scoring instances (one session each; default: the environment's parallelism).")
    Integer parallelism;

    @Option(names = "--threads", paramLabel = "N",
            description = "Intra-op threads per session (default: the task manager's cores / its task slots).")
    Integer threads;

    @Option(names = "--quiet", description = "Print only the summary, not one line per window.")
    boolean quiet;

    /**
     * Adds the scoring pipeline to {@code env}: {@code records} windows of {@code window} samples at {@code rate}
     * per second, scored by {@code model} (a {@link ToneModel}); the stream of scored windows.
     */
    public static DataStream<ScoredWindow> build(StreamExecutionEnvironment env, ModelSource model, long records,
            double rate, int window, float noise, int parallelism, SessionThreads threads) {
        DataGeneratorSource<SignalWindow> source = new DataGeneratorSource<>(new ToneGenerator(window, noise),
                records, RateLimiterStrategy.perSecond(rate), TypeInformation.of(SignalWindow.class));
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "signal windows")
                .setParallelism(1)
                .rebalance()
                .map(new InferenceFunction<>(model, threads, ScoreTones.binding()),
                        TypeInformation.of(ScoredWindow.class))
                .name("vinfer score")
                .uid("vinfer-score")
                .setParallelism(parallelism);
    }

    @Override
    public Integer call() throws Exception {
        if (records < 1 || !(rate > 0)) {
            throw new IllegalArgumentException("--records and --rate must be positive");
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        env.setBufferTimeout(0);
        int p = parallelism != null ? parallelism : env.getParallelism();
        SessionThreads t = threads == null ? SessionThreads.perSlot() : SessionThreads.of(threads);
        DataStream<ScoredWindow> scored = build(env, ModelSource.bytes(ToneModel.onnxBytes()), records, rate, window,
                noise, p, t);
        List<ScoredWindow> results = new ArrayList<>();
        long start = System.nanoTime();
        JobClient job;
        try (CloseableIterator<ScoredWindow> it = scored.collectAsync()) {
            job = env.executeAsync("vinfer: score signals");
            while (it.hasNext()) {
                ScoredWindow w = it.next();
                results.add(w);
                if (!quiet) {
                    System.out.println(line(w));
                }
            }
        }
        JobSummary counts = JobSummary.of(job.getJobExecutionResult().get());
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.println(summary(results, seconds, p, counts.sessionThreads()));
        return 0;
    }

    static String line(ScoredWindow w) {
        return String.format(Locale.ROOT, "window %5d  tone %4.0f Hz -> %4.0f Hz  p=%.3f  %s  latency %6.2f ms",
                w.id(), ToneModel.TONES[w.tone()], ToneModel.TONES[w.predicted()], w.probability(),
                w.predicted() == w.tone() ? "ok   " : "WRONG", w.latencyMicros() / 1000.0);
    }

    /**
     * Counts, accuracy and latency percentiles over all windows and over the later half by id: the first windows
     * arrive while the JIT compiler is still warming up the freshly opened sessions and queue up behind them.
     */
    static String summary(List<ScoredWindow> scored, double seconds, int p, int sessionThreads) {
        int n = scored.size();
        long correct = scored.stream().filter(w -> w.predicted() == w.tone()).count();
        List<Long> all = new ArrayList<>();
        List<Long> later = new ArrayList<>();
        long half = scored.stream().mapToLong(ScoredWindow::id).max().orElse(0) / 2;
        for (ScoredWindow w : scored) {
            all.add(w.latencyMicros());
            if (w.id() > half) {
                later.add(w.latencyMicros());
            }
        }
        return String.format(Locale.ROOT, "score-signals: %d windows in %.1f s (incl. start-up), %d correct; "
                + "parallelism %d, session threads %d%n  latency, all windows:       %s%n"
                + "  latency, later half (warm): %s", n, seconds, correct, p, sessionThreads, percentiles(all),
                percentiles(later));
    }

    static String percentiles(List<Long> latencies) {
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        return String.format(Locale.ROOT, "p50 %7.2f ms  p90 %7.2f ms  p99 %7.2f ms  max %7.2f ms",
                pct(sorted, 0.50), pct(sorted, 0.90), pct(sorted, 0.99), pct(sorted, 1.0));
    }

    /** The q-quantile (nearest rank) in milliseconds. */
    static double pct(List<Long> sorted, double q) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int i = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i))) / 1000.0;
    }
}
