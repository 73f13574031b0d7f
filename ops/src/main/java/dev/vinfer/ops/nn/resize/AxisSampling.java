package dev.vinfer.ops.nn.resize;

/**
 * The taps of one resized axis: output {@code o} is {@code sum_j weight(o, j) * in[clamp(first[o] + j)]}, or the
 * extrapolation value where {@code extrapolated(o)}. Indices outside the input repeat the edge element (their
 * weights are zero when excluding the outside).
 */
final class AxisSampling {
    final int inLen;
    final int outLen;
    final int taps;
    private final int[] first;
    private final double[] weights;
    private final boolean[] extrapolated;

    private AxisSampling(int inLen, int outLen, int taps) {
        this.inLen = inLen;
        this.outLen = outLen;
        this.taps = taps;
        this.first = new int[outLen];
        this.weights = new double[outLen * taps];
        this.extrapolated = new boolean[outLen];
    }

    /** Input index of tap {@code j} of output {@code o}, clamped into the input. */
    int index(int o, int j) {
        int i = first[o] + j;
        return i < 0 ? 0 : Math.min(i, inLen - 1);
    }

    double weight(int o, int j) {
        return weights[o * taps + j];
    }

    boolean extrapolated(int o) {
        return extrapolated[o];
    }

    static AxisSampling of(ResizeSpec spec, int inLen, int outLen, double scale, double roiStart, double roiEnd) {
        if (spec.mode() == ResizeMode.NEAREST) {
            return nearest(spec, inLen, outLen, scale, roiStart, roiEnd);
        }
        double support = spec.mode() == ResizeMode.LINEAR ? 1 : 2;
        // antialiasing widens the kernel by 1 / scale when shrinking
        double stretch = spec.antialias() && scale < 1 ? scale : 1;
        int start = (int) Math.floor(-support / stretch) + 1;
        AxisSampling s = new AxisSampling(inLen, outLen, 2 * (1 - start));
        for (int o = 0; o < outLen; o++) {
            double x = spec.transform().toInput(o, scale, inLen, outLen, roiStart, roiEnd);
            if (outside(spec, x, inLen)) {
                s.extrapolated[o] = true;
                continue;
            }
            long firstTap = (long) Math.floor(x) + start;
            s.first[o] = (int) Math.max(Integer.MIN_VALUE / 2, Math.min(Integer.MAX_VALUE / 2, firstTap));
            double sum = 0;
            for (int j = 0; j < s.taps; j++) {
                double w = kernel(spec, (firstTap + j - x) * stretch);
                s.weights[o * s.taps + j] = w;
                sum += w;
            }
            if (spec.antialias()) {
                normalize(s, o, sum);
            }
            if (spec.excludeOutside()) {
                sum = 0;
                for (int j = 0; j < s.taps; j++) {
                    long i = firstTap + j;
                    if (i < 0 || i >= inLen) {
                        s.weights[o * s.taps + j] = 0;
                    }
                    sum += s.weights[o * s.taps + j];
                }
                normalize(s, o, sum);
            }
        }
        return s;
    }

    private static AxisSampling nearest(ResizeSpec spec, int inLen, int outLen, double scale, double roiStart,
            double roiEnd) {
        AxisSampling s = new AxisSampling(inLen, outLen, 1);
        for (int o = 0; o < outLen; o++) {
            double x = spec.transform().toInput(o, scale, inLen, outLen, roiStart, roiEnd);
            if (outside(spec, x, inLen)) {
                s.extrapolated[o] = true;
                continue;
            }
            long i = spec.rounding().pick(x, scale);
            s.first[o] = (int) Math.max(0, Math.min(inLen - 1, i));
            s.weights[o] = 1;
        }
        return s;
    }

    /** tf_crop_and_resize extrapolates outside {@code [0, in - 1]}. */
    private static boolean outside(ResizeSpec spec, double x, int inLen) {
        return spec.transform() == CoordinateTransform.TF_CROP_AND_RESIZE && (x < 0 || x > inLen - 1);
    }

    private static void normalize(AxisSampling s, int o, double sum) {
        if (sum != 0) {
            for (int j = 0; j < s.taps; j++) {
                s.weights[o * s.taps + j] /= sum;
            }
        }
    }

    /** The interpolation kernel at distance {@code d} (in input units, stretched when antialiasing). */
    private static double kernel(ResizeSpec spec, double d) {
        double t = Math.abs(d);
        if (spec.mode() == ResizeMode.LINEAR) {
            return Math.max(0, 1 - t);
        }
        double a = spec.cubicA();
        if (t <= 1) {
            return ((a + 2) * t - (a + 3)) * t * t + 1;
        }
        if (t < 2) {
            return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
        }
        return 0;
    }
}
