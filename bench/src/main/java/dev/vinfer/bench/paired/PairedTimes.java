package dev.vinfer.bench.paired;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Alternated timing of two engines in one JVM (vinfer, ONNX Runtime, vinfer, ONNX Runtime, ...), for a shared,
 * noisy machine. JMH measures each engine in its own fork, minutes apart; when other processes come and go between
 * the forks their ratio can swing by 2x. Single runs taken back to back see the same background load, so the median
 * of the per-pair ratios stays put. A supplement to the JMH tables, not a replacement: it has no forks, no
 * blackhole and no protection against the JIT favouring one engine's code in this JVM.
 */
public final class PairedTimes {
    /** One run of an engine (a whole model run through a native or Java runtime: nothing the JIT can drop). */
    @FunctionalInterface
    public interface Run {
        Object run() throws Exception;
    }

    private final double[] vinferMs;
    private final double[] ortMs;
    private final double[] ratio;

    private PairedTimes(double[] vinferMs, double[] ortMs) {
        this.vinferMs = vinferMs;
        this.ortMs = ortMs;
        this.ratio = new double[vinferMs.length];
        for (int i = 0; i < ratio.length; i++) {
            ratio[i] = ortMs[i] / vinferMs[i];
        }
    }

    /**
     * Runs {@code pairs} alternated warm-up pairs (for the JIT and both runtimes' caches), then {@code pairs} timed
     * pairs.
     */
    public static PairedTimes measure(Run vinfer, Run ort, int pairs) throws Exception {
        if (pairs < 1) {
            throw new IllegalArgumentException("pairs must be at least 1, got " + pairs);
        }
        // as many warm-up pairs as measured ones, or -Dvinfer.bench.warmup
        for (int i = 0, warm = Integer.getInteger("vinfer.bench.warmup", pairs); i < warm; i++) {
            vinfer.run();
            ort.run();
        }
        double[] tv = new double[pairs];
        double[] to = new double[pairs];
        for (int i = 0; i < pairs; i++) {
            long t0 = System.nanoTime();
            vinfer.run();
            long t1 = System.nanoTime();
            ort.run();
            long t2 = System.nanoTime();
            tv[i] = (t1 - t0) / 1e6;
            to[i] = (t2 - t1) / 1e6;
        }
        return new PairedTimes(tv, to);
    }

    public double vinferMedianMs() {
        return quantile(vinferMs, 0.5);
    }

    public double ortMedianMs() {
        return quantile(ortMs, 0.5);
    }

    /** The median and interquartile range of ORT time / vinfer time over the pairs. */
    public String ratioSummary() {
        return String.format(Locale.ROOT, "ORT/vinfer %.2f (IQR %.2f..%.2f)", quantile(ratio, 0.5),
                quantile(ratio, 0.25), quantile(ratio, 0.75));
    }

    /** Median times and the ratio summary, with {@code digits} decimals for the times. */
    public String summary(int digits) {
        String f = "%." + digits + "f";
        return String.format(Locale.ROOT, "vinfer " + f + " ms  ORT " + f + " ms  %s", vinferMedianMs(),
                ortMedianMs(), ratioSummary());
    }

    /** The q-quantile of {@code a} by linear interpolation between order statistics. */
    public static double quantile(double[] a, double q) {
        double[] s = a.clone();
        Arrays.sort(s);
        double pos = q * (s.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(s.length - 1, lo + 1);
        return s[lo] + (pos - lo) * (s[hi] - s[lo]);
    }

    /** The 1, 5 and 15 minute load averages, or "?" where /proc/loadavg cannot be read. */
    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }
}
