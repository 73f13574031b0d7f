/**
 * Reductions over chosen axes (ReduceSum, ReduceMean, ReduceMax, ReduceL2, ... with keepdims and the
 * empty-axes rules of each opset), ArgMax/ArgMin and TopK.
 */
package dev.vinfer.ops.reduce;
