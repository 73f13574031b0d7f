package dev.vinfer.cli;

import java.util.Arrays;

/** Latency percentiles of a benchmark (nearest-rank on the sorted samples) and throughput. */
record LatencyStats(int runs, double seconds, double p50Ms, double p90Ms, double p99Ms, double meanMs, double minMs,
        double maxMs) {

    /** From per-run latencies in nanoseconds and the wall time they took together. */
    static LatencyStats of(long[] nanos, int n, double wallSeconds) {
        if (n == 0) {
            throw new IllegalArgumentException("no runs measured");
        }
        long[] s = Arrays.copyOf(nanos, n);
        Arrays.sort(s);
        double sum = 0;
        for (long x : s) {
            sum += x;
        }
        return new LatencyStats(n, wallSeconds, ms(percentile(s, 50)), ms(percentile(s, 90)), ms(percentile(s, 99)),
                sum / n / 1e6, ms(s[0]), ms(s[n - 1]));
    }

    /** Nearest-rank percentile: the smallest sample with at least p% of the samples at or below it. */
    static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    /** Runs per second of wall time. */
    double throughput() {
        return runs / seconds;
    }
}
