package dev.vinfer.quantization.calib;

/**
 * Accumulates what calibration sees of one tensor: the running min and max (first pass), and for the percentile and
 * entropy methods a histogram of |x| over [0, max |x|] (second pass, once the bound is known).
 */
final class RangeCollector {
    static final int BINS = 2048;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private long[] histogram;
    private double histogramTop;

    void observeRange(float[] v, int off, int n) {
        double lo = min;
        double hi = max;
        for (int i = 0; i < n; i++) {
            float x = v[off + i];
            if (x < lo) {
                lo = x;
            }
            if (x > hi) {
                hi = x;
            }
        }
        min = lo;
        max = hi;
    }

    /** Starts the histogram over [0, max |x| seen]. */
    void startHistogram() {
        histogram = new long[BINS];
        histogramTop = Math.max(Math.abs(min), Math.abs(max));
    }

    void observeHistogram(float[] v, int off, int n) {
        if (histogramTop <= 0 || !Double.isFinite(histogramTop)) {
            return;
        }
        double scale = BINS / histogramTop;
        for (int i = 0; i < n; i++) {
            if (v[off + i] == 0f) {
                // Exact zeros (half of a Relu output) are represented exactly by the zero point whatever the range;
                // counting them would pile a spike into bin 0 that pushes the entropy method to tiny ranges.
                continue;
            }
            int b = (int) (Math.abs(v[off + i]) * scale);
            histogram[Math.min(BINS - 1, Math.max(0, b))]++;
        }
    }

    boolean seen() {
        return min <= max;
    }

    double min() {
        return min;
    }

    double max() {
        return max;
    }

    /** The chosen real range [lo, hi] (always containing 0). */
    double[] range(CalibrationMethod method, double percentile) {
        if (!seen()) {
            return new double[] {0, 0};
        }
        double lo = Math.min(0, min);
        double hi = Math.max(0, max);
        if (method == CalibrationMethod.MINMAX || histogram == null) {
            return new double[] {lo, hi};
        }
        double t = method == CalibrationMethod.PERCENTILE
                ? HistogramThresholds.percentile(histogram, histogramTop, percentile)
                : HistogramThresholds.entropy(histogram, histogramTop, lo < 0 ? 128 : 256);
        return new double[] {Math.max(lo, -t), Math.min(hi, t)};
    }
}
