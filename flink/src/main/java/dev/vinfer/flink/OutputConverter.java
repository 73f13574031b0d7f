package dev.vinfer.flink;

import dev.vinfer.runtime.Tensor;
import java.io.Serializable;
import java.util.Map;

/** The model's outputs (by name, in model order) for one record as the operator's result. */
@FunctionalInterface
public interface OutputConverter<IN, OUT> extends Serializable {
    OUT convert(IN record, Map<String, Tensor> outputs) throws Exception;
}
