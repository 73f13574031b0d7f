/**
 * Pooling over 1 to 3 spatial dims: MaxPool (optionally with indices), AveragePool, LpPool and the global pools.
 * Window geometry, explicit and automatic padding, dilations and ceil mode follow the ONNX specification
 * ({@link PoolWindow}, {@link PoolGeometry}, {@link PaddingPolicy}).
 */
package dev.vinfer.ops.nn.pool;
