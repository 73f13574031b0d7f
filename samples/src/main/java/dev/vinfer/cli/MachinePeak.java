package dev.vinfer.cli;

import dev.vinfer.conv.Kernels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;

/**
 * This machine's float32 peak, for "% of peak" columns: {@code threads x} one core's multiply-add rate, measured
 * by the kernel backend in a fifth of a second ({@code Backend#measuredFmaGflops}: independent FMA chains on the
 * widest vectors). A formula from the clock and the vector width was used first and was wrong by 3x on a Zen 5
 * core: /proc/cpuinfo gave the 2.1 GHz base clock, and Zen 5 does two whole 512-bit FMAs per cycle where Zen 4
 * splits each in halves. The formula ({@code GHz x 32 flops/cycle}, two 256-bit FMA pipes) remains the fallback on
 * the scalar backend, which measures nothing.
 */
final class MachinePeak {
    static final int FLOPS_PER_CYCLE = 32;
    /** How long the measurement runs. */
    private static final long MEASURE_MS = 200;

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

    /** One thread's measured FMA rate, or 0 on a backend that does not measure it. */
    static double measuredPerThread() {
        return Kernels.backend().measuredFmaGflops(MEASURE_MS);
    }

    /** Peak GFLOP/s for {@code threads} cores, or empty when neither measured nor the clock known. */
    static OptionalDouble gflops(int threads) {
        double measured = measuredPerThread();
        if (measured > 0) {
            return OptionalDouble.of(threads * measured);
        }
        OptionalDouble ghz = clockGhz();
        return ghz.isPresent() ? OptionalDouble.of(threads * ghz.getAsDouble() * FLOPS_PER_CYCLE)
                : OptionalDouble.empty();
    }

    /** How the peak was derived, for the report. */
    static String explain(int threads, double peak, boolean given) {
        if (given) {
            return String.format("peak %.1f GFLOP/s (given)", peak);
        }
        if (Kernels.backend().vectorized()) {
            return String.format("peak %.1f GFLOP/s = %d thread(s) x %.1f GFLOP/s (one core's FMA rate, measured)",
                    peak, threads, peak / threads);
        }
        return String.format("peak %.1f GFLOP/s = %d thread(s) x %.2f GHz x %d float32 flops/cycle", peak, threads,
                clockGhz().orElse(0), FLOPS_PER_CYCLE);
    }
}
