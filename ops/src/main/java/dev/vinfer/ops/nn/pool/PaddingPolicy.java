package dev.vinfer.ops.nn.pool;

/**
 * How a sliding window's padding is decided. {@link #EXPLICIT} uses the given pads; the others derive them from
 * the run-time input size, because the importer rarely knows it.
 */
public enum PaddingPolicy {
    /** Pads as given; output size from floor or ceil rounding. */
    EXPLICIT,
    /** Output size ceil(in / stride); total padding split evenly, an odd extra one at the end. */
    SAME_EXTRA_AT_END,
    /** Output size ceil(in / stride); total padding split evenly, an odd extra one at the beginning. */
    SAME_EXTRA_AT_BEGIN,
    /** No padding; only windows that fit entirely in the input. */
    VALID
}
