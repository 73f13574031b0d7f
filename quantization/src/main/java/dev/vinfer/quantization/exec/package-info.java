/**
 * Execution of quantized models: {@link dev.vinfer.quantization.exec.QdqFusionPass} recognizes
 * DequantizeLinear -> op -> QuantizeLinear chains and replaces them with fused operators on int8/uint8 data
 * (convolution, matrix product, addition, pooling and data movement), each bit-exact with the unfused float path it
 * replaces and tested against {@link dev.vinfer.quantization.exec.IntegerReference}.
 */
package dev.vinfer.quantization.exec;
