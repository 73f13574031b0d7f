package dev.vinfer.bench.wholemodel;

import dev.vinfer.bench.models.Family;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The whole-model comparison of {@link WholeModelBenchmark} at one thread with both engines in <b>one fork,
 * interleaved</b>: each benchmark invocation runs a block of {@link #BLOCK} vinfer runs and a block of ONNX Runtime
 * runs (which comes first alternates), and the time of every run but the first of each block goes into the
 * per-engine counters below. Why:
 * this VM's speed drifts by 10-40% between minutes and between its two vCPUs (bench/README.md, "Session 15"), and
 * {@link WholeModelBenchmark} measures each engine in its own forks, minutes apart, so its ratio carries that drift
 * (SqueezeNet at one thread: 0.84 there against 1.00-1.05 in one JVM in the same hour). Interleaved, both engines
 * see the same core and the same background load; forks still repeat the whole over fresh JVMs.
 *
 * <p>One thread only. At two threads ONNX Runtime's pool threads spin after each of its runs and hold the second
 * core through vinfer's next runs: measured 2026-11-30 with blocks of 6 runs (the first of each not counted), vinfer
 * at two threads ran up to 1.9x its time alone (SqueezeNet 4.90 against 3.04 ms, M5 2.37 against 1.24), so
 * two-thread ratios come from {@link WholeModelBenchmark}. The first run of each block, the one right after the other
 * engine's, is still not counted (caches and branch predictors hold the other engine's state).
 *
 * <p>The primary score (time per block pair) means little; the results are the counters, summed over an iteration:
 * {@code vinferMs}/{@code vinferRuns} and {@code ortMs}/{@code ortRuns} are the mean times per run, their quotient
 * the ratio ({@code ResultsReport} prints them as the "interleaved" table).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 4)
@Measurement(iterations = 4, time = 4)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
    "-Xmx4g", "-Xss16m",
    // arrays on 64-byte lines, so vinfer can put weight rows and activations on cache lines (ArrayAlignment)
    "-XX:ObjectAlignmentInBytes=64",
    // the heap on 2 MB pages, as the ./vinfer launcher runs it: fewer TLB misses where weights stream from memory
    // (session 35: ResNet-18 and -50 at one thread 4-7% faster against ONNX Runtime, bench/README.md). A Linux
    // HotSpot flag: where the kernel offers no transparent huge pages the JVM warns and runs on 4 KB pages; JVMs on
    // other systems refuse it.
    "-XX:+UseTransparentHugePages"})
public class InterleavedModelBenchmark {
    /** Runs of one engine in a row; the first is not counted. */
    static final int BLOCK = 6;

    @Param({"resnet18", "resnet50", "mobilenetv2", "squeezenet11", "m5audio", "resnet3d10"})
    public String model;

    @Param({"1"})
    public int threads;

    private Engine.Runner vinfer;
    private Engine.Runner ort;
    private boolean vinferFirst;

    /** Per-engine time and counted runs of the current iteration (JMH sums them per iteration). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Times {
        public double vinferMs;
        public double ortMs;
        public long vinferRuns;
        public long ortRuns;

        @Setup(Level.Iteration)
        public void reset() {
            vinferMs = 0;
            ortMs = 0;
            vinferRuns = 0;
            ortRuns = 0;
        }
    }

    @Setup(Level.Trial)
    public void open() {
        Family f = Family.byId(model);
        vinfer = open(Engine.VINFER, f);
        ort = open(Engine.ORT, f);
    }

    private Engine.Runner open(Engine e, Family f) {
        Engine.Runner r = e.open(ModelFiles.fullSize(f), threads);
        r.bind("input", ModelFiles.input(f), f.fullInput());
        r.run();
        return r;
    }

    @Benchmark
    public void blocks(Times t, Blackhole bh) {
        vinferFirst = !vinferFirst;
        if (vinferFirst) {
            t.vinferMs += block(vinfer, bh);
            t.ortMs += block(ort, bh);
        } else {
            t.ortMs += block(ort, bh);
            t.vinferMs += block(vinfer, bh);
        }
        t.vinferRuns += BLOCK - 1;
        t.ortRuns += BLOCK - 1;
    }

    /** Runs a block and returns the milliseconds of its runs after the first. */
    private static double block(Engine.Runner r, Blackhole bh) {
        bh.consume(r.run());
        long t0 = System.nanoTime();
        for (int i = 1; i < BLOCK; i++) {
            bh.consume(r.run());
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    @TearDown(Level.Trial)
    public void close() {
        vinfer.close();
        ort.close();
    }
}
