package dev.vinfer.flink;

import dev.vinfer.runtime.InputException;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.ValueInfo;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/** A record as the model's input tensors. */
@FunctionalInterface
public interface InputConverter<IN> extends Serializable {

    /** The inputs for one record by name; {@code modelInputs} are those the session expects, in model order. */
    Map<String, Tensor> convert(IN record, List<ValueInfo> modelInputs) throws Exception;

    /** A record as one tensor, for a model with exactly one input (whatever its name). */
    static <IN> InputConverter<IN> single(ToTensor<IN> toTensor) {
        return (record, modelInputs) -> {
            if (modelInputs.size() != 1) {
                throw new InputException("the model takes " + modelInputs.size() + " inputs " + modelInputs
                        + "; this converter makes one tensor per record");
            }
            return Map.of(modelInputs.get(0).name(), toTensor.apply(record));
        };
    }

    /** A record as a single tensor. */
    @FunctionalInterface
    interface ToTensor<IN> extends Serializable {
        Tensor apply(IN record) throws Exception;
    }
}
