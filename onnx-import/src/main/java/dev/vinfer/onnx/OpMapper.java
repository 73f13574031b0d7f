package dev.vinfer.onnx;

import dev.vinfer.runtime.Operator;

/**
 * Turns one ONNX node into a runtime {@link Operator}: reads the attributes with their ONNX defaults, applies the
 * rules of the node's opset version, and normalizes quirks (auto_pad, attribute-vs-input forms) so that operators
 * never see them.
 */
@FunctionalInterface
public interface OpMapper {
    Operator map(OnnxNode node);
}
