/**
 * The ONNX-to-operator mappings, one class per operator family: each reads and validates a node's attributes
 * (defaults as the specification gives them per opset), resolves constant inputs, and registers itself in the
 * {@link dev.vinfer.onnx.OpRegistry} with its domain and opset range.
 */
package dev.vinfer.onnx.mapping;
