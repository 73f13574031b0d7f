package dev.vinfer.conv;

/**
 * How the pooling primitives of {@link Backend} combine values: {@link #MAX} as {@link Math#max} does (a NaN
 * operand gives NaN; callers that must skip NaN recompute the affected outputs), {@link #SUM} by float addition.
 */
public enum PoolReduction {
    MAX,
    SUM;

    /** The value of an empty reduction: -inf for a max, 0 for a sum. */
    public float identity() {
        return this == MAX ? Float.NEGATIVE_INFINITY : 0f;
    }

    /** One scalar step of the reduction. */
    public float apply(float acc, float v) {
        return this == MAX ? Math.max(acc, v) : acc + v;
    }
}
