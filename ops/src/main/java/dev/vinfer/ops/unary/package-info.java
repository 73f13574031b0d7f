/**
 * Element-wise math of one input (Abs, Neg, Exp, Log, Sqrt, trigonometric and hyperbolic functions, Erf, Floor,
 * Ceil, Round, Sign, IsNaN, IsInf, ...): one double function per op for floating point, widened from float32, and
 * exact integer semantics where ONNX defines them.
 */
package dev.vinfer.ops.unary;
