/**
 * The Vector API ({@code jdk.incubator.vector}) kernels: a blocked, packed SGEMM around a 6 x 2-vector register
 * tile, and vector axpy and bias/activation passes. The only package that references the incubator module; it is
 * loaded reflectively by {@link dev.vinfer.conv.Kernels}, so the rest of the library runs without it.
 *
 * <p>Width: the platform's preferred vector shape (8 floats with AVX2, 16 with AVX-512), or narrower if the system
 * property {@code vinfer.vectorBits} (64/128/256) asks for it.
 */
package dev.vinfer.conv.simd;
