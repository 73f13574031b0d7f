package dev.vinfer.bench.wholemodel;

import dev.vinfer.bench.models.Family;
import dev.vinfer.bench.paired.CpuWallPairs;
import dev.vinfer.bench.paired.PairedTimes;
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
        System.out.printf(Locale.ROOT, "load %s%n", PairedTimes.loadAverage());
        for (String m : models) {
            Family f = Family.byId(m);
            try (Engine.Runner v = Engine.VINFER.open(ModelFiles.fullSize(f), 1);
                    Engine.Runner o = Engine.ORT.open(ModelFiles.fullSize(f), 1)) {
                float[] input = ModelFiles.input(f);
                v.bind("input", input, f.fullInput());
                o.bind("input", input, f.fullInput());
                // vinfer first in every pair (A = vinfer, B = ONNX Runtime: B/A is ORT/vinfer)
                CpuWallPairs p = CpuWallPairs.measure(v::run, o::run, pairs, false);
                System.out.printf(Locale.ROOT,
                        "%-13s pairs=%d  CPU vinfer %.2f ms ORT %.2f ms ORT/vinfer %.2f (IQR %.2f..%.2f) | wall "
                                + "vinfer %.2f ORT %.2f ORT/vinfer %.2f%n",
                        f.id(), pairs, p.time(0, true, 0.5), p.time(1, true, 0.5), p.ratio(true, 0.5),
                        p.ratio(true, 0.25), p.ratio(true, 0.75), p.time(0, false, 0.5), p.time(1, false, 0.5),
                        p.ratio(false, 0.5));
            }
        }
        System.out.printf(Locale.ROOT, "load %s%n", PairedTimes.loadAverage());
    }
}
