/**
 * Normalization operators: BatchNormalization (inference and training mode), InstanceNormalization,
 * GroupNormalization, LayerNormalization and LRN. Means and variances are computed in double with two passes; the
 * inference BatchNormalization on float32 has its own threaded in-place path.
 */
package dev.vinfer.ops.nn.norm;
