/**
 * Running ONNX backend test folders ({@code model.onnx} plus {@code test_data_set_N}) against declared
 * {@link dev.vinfer.onnx.testing.Tolerance}s; used by the conformance tests and by {@code vinfer test}.
 */
package dev.vinfer.onnx.testing;
