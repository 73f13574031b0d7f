package dev.vinfer.bench.wholemodel;

import dev.vinfer.bench.models.Family;
import java.util.concurrent.TimeUnit;
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

/**
 * Whole-model latency at batch 1: vinfer against ONNX Runtime Java in the same run, on the family models at full
 * input size (seeded weights, written by the model builder), with 1 and 2 intra-op threads. One engine per trial,
 * so each measures alone in its fork. {@code ResultsReport} turns the CSV results into the table and chart of
 * bench/README.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
    "-Xmx4g", "-Xss16m",
    // arrays on 64-byte lines, so vinfer can put weight rows and activations on cache lines (ArrayAlignment)
    "-XX:ObjectAlignmentInBytes=64",
    // the heap on 2 MB pages, as the ./vinfer launcher runs it: fewer TLB misses where weights stream from memory
    // (session 35: ResNet-18 and -50 at one thread 4-7% faster against ONNX Runtime, bench/README.md). A Linux
    // HotSpot flag: where the kernel offers no transparent huge pages the JVM warns and runs on 4 KB pages; JVMs on
    // other systems refuse it.
    "-XX:+UseTransparentHugePages"})
public class WholeModelBenchmark {
    @Param({"resnet18", "resnet50", "mobilenetv2", "squeezenet11", "m5audio", "resnet3d10"})
    public String model;

    @Param({"1", "2"})
    public int threads;

    @Param({"VINFER", "ORT"})
    public Engine engine;

    private Engine.Runner runner;

    @Setup(Level.Trial)
    public void open() {
        Family f = Family.byId(model);
        runner = engine.open(ModelFiles.fullSize(f), threads);
        runner.bind("input", ModelFiles.input(f), f.fullInput());
        runner.run();
    }

    @Benchmark
    public Object run() {
        return runner.run();
    }

    @TearDown(Level.Trial)
    public void close() {
        runner.close();
    }
}
