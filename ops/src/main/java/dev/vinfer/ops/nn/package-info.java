/**
 * Support shared by the neural-network operator families below it (normalization, pooling, resizing): per-thread
 * double work buffers, so that one kernel written on doubles serves every dtype without allocating in steady state.
 */
package dev.vinfer.ops.nn;
