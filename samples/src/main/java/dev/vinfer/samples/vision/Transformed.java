package dev.vinfer.samples.vision;

import java.awt.image.BufferedImage;

/**
 * An image made from another one by resizing/cropping/padding, with the map from its pixel coordinates back to
 * the original's.
 */
public record Transformed(BufferedImage image, PointMap toOriginal) {
}
