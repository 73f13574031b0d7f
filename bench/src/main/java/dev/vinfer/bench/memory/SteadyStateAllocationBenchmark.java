package dev.vinfer.bench.memory;

import dev.vinfer.Vinfer;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * Bytes allocated per steady-state inference of a ResNet-50, with and without the memory plan. Run with the GC
 * profiler and read {@code gc.alloc.rate.norm} (bytes per operation):
 *
 * <pre>
 * java -jar bench/target/benchmarks.jar SteadyStateAllocationBenchmark -prof gc
 * </pre>
 *
 * One intra-op thread by default, so every allocation happens on the measured thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx3g"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class SteadyStateAllocationBenchmark {
    @Param({"true", "false"})
    public boolean memoryPlan;

    @Param({"1"})
    public int threads;

    @Param({"224"})
    public int size;

    private Session session;
    private Map<String, Tensor> feed;

    @Setup
    public void open() {
        byte[] model = ResNet50Like.build(size, 50).toByteArray();
        session = Vinfer.open(model, new SessionOptions().threads(threads).memoryPlan(memoryPlan));
        float[] x = new float[3 * size * size];
        Random r = new Random(1);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        feed = Map.of("input", Tensor.of(x, 1, 3, size, size));
        session.run(feed);
        session.run(feed);
        // Printed here, not at tear-down, so that the profiler does not count it against the last iteration.
        System.out.println();
        System.out.println("memory: " + session.memoryStats());
    }

    @Benchmark
    public Map<String, Tensor> run() {
        return session.run(feed);
    }

    @TearDown
    public void close() {
        session.close();
    }
}
