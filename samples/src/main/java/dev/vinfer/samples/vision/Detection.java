package dev.vinfer.samples.vision;

/**
 * A box a detector found, with its score (a probability, 0..1) and class index ({@code 0} for single-class
 * detectors such as face detectors).
 */
public record Detection(Box box, float score, int classId) {

    /** A detection of class 0, for single-class detectors. */
    public Detection(Box box, float score) {
        this(box, score, 0);
    }

    /** The same detection with its box mapped (e.g. from model input pixels to the original image). */
    public Detection map(PointMap m) {
        return new Detection(m.apply(box), score, classId);
    }

    /** The same score and class with another box. */
    public Detection withBox(Box b) {
        return new Detection(b, score, classId);
    }
}
