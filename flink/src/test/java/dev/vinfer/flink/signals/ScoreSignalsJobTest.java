package dev.vinfer.flink.signals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.Vinfer;
import dev.vinfer.flink.InferenceFunction;
import dev.vinfer.flink.LocalFlink;
import dev.vinfer.flink.ModelSource;
import dev.vinfer.flink.SessionCounter;
import dev.vinfer.flink.SessionThreads;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The streaming job on a local MiniCluster (parallelism 2), and the ways a model reaches the task managers. */
class ScoreSignalsJobTest {
    private static final int WINDOW = 512;
    private static final float NOISE = 0.5f;

    @Test
    void everyWindowIsScoredOnceAsInOneJvmWithItsLatency() throws Exception {
        int n = 150;
        SessionCounter.reset();
        StreamExecutionEnvironment env = streamingEnvironment();
        DataStream<ScoredWindow> scored = ScoreSignalsJob.build(env, ModelSource.bytes(ToneModel.onnxBytes()), n,
                1000, WINDOW, NOISE, 2, SessionThreads.perSlot());
        List<ScoredWindow> results = collect(scored);

        assertEquals(2, SessionCounter.opened());
        assertEquals(2, SessionCounter.closed());
        Map<Long, ScoredWindow> byId = byId(results, 1);
        assertEquals(n, byId.size(), "every window exactly once");
        assertEqualsSingleJvm(byId);
        for (ScoredWindow w : results) {
            assertTrue(w.latencyMicros() > 0 && w.latencyMicros() < 60_000_000, "latency " + w.latencyMicros());
        }
        System.out.println(ScoreSignalsJob.summary(results, 0, 2, SessionCounter.threads().get(0)));
    }

    @Test
    void modelFromAPathOrTheDistributedCacheScoresTheSame(@TempDir Path tmp) throws Exception {
        Path model = Files.write(tmp.resolve("tones.onnx"), ToneModel.onnxBytes());
        int n = 40;
        SessionCounter.reset();
        StreamExecutionEnvironment env = streamingEnvironment();
        env.registerCachedFile(model.toString(), "tones");
        DataStream<SignalWindow> windows = env.fromSource(new DataGeneratorSource<>(new ToneGenerator(WINDOW, NOISE),
                n, RateLimiterStrategy.noOp(), TypeInformation.of(SignalWindow.class)),
                WatermarkStrategy.noWatermarks(), "windows").setParallelism(1);
        DataStream<ScoredWindow> byPath = windows.rebalance()
                .map(new InferenceFunction<>(ModelSource.file(model.toString()), SessionThreads.of(1),
                        ScoreTones.binding()), TypeInformation.of(ScoredWindow.class)).setParallelism(2);
        DataStream<ScoredWindow> byCache = windows.rebalance()
                .map(new InferenceFunction<>(ModelSource.cachedFile("tones"), SessionThreads.of(1),
                        ScoreTones.binding()), TypeInformation.of(ScoredWindow.class)).setParallelism(2);
        List<ScoredWindow> results = collect(byPath.union(byCache));

        assertEquals(4, SessionCounter.opened(), "2 instances of each operator");
        assertEquals(4, SessionCounter.closed());
        assertEquals(List.of(1, 1, 1, 1), SessionCounter.threads());
        Map<Long, ScoredWindow> byId = byId(results, 2);
        assertEquals(n, byId.size());
        assertEqualsSingleJvm(byId);
    }

    private static StreamExecutionEnvironment streamingEnvironment() {
        StreamExecutionEnvironment env = LocalFlink.environment(2);
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        env.setBufferTimeout(0);
        return env;
    }

    private static List<ScoredWindow> collect(DataStream<ScoredWindow> stream) throws Exception {
        List<ScoredWindow> out = new ArrayList<>();
        try (CloseableIterator<ScoredWindow> it = stream.executeAndCollect("score-signals test")) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    /** Results by window id; each id must come {@code times} times, always with the same result. */
    private static Map<Long, ScoredWindow> byId(List<ScoredWindow> results, int times) {
        Map<Long, ScoredWindow> first = new HashMap<>();
        Map<Long, Integer> count = new HashMap<>();
        for (ScoredWindow w : results) {
            ScoredWindow prev = first.putIfAbsent(w.id(), w);
            if (prev != null) {
                assertEquals(prev.predicted(), w.predicted(), "window " + w.id());
                assertEquals(prev.probability(), w.probability(), "window " + w.id());
            }
            count.merge(w.id(), 1, Integer::sum);
        }
        count.forEach((id, c) -> assertEquals(times, c, "window " + id + " scored " + c + " times"));
        return first;
    }

    /** The same windows through one session in this JVM give the same class and the very same probability. */
    private static void assertEqualsSingleJvm(Map<Long, ScoredWindow> byId) {
        ToneGenerator gen = new ToneGenerator(WINDOW, NOISE);
        int correct = 0;
        try (Session s = Vinfer.open(ToneModel.onnxBytes(), new SessionOptions())) {
            for (ScoredWindow w : byId.values()) {
                SignalWindow in = gen.window(w.id(), 0);
                float[] p = s.run(Tensor.of(in.samples(), 1, 1, WINDOW)).toFloatArray();
                int best = ToneModelTest.argmax(p);
                assertEquals(in.tone(), w.tone(), "window " + w.id());
                assertEquals(best, w.predicted(), "window " + w.id());
                assertEquals(p[best], w.probability(), "window " + w.id());
                correct += best == in.tone() ? 1 : 0;
            }
        }
        assertTrue(correct >= 0.9 * byId.size(), correct + " of " + byId.size() + " tones recognized");
    }
}
