package dev.vinfer.quantization.calib;

/** How an activation's quantization range is chosen from the values seen during calibration. */
public enum CalibrationMethod {
    /** The smallest and largest value seen (widened to include 0). */
    MINMAX,
    /** The range holding a given percentile of the values (default 99.999%): outliers are clipped. */
    PERCENTILE,
    /**
     * The clipping threshold whose quantized histogram is closest to the observed one in Kullback-Leibler divergence
     * (the "entropy" calibration of TensorRT).
     */
    ENTROPY;

    /** Parses "minmax", "percentile" or "entropy", case-insensitively. */
    public static CalibrationMethod parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown calibration method '" + s
                    + "', expected minmax, percentile or entropy");
        }
    }
}
