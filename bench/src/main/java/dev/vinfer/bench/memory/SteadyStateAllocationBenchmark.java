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
 * java -jar bench/target/benchmarks.jar SteadyStateAllocationBenchmark -prof gc -p memoryPlan=true -p threads=1,2
 * </pre>
 *
 * {@code run} returns fresh output tensors (4 KB for the 1000 classes); {@code runInto} computes into the caller's
 * reused output tensor. The GC profiler counts every thread's allocations, the session pool's workers included.
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
    private Map<String, Tensor> into;

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
        into = Map.of(session.outputs().get(0).name(), Tensor.zeros(dev.vinfer.runtime.DType.FLOAT32, 1, 1000));
        // Printed here, not at tear-down, so that the profiler does not count it against the last iteration.
        System.out.println();
        System.out.println("memory: " + session.memoryStats());
    }

    @Benchmark
    public Map<String, Tensor> run() {
        return session.run(feed);
    }

    @Benchmark
    public Map<String, Tensor> runInto() {
        session.runInto(feed, into);
        return into;
    }

    @TearDown
    public void close() {
        session.close();
    }
}
