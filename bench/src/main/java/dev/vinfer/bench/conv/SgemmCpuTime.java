package dev.vinfer.bench.conv;

import dev.vinfer.conv.Parallel;
import dev.vinfer.conv.Sgemm;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * SGEMM and the FMA peak timed by the thread's CPU time instead of the wall clock, for a busy machine: with the 2
 * cores shared by many processes a 20 ms product is almost never left alone for 20 ms, so JMH's wall-clock times
 * there measure the load (SGEMM 1024 ran 3-4x slower than quiet). CPU time leaves out the time the thread was not
 * running, though not the caches other processes dirtied, so take it as a lower bound on the slowdown. Same products
 * as {@link SgemmBench} (square, row-major, one thread, packing included) and the same peak loop as
 * {@link PeakFlops}; prints best-of GFLOP/s and % of the peak measured in the same run.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dev.vinfer.bench.conv.SgemmCpuTime \
 *     [rounds, default 6] [sizes, default 256,512,1024]
 * </pre>
 */
public final class SgemmCpuTime {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    private static float sink;

    private SgemmCpuTime() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        int[] sizes = Arrays.stream((args.length > 1 ? args[1] : "256,512,1024").split(","))
                .mapToInt(Integer::parseInt).toArray();
        double peak = 0;
        double[] best = new double[sizes.length];
        for (int round = 0; round < rounds; round++) {
            double ns = bestNanos(() -> sink += PeakFlops.chains(0.999f, 1e-7f), 10, 10);
            peak = Math.max(peak, 12.0 * PeakFlops.TRIPS * 2 * S.length() / ns);
            for (int i = 0; i < sizes.length; i++) {
                int n = sizes[i];
                float[] a = ConvModels.random(1, n * n);
                float[] b = ConvModels.random(2, n * n);
                float[] c = new float[n * n];
                double flops = 2.0 * n * n * n;
                int inner = Math.max(1, (int) (2e7 / flops));
                double t = bestNanos(() -> Sgemm.get().multiply(false, false, n, n, n, a, 0, n, b, 0, n, c, 0, n, false,
                        Parallel.SERIAL), 8, inner);
                best[i] = Math.max(best[i], flops / t);
            }
        }
        StringBuilder line = new StringBuilder(String.format("peak %.1f GFLOP/s", peak));
        for (int i = 0; i < sizes.length; i++) {
            line.append(String.format(" | n=%d %.1f GFLOP/s %.1f%%", sizes[i], best[i], 100 * best[i] / peak));
        }
        System.out.println(line);
    }

    private static double bestNanos(Runnable body, int reps, int inner) {
        double best = Double.MAX_VALUE;
        for (int r = 0; r < reps; r++) {
            long t = MX.getCurrentThreadCpuTime();
            for (int i = 0; i < inner; i++) {
                body.run();
            }
            best = Math.min(best, (MX.getCurrentThreadCpuTime() - t) / (double) inner);
        }
        return best;
    }
}
