package dev.vinfer.flink.signals;

/**
 * A window's result: the most probable tone class and its probability, the true tone when known (-1 if not), and
 * the latency from the window's creation to the end of its inference (queueing, transfer and inference).
 */
public record ScoredWindow(long id, int tone, int predicted, float probability, long latencyMicros) {
}
