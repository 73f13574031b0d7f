/**
 * The ONNX quantization operators as the specification defines them: QuantizeLinear, DequantizeLinear (per tensor,
 * per axis, per block), DynamicQuantizeLinear, the QOperator-form QLinear* ops, ConvInteger and MatMulInteger. These
 * are the exact reference forms; the fused int8 fast paths of QDQ models live in the quantization module.
 */
package dev.vinfer.ops.quant;
