/** Einsum: the equation parser and a general loop-nest evaluator over any number of operands. */
package dev.vinfer.ops.linalg;
