package dev.vinfer.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;

/**
 * This machine's theoretical float32 peak, for "% of peak" columns: {@code threads x GHz x flops per cycle}. A core
 * with two 256-bit FMA pipes does 2 x 8 x 2 = 32 float32 flops per cycle; that holds for AVX2 cores and for AMD Zen 4,
 * whose AVX-512 instructions run as two 256-bit halves. (A core with two 512-bit FMA units would do 64: pass
 * {@code --peak-gflops} there.) The clock is the highest "cpu MHz" in {@code /proc/cpuinfo}, i.e. the current clock,
 * not a turbo maximum.
 */
final class MachinePeak {
    static final int FLOPS_PER_CYCLE = 32;

    private MachinePeak() {
    }

    /** The clock in GHz from /proc/cpuinfo, if readable. */
    static OptionalDouble clockGhz() {
        try {
            double best = 0;
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("cpu MHz")) {
                    int colon = line.indexOf(':');
                    best = Math.max(best, Double.parseDouble(line.substring(colon + 1).trim()));
                }
            }
            return best > 0 ? OptionalDouble.of(best / 1000) : OptionalDouble.empty();
        } catch (IOException | RuntimeException e) {
            return OptionalDouble.empty();
        }
    }

    /** Peak GFLOP/s for {@code threads} cores, or empty when the clock is unknown. */
    static OptionalDouble gflops(int threads) {
        OptionalDouble ghz = clockGhz();
        return ghz.isPresent() ? OptionalDouble.of(threads * ghz.getAsDouble() * FLOPS_PER_CYCLE)
                : OptionalDouble.empty();
    }

    /** How the peak was derived, for the report. */
    static String explain(int threads, double peak, boolean given) {
        if (given) {
            return String.format("peak %.1f GFLOP/s (given)", peak);
        }
        return String.format("peak %.1f GFLOP/s = %d thread(s) x %.2f GHz x %d float32 flops/cycle", peak, threads,
                clockGhz().orElse(0), FLOPS_PER_CYCLE);
    }
}
