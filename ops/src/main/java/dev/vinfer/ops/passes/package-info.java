/**
 * Graph optimization passes contributed by the ops module (found by {@link java.util.ServiceLoader} through
 * {@code META-INF/services/dev.vinfer.runtime.GraphPass}): static shapes, Identity/Dropout removal, BatchNormalization
 * folding, residual Add and activation fusion.
 *
 * <p>Every fusion fires only when the intermediate value has exactly one use and is not a graph output, so no
 * other reader can see the value disappear. Parameters of ops whose classes keep them private (a BatchNormalization's
 * epsilon, a LeakyRelu's alpha, Clip bounds) are read by running the op once on a tiny probe tensor ({@link Probe}),
 * which uses nothing but the {@link dev.vinfer.runtime.Operator} contract.
 */
package dev.vinfer.ops.passes;
