/** Plain-Java kernels: the fallback backend (forced with {@code -Dvinfer.scalar=true}) and the tests' second opinion. */
package dev.vinfer.conv.scalar;
