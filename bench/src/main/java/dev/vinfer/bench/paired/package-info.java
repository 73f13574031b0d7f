/**
 * Alternated vinfer / ONNX Runtime timing for a noisy machine ({@link dev.vinfer.bench.paired.PairedTimes}), shared
 * by the paired comparison tools of the whole-model, application, depthwise and int8 benchmarks.
 */
package dev.vinfer.bench.paired;
