package dev.vinfer.onnx.mapping;

import dev.vinfer.onnx.OpRegistry;

/** ONNX mappings of one op family; see {@link OpRegistry#standard()}. */
public final class QuantMappings {
    private QuantMappings() {
    }

    public static void register(OpRegistry r) {
    }
}
