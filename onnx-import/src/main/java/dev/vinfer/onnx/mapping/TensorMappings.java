package dev.vinfer.onnx.mapping;

import dev.vinfer.onnx.OpRegistry;

/** ONNX mappings of one op family; see {@link OpRegistry#standard()}. */
public final class TensorMappings {
    private TensorMappings() {
    }

    public static void register(OpRegistry r) {
    }
}
