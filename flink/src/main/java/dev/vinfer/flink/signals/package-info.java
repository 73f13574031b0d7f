/**
 * The streaming sample job: windows of a synthetic audio signal scored one by one, as they arrive, by a small 1-D
 * convolutional model, with per-window latency.
 */
package dev.vinfer.flink.signals;
