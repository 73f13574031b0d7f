package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * This core's float32 multiply-add rate, measured: twelve independent FMA chains on the preferred vector width
 * (enough to cover a 4-cycle latency on two FMA pipes), in short bursts so that C2 compiles the loop within the
 * first milliseconds. What "% of peak" columns divide by: a clock-times-width formula would need the core's
 * pipe count and width (Zen 4 runs a 512-bit FMA as two halves, Zen 5 does two whole ones per cycle) and the
 * clock /proc/cpuinfo reports is often the base clock, not the one the core runs at.
 */
final class FmaPeak {
    /** Loop trips per burst: about 0.1 ms at 200 GFLOP/s. */
    private static final int TRIPS = 50_000;
    private static volatile float sink;

    private FmaPeak() {
    }

    /** GFLOP/s of one thread: the best burst of those run within {@code millis} ms (at least 20 bursts). */
    static double measure(long millis) {
        long end = System.nanoTime() + millis * 1_000_000L;
        double best = 0;
        for (int i = 0; i < 20 || System.nanoTime() < end; i++) {
            long t0 = System.nanoTime();
            sink += burst(TRIPS);
            long dt = System.nanoTime() - t0;
            if (dt > 0) {
                best = Math.max(best, 2.0 * 12 * L * TRIPS / dt);
            }
        }
        return best;
    }

    private static float burst(int trips) {
        FloatVector m = FloatVector.broadcast(S, 0.999f);
        FloatVector c = FloatVector.broadcast(S, 0.001f);
        FloatVector a0 = c;
        FloatVector a1 = c;
        FloatVector a2 = c;
        FloatVector a3 = c;
        FloatVector a4 = c;
        FloatVector a5 = c;
        FloatVector a6 = c;
        FloatVector a7 = c;
        FloatVector a8 = c;
        FloatVector a9 = c;
        FloatVector a10 = c;
        FloatVector a11 = c;
        for (int i = 0; i < trips; i++) {
            a0 = a0.fma(m, c);
            a1 = a1.fma(m, c);
            a2 = a2.fma(m, c);
            a3 = a3.fma(m, c);
            a4 = a4.fma(m, c);
            a5 = a5.fma(m, c);
            a6 = a6.fma(m, c);
            a7 = a7.fma(m, c);
            a8 = a8.fma(m, c);
            a9 = a9.fma(m, c);
            a10 = a10.fma(m, c);
            a11 = a11.fma(m, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }
}
