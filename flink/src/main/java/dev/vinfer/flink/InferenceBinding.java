package dev.vinfer.flink;

import dev.vinfer.runtime.Session;
import java.io.Serializable;

/**
 * What an {@link InferenceFunction} does with its session: it travels in the job (so it is {@link Serializable})
 * and is bound once per operator instance, in {@code open}, to that instance's session. Binding is where the
 * per-instance setup goes (looking up input names, fitting pre-processing to the model's input size).
 *
 * <p>The plain case is a pair of converters, {@link #of}; the image job binds the samples' classifier instead,
 * so that it classifies exactly as the single-JVM {@code vinfer classify} does.
 */
@FunctionalInterface
public interface InferenceBinding<IN, OUT> extends Serializable {

    /** Called in the operator's {@code open} with the session it owns; the session stays open until close. */
    Inference<IN, OUT> bind(Session session) throws Exception;

    /** Converts each record to the model's inputs, runs the session, and converts the outputs. */
    static <IN, OUT> InferenceBinding<IN, OUT> of(InputConverter<IN> input, OutputConverter<IN, OUT> output) {
        return session -> record -> output.convert(record, session.run(input.convert(record, session.inputs())));
    }
}
