package dev.vinfer.bench.wholemodel;

import dev.vinfer.bench.models.Family;
import dev.vinfer.bench.paired.CpuWallPairs;
import dev.vinfer.bench.paired.PairedTimes;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.WorkerPool;
import java.util.Locale;

/**
 * vinfer against vinfer: two sessions of one model opened with a system property set two ways (a switch read when a
 * session opens or prepares its kernels, such as {@code vinfer.stemDirect}), single runs alternated in one JVM, so
 * that a change of a few per cent shows under the same load. Prints per model and order of opening (A's session
 * first, then B's first) the median caller CPU time (all of a run at one thread) and wall time of each and the
 * median and IQR of the per-pair ratios B/A, then the geometric mean of the two orders' medians. At more than one
 * thread both sessions run on one shared pool ({@code SessionOptions.pool}): with a pool each, one session's worker
 * spun on a core while the other ran (ResNet-18 at two threads measured 24 ms that way against 11 in JMH).
 *
 * <pre>java --add-modules jdk.incubator.vector -Dvinfer.bench.models=bench/target/bench-models \
 *     -cp bench/target/benchmarks.jar dev.vinfer.bench.wholemodel.SwitchPairedComparison resnet18,mobilenetv2 1 200 \
 *     vinfer.stemDirect false true</pre>
 */
public final class SwitchPairedComparison {
    private SwitchPairedComparison() {
    }

    public static void main(String[] args) throws Exception {
        String[] models = args[0].split(",");
        int threads = Integer.parseInt(args[1]);
        int pairs = Integer.parseInt(args[2]);
        String property = args[3];
        String[] values = {args[4], args[5]};
        System.out.printf(Locale.ROOT, "load %s%n", PairedTimes.loadAverage());
        for (String id : models) {
            Family f = Family.byId(id);
            // Both orders of opening, as BuildPairedComparison: on this VM the session opened second measured
            // 1-2% faster whichever value it had (session 31, vinfer.nchwcStripFloats both ways), so one order
            // alone is biased.
            double ab = measure(f, threads, pairs, property, values, false);
            double ba = measure(f, threads, pairs, property, values, true);
            System.out.printf(Locale.ROOT, "%-12s %s B/A over both orders (geometric mean of CPU medians): %.3f%n",
                    f.id(), property, Math.sqrt(ab * ba));
        }
        System.out.printf(Locale.ROOT, "load %s%n", PairedTimes.loadAverage());
    }

    /** Median per-pair CPU-time ratio B/A with the B session opened first when {@code bFirst}, else A first. */
    private static double measure(Family f, int threads, int pairs, String property, String[] values, boolean bFirst)
            throws Exception {
        float[] input = ModelFiles.input(f);
        Engine.Runner[] r = new Engine.Runner[2];
        WorkerPool pool = threads > 1 ? WorkerPool.start(threads) : null;
        String[] order = bFirst ? new String[] {values[1], values[0]} : values;
        try {
            PropertySwitch.underEach(property, order, i -> {
                int e = bFirst ? 1 - i : i;
                r[e] = Engine.openVinfer(ModelFiles.fullSize(f), new SessionOptions().threads(threads).pool(pool));
                r[e].bind("input", input, f.fullInput());
                r[e].run(); // kernels prepared (and chosen) under this value
                return r[e];
            });
            Engine.Runner a = r[0];
            Engine.Runner b = r[1];
            CpuWallPairs p = CpuWallPairs.measure(a::run, b::run, pairs, true);
            System.out.printf(Locale.ROOT, "%-12s threads=%d pairs=%d %s A=%s B=%s, %s first | CPU %s | wall %s%n",
                    f.id(), threads, pairs, property, values[0], values[1], bFirst ? "B" : "A", p.summary(true),
                    p.summary(false));
            return p.ratio(true, 0.5);
        } finally {
            for (Engine.Runner x : r) {
                if (x != null) {
                    x.close();
                }
            }
            if (pool != null) {
                pool.close();
            }
        }
    }
}
