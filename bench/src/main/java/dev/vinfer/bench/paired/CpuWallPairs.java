package dev.vinfer.bench.paired;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * Two runs A and B alternated in one JVM, each timed by the calling thread's CPU time and by wall time: the CPU time
 * of a one-thread run is all of its work and stays steady on a machine loaded past its cores, where wall times swing.
 * (At several threads the caller's CPU time is only its share; read the wall times then.)
 */
public final class CpuWallPairs {
    private final double[][] cpu;
    private final double[][] wall;

    private CpuWallPairs(double[][] cpu, double[][] wall) {
        this.cpu = cpu;
        this.wall = wall;
    }

    /**
     * {@code pairs} untimed pairs (warm-up), then {@code pairs} timed ones; with {@code swap} the order within a pair
     * alternates (A B, B A, ...), otherwise A always runs first.
     */
    public static CpuWallPairs measure(PairedTimes.Run a, PairedTimes.Run b, int pairs, boolean swap)
            throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        PairedTimes.Run[] r = {a, b};
        double[][] cpu = new double[2][pairs];
        double[][] wall = new double[2][pairs];
        for (int i = -pairs; i < pairs; i++) {
            for (int k = 0; k < 2; k++) {
                int e = swap ? (k + i) & 1 : k;
                long c0 = mx.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                r[e].run();
                long t1 = System.nanoTime();
                long c1 = mx.getCurrentThreadCpuTime();
                if (i >= 0) {
                    wall[e][i] = (t1 - t0) / 1e6;
                    cpu[e][i] = (c1 - c0) / 1e6;
                }
            }
        }
        return new CpuWallPairs(cpu, wall);
    }

    /** The q-quantile of run {@code which}'s (0 = A, 1 = B) CPU or wall times, ms. */
    public double time(int which, boolean cpuTime, double q) {
        return PairedTimes.quantile((cpuTime ? cpu : wall)[which], q);
    }

    /** The q-quantile of the per-pair ratios B / A of CPU or wall time. */
    public double ratio(boolean cpuTime, double q) {
        double[][] t = cpuTime ? cpu : wall;
        double[] ratio = new double[t[0].length];
        for (int i = 0; i < ratio.length; i++) {
            ratio[i] = t[1][i] / t[0][i];
        }
        return PairedTimes.quantile(ratio, q);
    }

    /** "A x B y ms, B/A median (IQR lo..hi)" for CPU or wall time. */
    public String summary(boolean cpuTime) {
        return String.format(Locale.ROOT, "A %.3f B %.3f ms, B/A %.3f (IQR %.3f..%.3f)", time(0, cpuTime, 0.5),
                time(1, cpuTime, 0.5), ratio(cpuTime, 0.5), ratio(cpuTime, 0.25), ratio(cpuTime, 0.75));
    }
}
