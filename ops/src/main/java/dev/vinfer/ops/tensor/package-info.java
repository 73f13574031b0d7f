/** Operators that pass tensors through unchanged (Identity); the optimizer removes most of them. */
package dev.vinfer.ops.tensor;
