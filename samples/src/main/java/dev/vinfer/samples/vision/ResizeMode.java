package dev.vinfer.samples.vision;

/** How an image of any size becomes the model's fixed input size. */
public enum ResizeMode {
    /** Resize to exactly the input size; the aspect ratio is not kept (detectors trained that way, MNIST). */
    STRETCH,
    /** Resize the shorter side to {@code size / cropFraction}, then take the centered input-size region. */
    CENTER_CROP,
    /** Resize to fit inside the input size keeping the aspect ratio; pad the rest with the fill colour. */
    LETTERBOX
}
