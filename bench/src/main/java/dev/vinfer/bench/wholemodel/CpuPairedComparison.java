package dev.vinfer.bench.wholemodel;

import dev.vinfer.bench.models.Family;
import dev.vinfer.bench.paired.PairedTimes;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * {@link PairedComparison} at one thread timed by the calling thread's CPU time as well as wall time: on a machine
 * loaded far past its cores (load average 15-20 on 2 cores) the wall times of a whole model swing by 2x from run to
 * run, while the CPU time a run spends on its own thread is much steadier. Both engines run a one-thread session on
 * the calling thread (ONNX Runtime with one intra-op thread has no pool), so the caller's CPU time is all of a run.
 * Prints per model the median wall and CPU times of each engine and the medians of the per-pair ratios.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar \
 *     dev.vinfer.bench.wholemodel.CpuPairedComparison squeezenet11 [pairs]</pre>
 */
public final class CpuPairedComparison {
    private CpuPairedComparison() {
    }

    public static void main(String[] args) throws Exception {
        String[] models = args.length > 0 ? args[0].split(",") : new String[] {"squeezenet11"};
        int pairs = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        System.out.printf(Locale.ROOT, "load %s%n", PairedTimes.loadAverage());
        for (String m : models) {
            Family f = Family.byId(m);
            try (Engine.Runner v = Engine.VINFER.open(ModelFiles.fullSize(f), 1);
                    Engine.Runner o = Engine.ORT.open(ModelFiles.fullSize(f), 1)) {
                float[] input = ModelFiles.input(f);
                v.bind("input", input, f.fullInput());
                o.bind("input", input, f.fullInput());
                Engine.Runner[] r = {v, o};
                double[][] wall = new double[2][pairs];
                double[][] cpu = new double[2][pairs];
                for (int i = -pairs; i < pairs; i++) { // the first half warms up
                    for (int e = 0; e < 2; e++) {
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
                double[] wallRatio = new double[pairs];
                double[] cpuRatio = new double[pairs];
                for (int i = 0; i < pairs; i++) {
                    wallRatio[i] = wall[1][i] / wall[0][i];
                    cpuRatio[i] = cpu[1][i] / cpu[0][i];
                }
                System.out.printf(Locale.ROOT,
                        "%-13s pairs=%d  CPU vinfer %.2f ms ORT %.2f ms ORT/vinfer %.2f (IQR %.2f..%.2f) | wall "
                                + "vinfer %.2f ORT %.2f ORT/vinfer %.2f%n",
                        f.id(), pairs, q(cpu[0], 0.5), q(cpu[1], 0.5), q(cpuRatio, 0.5), q(cpuRatio, 0.25),
                        q(cpuRatio, 0.75), q(wall[0], 0.5), q(wall[1], 0.5), q(wallRatio, 0.5));
            }
        }
        System.out.printf(Locale.ROOT, "load %s%n", PairedTimes.loadAverage());
    }

    private static double q(double[] a, double q) {
        return PairedTimes.quantile(a, q);
    }
}
