package dev.vinfer.bench.apps;

import java.util.Arrays;
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
                System.out.printf(Locale.ROOT, "%-13s threads=%d pairs=%d  vinfer %.2f ms  ORT %.2f ms  ORT/vinfer %.2f"
                        + " (IQR %.2f..%.2f)  load %s%n", m, threads, pairs, quantile(tv, 0.5), quantile(to, 0.5),
                        quantile(ratio, 0.5), quantile(ratio, 0.25), quantile(ratio, 0.75), load());
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

    private static double quantile(double[] a, double q) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s[(int) Math.round(q * (s.length - 1))];
    }

    private static String load() {
        try {
            String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "?";
        }
    }
}
