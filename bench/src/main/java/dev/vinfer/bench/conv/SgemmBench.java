package dev.vinfer.bench.conv;

import dev.vinfer.conv.Parallel;
import dev.vinfer.conv.Sgemm;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Square SGEMM {@code C = A x B} (row-major, no transposes, neither operand prepacked: the packing cost is
 * included) on one thread, to compare with the machine's peak ({@link PeakFlops}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
public class SgemmBench {
    @Param({"256", "512", "1024"})
    public int n;

    private float[] a;
    private float[] b;
    private float[] c;

    @Setup
    public void setUp() {
        a = ConvModels.random(1, n * n);
        b = ConvModels.random(2, n * n);
        c = new float[n * n];
    }

    @Benchmark
    public float[] sgemm() {
        Sgemm.get().multiply(false, false, n, n, n, a, 0, n, b, 0, n, c, 0, n, false, Parallel.SERIAL);
        return c;
    }
}
