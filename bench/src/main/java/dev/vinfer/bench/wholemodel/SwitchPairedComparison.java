package dev.vinfer.bench.wholemodel;

import dev.vinfer.bench.models.Family;
import dev.vinfer.bench.paired.PairedTimes;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * vinfer against vinfer: two sessions of one model opened with a system property set two ways (a switch read when a
 * session opens or prepares, such as {@code vinfer.stemDirect}), single runs alternated in one JVM, so that a change of
 * a few per cent shows under the same load. Prints the median caller CPU time (all of a run at one thread) and wall
 * time of each, and the median of the per-pair ratios B/A.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar \
 *     dev.vinfer.bench.wholemodel.SwitchPairedComparison resnet18 1 200 vinfer.stemDirect false true</pre>
 */
public final class SwitchPairedComparison {
    private SwitchPairedComparison() {
    }

    public static void main(String[] args) throws Exception {
        Family f = Family.byId(args[0]);
        int threads = Integer.parseInt(args[1]);
        int pairs = Integer.parseInt(args[2]);
        String property = args[3];
        String[] values = {args[4], args[5]};
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        System.out.printf(Locale.ROOT, "load %s%n", PairedTimes.loadAverage());
        String before = System.getProperty(property);
        Engine.Runner[] r = new Engine.Runner[2];
        float[] input = ModelFiles.input(f);
        for (int e = 0; e < 2; e++) {
            System.setProperty(property, values[e]);
            r[e] = Engine.VINFER.open(ModelFiles.fullSize(f), threads);
            r[e].bind("input", input, f.fullInput());
            r[e].run(); // prepares under this value
        }
        if (before == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, before);
        }
        try {
            double[][] wall = new double[2][pairs];
            double[][] cpu = new double[2][pairs];
            for (int i = -pairs; i < pairs; i++) { // the first half warms up
                for (int k = 0; k < 2; k++) {
                    int e = (k + i) & 1; // alternate which goes first
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
            System.out.printf(Locale.ROOT, "%s threads=%d pairs=%d %s: A=%s B=%s | CPU A %.3f B %.3f ms, B/A %.3f (IQR "
                    + "%.3f..%.3f) | wall A %.3f B %.3f ms, B/A %.3f (IQR %.3f..%.3f)%n", f.id(), threads, pairs,
                    property, values[0], values[1], q(cpu[0], 0.5), q(cpu[1], 0.5), q(cpuRatio, 0.5),
                    q(cpuRatio, 0.25), q(cpuRatio, 0.75), q(wall[0], 0.5), q(wall[1], 0.5), q(wallRatio, 0.5),
                    q(wallRatio, 0.25), q(wallRatio, 0.75));
        } finally {
            r[0].close();
            r[1].close();
        }
        System.out.printf(Locale.ROOT, "load %s%n", PairedTimes.loadAverage());
    }

    private static double q(double[] a, double q) {
        return PairedTimes.quantile(a, q);
    }
}
