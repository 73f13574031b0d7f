package dev.vinfer.bench.wholemodel;

import dev.vinfer.Vinfer;
import dev.vinfer.bench.models.Family;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * A diagnostic (not a benchmark): a whole model with its stem on {@code STEM_DIRECT} against the same model with the
 * stem on {@code IMPLICIT_IM2COL} (session 9), two sessions of this build opened in one JVM (the first with
 * {@code -Dvinfer.stemDirect=false} in force while it prepares its kernels) and single runs alternated, so both see
 * the same load. Prints per model the median and best caller CPU time (meaningful at one thread) and wall time of
 * each, and the median of the per-pair ratios new / old.
 *
 * <pre>java --add-modules jdk.incubator.vector -Dvinfer.bench.models=bench/target/bench-models \
 *     -cp bench/target/benchmarks.jar dev.vinfer.bench.wholemodel.StemPairedModels resnet18,mobilenetv2 1 100</pre>
 */
public final class StemPairedModels {
    private StemPairedModels() {
    }

    public static void main(String[] args) throws Exception {
        String[] models = args[0].split(",");
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int pairs = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        System.out.printf("load %s%n", load());
        for (String id : models) {
            Family f = Family.byId(id);
            Map<String, Tensor> feed = Map.of("input", Tensor.of(ModelFiles.input(f), f.fullInput()));
            Session[] s = new Session[2];
            try {
                for (int v = 0; v < 2; v++) {
                    System.setProperty("vinfer.stemDirect", Boolean.toString(v == 1));
                    s[v] = Vinfer.open(ModelFiles.fullSize(f), new SessionOptions().threads(threads));
                    s[v].run(feed); // kernels prepared (and chosen) under this setting
                }
                System.clearProperty("vinfer.stemDirect");
                double[][] cpu = new double[2][pairs];
                double[][] wall = new double[2][pairs];
                double[] ratioCpu = new double[pairs];
                double[] ratioWall = new double[pairs];
                for (int i = -Math.max(150, pairs / 2); i < pairs; i++) {
                    for (int k = 0; k < 2; k++) {
                        int v = (i + k) & 1; // alternate which goes first
                        long c0 = mx.getCurrentThreadCpuTime();
                        long t0 = System.nanoTime();
                        s[v].run(feed);
                        long t1 = System.nanoTime();
                        long c1 = mx.getCurrentThreadCpuTime();
                        if (i >= 0) {
                            cpu[v][i] = (c1 - c0) / 1e6;
                            wall[v][i] = (t1 - t0) / 1e6;
                        }
                    }
                    if (i >= 0) {
                        ratioCpu[i] = cpu[1][i] / cpu[0][i];
                        ratioWall[i] = wall[1][i] / wall[0][i];
                    }
                }
                System.out.printf(Locale.ROOT, "%-12s T=%d pairs=%d | CPU implicit %.3f (best %.3f) stem_direct %.3f "
                        + "(best %.3f) new/old %.3f | wall implicit %.3f stem_direct %.3f new/old %.3f%n", f.id(),
                        threads, pairs, q(cpu[0], 0.5), q(cpu[0], 0), q(cpu[1], 0.5), q(cpu[1], 0), q(ratioCpu, 0.5),
                        q(wall[0], 0.5), q(wall[1], 0.5), q(ratioWall, 0.5));
            } finally {
                for (Session x : s) {
                    if (x != null) {
                        x.close();
                    }
                }
            }
        }
        System.out.printf("load %s%n", load());
    }

    private static double q(double[] v, double p) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[(int) Math.min(c.length - 1, Math.round(p * (c.length - 1)))];
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
