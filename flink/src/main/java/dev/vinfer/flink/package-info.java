/**
 * vinfer inside Apache Flink: {@link dev.vinfer.flink.InferenceFunction} runs a model on every record, opening one
 * session per operator instance (in {@code open}, closed in {@code close}) from a serializable
 * {@link dev.vinfer.flink.ModelSource}, with intra-op threads divided among the task slots
 * ({@link dev.vinfer.flink.SessionThreads}).
 */
package dev.vinfer.flink;
