/**
 * Vector API code of the int8 path (the only package of the quantization module that uses
 * {@code jdk.incubator.vector}), with its scalar reference next to it.
 */
package dev.vinfer.quantization.simd;
