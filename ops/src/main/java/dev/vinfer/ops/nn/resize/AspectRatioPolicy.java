package dev.vinfer.ops.nn.resize;

/** How requested output sizes are reconciled with the input's aspect ratio (scales are never adjusted). */
public enum AspectRatioPolicy {
    /** Each resized axis gets exactly the requested size. */
    STRETCH,
    /** One common scale, the smallest requested; no axis exceeds its requested size. */
    NOT_LARGER,
    /** One common scale, the largest requested; no axis falls short of its requested size. */
    NOT_SMALLER
}
