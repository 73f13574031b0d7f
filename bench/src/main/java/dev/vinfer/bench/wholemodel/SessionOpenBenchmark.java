package dev.vinfer.bench.wholemodel;

import dev.vinfer.bench.models.Family;
import java.nio.file.Path;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time to open a ResNet-50 session from its file (read, import, optimize, prepare; ~100 MB of weights) until it
 * can run, vinfer against ONNX Runtime; and the same plus the first run, since both runtimes may defer work
 * (weight packing, kernel selection) to it, and a caller waits for that too before the first answer.
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
public class SessionOpenBenchmark {
    @Param({"VINFER", "ORT"})
    public Engine engine;

    @Param({"1"})
    public int threads;

    /** vinfer packs conv weights and plans memory while opening; {@code -p prepareAtOpen=false} leaves it to run 1. */
    @Param({"true"})
    public boolean prepareAtOpen;

    private Path file;
    private float[] input;
    private int[] shape;

    @Setup(Level.Trial)
    public void write() {
        file = ModelFiles.fullSize(Family.RESNET50);
        input = ModelFiles.input(Family.RESNET50);
        shape = Family.RESNET50.fullInput();
        System.setProperty("vinfer.prepareAtOpen", String.valueOf(prepareAtOpen));
    }

    /** Open until ready to run (then close, which both runtimes do quickly). */
    @Benchmark
    public Object open() {
        try (Engine.Runner r = engine.open(file, threads)) {
            return r;
        }
    }

    /** Open and answer the first request: the latency a newly started service sees. */
    @Benchmark
    public Object openAndRunOnce() {
        try (Engine.Runner r = engine.open(file, threads)) {
            r.bind("input", input, shape);
            return r.run();
        }
    }
}
