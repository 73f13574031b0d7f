package dev.vinfer.ops.nn.resize;

import java.util.Arrays;

/**
 * Everything about a resize except the target sizes or scales.
 *
 * @param mode               sampling
 * @param transform          output-to-input coordinate mapping
 * @param rounding           index choice for {@link ResizeMode#NEAREST}
 * @param cubicA             the cubic kernel's {@code a} (-0.75 as in PyTorch, -0.5 as in TensorFlow)
 * @param excludeOutside     give taps outside the input weight 0 and renormalize (else they repeat the edge)
 * @param extrapolationValue output value where {@link CoordinateTransform#TF_CROP_AND_RESIZE} samples outside
 * @param antialias          when downscaling with linear or cubic, stretch the kernel by 1 / scale
 * @param axes               the axes that scales, sizes and roi refer to, in their order; null for all axes
 * @param aspectRatio        how sizes are reconciled with the aspect ratio
 */
public record ResizeSpec(ResizeMode mode, CoordinateTransform transform, NearestRounding rounding, double cubicA,
        boolean excludeOutside, double extrapolationValue, boolean antialias, int[] axes,
        AspectRatioPolicy aspectRatio) {

    public ResizeSpec {
        axes = axes == null ? null : axes.clone();
    }

    /** A spec with the ONNX defaults for everything but mode and transform. */
    public static ResizeSpec of(ResizeMode mode, CoordinateTransform transform, NearestRounding rounding) {
        return new ResizeSpec(mode, transform, rounding, -0.75, false, 0, false, null, AspectRatioPolicy.STRETCH);
    }

    @Override
    public int[] axes() {
        return axes == null ? null : axes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResizeSpec s && mode == s.mode && transform == s.transform && rounding == s.rounding
                && Double.compare(cubicA, s.cubicA) == 0 && excludeOutside == s.excludeOutside
                && Double.compare(extrapolationValue, s.extrapolationValue) == 0 && antialias == s.antialias
                && Arrays.equals(axes, s.axes) && aspectRatio == s.aspectRatio;
    }

    @Override
    public int hashCode() {
        return mode.hashCode() * 31 + transform.hashCode();
    }

    @Override
    public String toString() {
        return mode.name().toLowerCase(java.util.Locale.ROOT) + " " + transform.name().toLowerCase(java.util.Locale.ROOT)
                + (mode == ResizeMode.NEAREST ? " " + rounding.name().toLowerCase(java.util.Locale.ROOT) : "")
                + (antialias ? " antialias" : "") + (excludeOutside ? " exclude_outside" : "")
                + (axes != null ? " axes " + Arrays.toString(axes) : "");
    }
}
