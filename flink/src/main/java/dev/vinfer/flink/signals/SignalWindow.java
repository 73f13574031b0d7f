package dev.vinfer.flink.signals;

import java.time.Instant;

/**
 * One window of a 1-D signal as it arrives: a sequence number, when it was made (epoch microseconds, comparable
 * across machines with synchronized clocks), the tone it holds when known (generated data; -1 otherwise) and the
 * samples.
 */
public record SignalWindow(long id, long createdMicros, int tone, float[] samples) {

    /** The wall clock in epoch microseconds (Linux clocks give microsecond resolution). */
    public static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }
}
