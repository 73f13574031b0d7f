package dev.vinfer.runtime;

/**
 * Implemented by operators that must not be computed once at open even when all their inputs are constant
 * (random generators such as training-mode Dropout), or that may be folded with no inputs at all.
 */
public interface Foldable {
    /** False to keep the node in the graph. */
    boolean foldable();
}
