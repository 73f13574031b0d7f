package dev.vinfer.bench.conv;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's single-core float peak as Java reaches it: 12 independent accumulators updated by
 * {@code acc = a.fma(b, acc)} (the accumulator as the added operand, which compiles to vfmadd231ps) at the preferred
 * vector width, no memory traffic. Reported as time per FMA instruction-vector; the reporter converts it to
 * GFLOP/s = 2 * lanes / (ns per vector FMA). This is the "peak" every % in the report is relative to.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class PeakFlops {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Loop trips per invocation; 12 vector FMAs per trip. */
    static final int TRIPS = 1 << 16;

    private float x;
    private float y;

    @Setup
    public void setUp() {
        x = 0.999f;
        y = 1e-7f;
    }

    /** One "operation" = one vector FMA of {@code S.length()} lanes. */
    @Benchmark
    @OperationsPerInvocation(TRIPS * 12)
    public float fmaLoop() {
        return chains(x, y);
    }

    /**
     * The loop itself, shared with {@code SgemmCpuTime}: {@link #TRIPS} rounds of 12 independent chains
     * {@code acc = a.fma(b, acc)} (the accumulator as the added operand: the order that reaches the peak).
     */
    static float chains(float x, float y) {
        FloatVector a = FloatVector.broadcast(S, x);
        FloatVector b = FloatVector.broadcast(S, y);
        FloatVector c0 = FloatVector.zero(S);
        FloatVector c1 = c0.add(1);
        FloatVector c2 = c0.add(2);
        FloatVector c3 = c0.add(3);
        FloatVector c4 = c0.add(4);
        FloatVector c5 = c0.add(5);
        FloatVector c6 = c0.add(6);
        FloatVector c7 = c0.add(7);
        FloatVector c8 = c0.add(8);
        FloatVector c9 = c0.add(9);
        FloatVector c10 = c0.add(10);
        FloatVector c11 = c0.add(11);
        for (int i = 0; i < TRIPS; i++) {
            c0 = a.fma(b, c0);
            c1 = a.fma(b, c1);
            c2 = a.fma(b, c2);
            c3 = a.fma(b, c3);
            c4 = a.fma(b, c4);
            c5 = a.fma(b, c5);
            c6 = a.fma(b, c6);
            c7 = a.fma(b, c7);
            c8 = a.fma(b, c8);
            c9 = a.fma(b, c9);
            c10 = a.fma(b, c10);
            c11 = a.fma(b, c11);
        }
        FloatVector s = c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11);
        return s.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }

    /** Lanes of the preferred species, for the reporter. */
    public static int lanes() {
        return S.length();
    }
}
