package dev.vinfer.ops.nn.norm;

/** Mean and population variance of a run of doubles, two-pass (the second pass on deviations keeps precision). */
final class Moments {
    private Moments() {
    }

    static double mean(double[] v, int off, int len) {
        double s = 0;
        for (int i = off; i < off + len; i++) {
            s += v[i];
        }
        return s / len;
    }

    static double variance(double[] v, int off, int len, double mean) {
        double s = 0;
        for (int i = off; i < off + len; i++) {
            double d = v[i] - mean;
            s += d * d;
        }
        return s / len;
    }
}
