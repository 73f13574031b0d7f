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
     * The threshold minimizing KL(P || Q), where P is the histogram clipped at the threshold (outliers folded into
     * the last kept bin) and Q is P merged into {@code levels} quantization bins and expanded back over P's nonzero
     * bins. Candidates are every bin edge from {@code levels} bins up to the whole histogram.
     */
    static double entropy(long[] h, double top, int levels) {
        int bins = h.length;
        if (bins <= levels) {
            return top;
        }
        double bestKl = Double.POSITIVE_INFINITY;
        int best = bins;
        double[] p = new double[bins];
        for (int i = levels; i <= bins; i += Math.max(1, bins / 256)) {
            long outliers = 0;
            for (int j = i; j < bins; j++) {
                outliers += h[j];
            }
            long sum = outliers;
            for (int j = 0; j < i; j++) {
                p[j] = h[j];
                sum += h[j];
            }
            if (sum == 0) {
                continue;
            }
            p[i - 1] += outliers;
            double kl = 0;
            double perLevel = (double) i / levels;
            for (int q = 0; q < levels; q++) {
                int start = (int) Math.floor(q * perLevel);
                int end = Math.max(start + 1, (int) Math.floor((q + 1) * perLevel));
                double mass = 0;
                int nonzero = 0;
                for (int j = start; j < end && j < i; j++) {
                    mass += p[j];
                    if (h[j] != 0 || j == i - 1 && p[j] != 0) {
                        nonzero++;
                    }
                }
                if (nonzero == 0) {
                    continue;
                }
                double qv = mass / nonzero;
                for (int j = start; j < end && j < i; j++) {
                    if (p[j] > 0) {
                        kl += p[j] / sum * Math.log(p[j] / qv);
                    }
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
