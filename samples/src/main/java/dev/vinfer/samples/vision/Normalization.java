package dev.vinfer.samples.vision;

import java.util.Arrays;

/**
 * Pixel values (0..255) to model values: {@code (pixel * scale - mean[c]) / std[c]} per channel. Mean/std
 * normalization and plain affine scaling ({@code pixel * a + b}, see {@link #affine}) are both this form.
 *
 * @param scale applied first, e.g. {@code 1/255} to get [0, 1]
 * @param mean  per channel (length 1 or 3), subtracted after scaling
 * @param std   per channel (length 1 or 3), divided by last
 */
public record Normalization(float scale, float[] mean, float[] std) {
    private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    /**
     * Checks and copies the arrays (the record owns its own).
     *
     * @throws IllegalArgumentException if mean or std do not have 1 or 3 values, or a std is zero or not finite
     */
    public Normalization {
        if (mean.length != 1 && mean.length != 3 || std.length != 1 && std.length != 3) {
            throw new IllegalArgumentException("mean and std need 1 or 3 values, got " + mean.length + " and "
                    + std.length);
        }
        for (float s : std) {
            if (s == 0 || !Float.isFinite(s)) {
                throw new IllegalArgumentException("std must be finite and nonzero, got " + Arrays.toString(std));
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** torchvision's ImageNet normalization: [0, 1], then mean {0.485, 0.456, 0.406}, std {0.229, 0.224, 0.225}. */
    public static Normalization imagenet() {
        return new Normalization(1f / 255, IMAGENET_MEAN, IMAGENET_STD);
    }

    /** {@code pixel * a + b} for every channel. */
    public static Normalization affine(float a, float b) {
        return new Normalization(a, new float[] {-b}, new float[] {1});
    }

    /** Pixels scaled to [0, 1]. */
    public static Normalization unit() {
        return affine(1f / 255, 0);
    }

    /** Pixels as they are, 0..255. */
    public static Normalization raw() {
        return affine(1, 0);
    }

    /** The same mean and std with another scale. */
    public Normalization withScale(float s) {
        return new Normalization(s, mean, std);
    }

    /** The same scale and std with another mean (1 or 3 values). */
    public Normalization withMean(float... m) {
        return new Normalization(scale, m, std);
    }

    /** The same scale and mean with another std (1 or 3 nonzero values). */
    public Normalization withStd(float... s) {
        return new Normalization(scale, mean, s);
    }

    /** The model value of an 8-bit pixel value in channel {@code c}. */
    public float apply(int c, float pixel) {
        float m = mean[mean.length == 1 ? 0 : c];
        float s = std[std.length == 1 ? 0 : c];
        return (pixel * scale - m) / s;
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && n.scale == scale && Arrays.equals(n.mean, mean)
                && Arrays.equals(n.std, std);
    }

    @Override
    public int hashCode() {
        return Float.hashCode(scale) * 31 + Arrays.hashCode(mean) * 17 + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "scale " + scale + ", mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std);
    }
}
