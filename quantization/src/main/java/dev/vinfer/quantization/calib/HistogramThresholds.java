package dev.vinfer.quantization.calib;

/** Clipping thresholds from a histogram of |x| over [0, top] in equal bins. */
final class HistogramThresholds {
    private HistogramThresholds() {
    }

    /** The upper edge of the first bin at which the cumulative count reaches {@code percentile} percent. */
    static double percentile(long[] h, double top, double percentile) {
        long total = 0;
        for (long c : h) {
            total += c;
        }
        if (total == 0) {
            return top;
        }
        double want = total * percentile / 100.0;
        long run = 0;
        for (int i = 0; i < h.length; i++) {
            run += h[i];
            if (run >= want) {
                return top * (i + 1) / h.length;
            }
        }
        return top;
    }

    /**
     * The threshold minimizing KL(P || Q) (TensorRT's entropy calibration): P is the histogram clipped at the
     * threshold with the clipped outliers folded into its last bin; Q is the clipped histogram without the outliers,
     * merged into {@code levels} quantization bins and spread back evenly over the bins that were nonzero. Both are
     * normalized; a bin where P has mass and Q none (the outlier bin) gets a small floor. Candidates are bin edges
     * from {@code levels} bins up to the whole histogram.
     */
    static double entropy(long[] h, double top, int levels) {
        int bins = h.length;
        if (bins <= levels) {
            return top;
        }
        double bestKl = Double.POSITIVE_INFINITY;
        int best = bins;
        double[] q = new double[bins];
        for (int i = levels; i <= bins; i += Math.max(1, bins / 256)) {
            long outliers = 0;
            for (int j = i; j < bins; j++) {
                outliers += h[j];
            }
            double qSum = 0;
            for (int j = 0; j < i; j++) {
                qSum += h[j];
            }
            double pSum = qSum + outliers;
            if (qSum == 0) {
                continue;
            }
            double perLevel = (double) i / levels;
            for (int lv = 0; lv < levels; lv++) {
                int start = (int) Math.floor(lv * perLevel);
                int end = Math.min(i, Math.max(start + 1, (int) Math.floor((lv + 1) * perLevel)));
                double mass = 0;
                int nonzero = 0;
                for (int j = start; j < end; j++) {
                    mass += h[j];
                    nonzero += h[j] != 0 ? 1 : 0;
                }
                for (int j = start; j < end; j++) {
                    q[j] = h[j] != 0 ? mass / nonzero : 0;
                }
            }
            double kl = 0;
            for (int j = 0; j < i; j++) {
                double pj = h[j] + (j == i - 1 ? outliers : 0);
                if (pj > 0) {
                    double pn = pj / pSum;
                    double qn = Math.max(q[j], 1e-4) / qSum;
                    kl += pn * Math.log(pn / qn);
                }
            }
            if (kl < bestKl) {
                bestKl = kl;
                best = i;
            }
        }
        return top * best / bins;
    }
}
