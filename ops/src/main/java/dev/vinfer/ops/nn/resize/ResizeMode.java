package dev.vinfer.ops.nn.resize;

/** How output values are sampled from the input. */
public enum ResizeMode {
    /** The single nearest input element (see {@link NearestRounding}). */
    NEAREST,
    /** Linear interpolation along each resized axis (bilinear, trilinear, ... over several). */
    LINEAR,
    /** Cubic convolution along each resized axis, 4 taps (more with antialiasing). */
    CUBIC
}
