/**
 * Gemm and MatMul on {@link dev.vinfer.conv.Sgemm} (float32; constant right operands packed once at import),
 * with a plain double-precision path for the other dtypes.
 */
package dev.vinfer.ops.gemm;
