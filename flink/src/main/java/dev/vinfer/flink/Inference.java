package dev.vinfer.flink;

/** One record in, one result out, with the session its {@link InferenceBinding} was bound to. */
@FunctionalInterface
public interface Inference<IN, OUT> {
    OUT apply(IN record) throws Exception;
}
