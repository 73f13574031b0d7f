package dev.vinfer.bench.wholemodel;

import dev.vinfer.bench.models.Family;
import java.util.Arrays;
import java.util.Locale;

/**
 * A supplement to {@link WholeModelBenchmark} for a shared, noisy machine: opens a family in vinfer and in ONNX
 * Runtime side by side and alternates single runs of the two (vinfer, ORT, vinfer, ORT, ...), so that both see the
 * same background load; reports the median time of each and the median of the per-pair ratios with its
 * interquartile range. JMH measures each engine in its own fork minutes apart, and when other builds come and go
 * that ratio can swing by 2x; the paired ratio stays put. Not a replacement for the JMH table on a quiet machine.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar \
 *     dev.vinfer.bench.wholemodel.PairedComparison resnet50 [threads] [pairs]</pre>
 */
public final class PairedComparison {
    private PairedComparison() {
    }

    public static void main(String[] args) {
        String[] models = args.length > 0 ? args[0].split(",") : new String[] {"resnet18"};
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int pairs = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        for (String m : models) {
            Family f = Family.byId(m);
            try (Engine.Runner v = Engine.VINFER.open(ModelFiles.fullSize(f), threads);
                    Engine.Runner o = Engine.ORT.open(ModelFiles.fullSize(f), threads)) {
                float[] input = ModelFiles.input(f);
                v.bind("input", input, f.fullInput());
                o.bind("input", input, f.fullInput());
                // warm-up: as many pairs as measured, for the JIT and both runtimes' caches
                for (int i = 0; i < pairs; i++) {
                    v.run();
                    o.run();
                }
                double[] tv = new double[pairs];
                double[] to = new double[pairs];
                double[] ratio = new double[pairs];
                for (int i = 0; i < pairs; i++) {
                    long t0 = System.nanoTime();
                    v.run();
                    long t1 = System.nanoTime();
                    o.run();
                    long t2 = System.nanoTime();
                    tv[i] = (t1 - t0) / 1e6;
                    to[i] = (t2 - t1) / 1e6;
                    ratio[i] = to[i] / tv[i];
                }
                System.out.printf(Locale.ROOT, "%-13s threads=%d pairs=%d  vinfer %.2f ms  ORT %.2f ms  ORT/vinfer %.2f "
                        + "(IQR %.2f..%.2f)%n", f.id(), threads, pairs, median(tv), median(to), median(ratio),
                        quantile(ratio, 0.25), quantile(ratio, 0.75));
            }
        }
    }

    static double median(double[] a) {
        return quantile(a, 0.5);
    }

    static double quantile(double[] a, double q) {
        double[] s = a.clone();
        Arrays.sort(s);
        double pos = q * (s.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(s.length - 1, lo + 1);
        return s[lo] + (pos - lo) * (s[hi] - s[lo]);
    }
}
