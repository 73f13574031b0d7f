package dev.vinfer.bench.apps;

import dev.vinfer.bench.paired.PairedTimes;
import java.util.Locale;

/**
 * {@link ImageModelBench}'s models on a shared, noisy machine: opens vinfer and ONNX Runtime side by side (the same
 * setup, input and agreement check as the JMH benchmark) and alternates single runs of the two, so that both see
 * the same background load; prints the median times and the median of the per-pair ratios ORT / vinfer with its
 * interquartile range. A supplement to the JMH table, not a replacement.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar \
 *     dev.vinfer.bench.apps.AppPaired candy,mobilefacenet [threads] [pairs]</pre>
 */
public final class AppPaired {
    private AppPaired() {
    }

    public static void main(String[] args) throws Exception {
        String[] models = args.length > 0 ? args[0].split(",") : new String[] {"mobilefacenet", "candy"};
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int pairs = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        for (String m : models) {
            ImageModelBench v = open(m, "vinfer", threads);
            ImageModelBench o = open(m, "ort", threads);
            try {
                PairedTimes t = PairedTimes.measure(v::run, o::run, pairs);
                System.out.printf(Locale.ROOT, "%-13s threads=%d pairs=%d  %s  load %s%n", m, threads, pairs,
                        t.summary(2), PairedTimes.loadAverage());
            } finally {
                v.close();
                o.close();
            }
        }
    }

    private static ImageModelBench open(String model, String engine, int threads) throws Exception {
        ImageModelBench b = new ImageModelBench();
        b.model = model;
        b.engine = engine;
        b.threads = threads;
        b.open();
        return b;
    }
}
