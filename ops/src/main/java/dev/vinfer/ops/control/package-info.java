/**
 * Control flow: If and Loop, which run nested {@link dev.vinfer.runtime.Graph}s (imported with the model that
 * holds them). Nesting depth is bounded by {@link dev.vinfer.runtime.Limits#maxSubgraphDepth},
 * and the iterations of one Loop in one run by {@link dev.vinfer.runtime.Limits#maxLoopIterations}.
 */
package dev.vinfer.ops.control;
