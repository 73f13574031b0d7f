package dev.vinfer.ops.nn.norm;

import dev.vinfer.conv.Parallel;

/**
 * InstanceNormalization on float32, read and written in place (no double buffers) with the planes split across the
 * session's threads, optionally followed by a fused ReLU.
 *
 * <p>Per plane: one pass of mean and variance, accumulated in double over eight independent lanes (so the adds
 * pipeline instead of waiting on one another) around a shift by the plane's first element (which keeps
 * {@code E[(x-s)^2] - E[x-s]^2} from cancelling when the mean is large next to the spread); then, in float,
 * {@code y = (x - mean) * a + bias} with {@code a = scale / sqrt(var + eps)} (see {@link #normalize}). The result
 * differs from the double reference by the summation order of mean and variance and the float rounding of the last
 * step: a few float ulps of the output (see the test's declared tolerance).
 */
final class FloatInstanceNorm {
    /** Planes per task at least this many elements, so that small inputs stay on one thread. */
    private static final int MIN_ELEMENTS_PER_TASK = 1 << 15;

    private FloatInstanceNorm() {
    }

    static void run(float[] in, int io, float[] out, int oo, int planes, int channels, int inner, double[] scale,
            double[] bias, double epsilon, boolean relu, Parallel parallel) {
        int minPlanes = Math.max(1, MIN_ELEMENTS_PER_TASK / Math.max(1, inner));
        parallel.forRange(planes, minPlanes, (from, to) -> {
            for (int p = from; p < to; p++) {
                int off = p * inner;
                double[] mv = moments(in, io + off, inner);
                int c = p % channels;
                double a = scale[c] / Math.sqrt(mv[1] + epsilon);
                normalize(in, io + off, out, oo + off, inner, mv[0], a, bias[c], relu);
            }
        });
    }

    /** {mean, population variance} of {@code x[off, off + n)}, n >= 1. */
    static double[] moments(float[] x, int off, int n) {
        double shift = x[off];
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        double q0 = 0, q1 = 0, q2 = 0, q3 = 0, q4 = 0, q5 = 0, q6 = 0, q7 = 0;
        int i = off;
        int end = off + n;
        for (; i + 8 <= end; i += 8) {
            double d0 = x[i] - shift;
            double d1 = x[i + 1] - shift;
            double d2 = x[i + 2] - shift;
            double d3 = x[i + 3] - shift;
            double d4 = x[i + 4] - shift;
            double d5 = x[i + 5] - shift;
            double d6 = x[i + 6] - shift;
            double d7 = x[i + 7] - shift;
            s0 += d0;
            s1 += d1;
            s2 += d2;
            s3 += d3;
            s4 += d4;
            s5 += d5;
            s6 += d6;
            s7 += d7;
            q0 += d0 * d0;
            q1 += d1 * d1;
            q2 += d2 * d2;
            q3 += d3 * d3;
            q4 += d4 * d4;
            q5 += d5 * d5;
            q6 += d6 * d6;
            q7 += d7 * d7;
        }
        for (; i < end; i++) {
            double d = x[i] - shift;
            s0 += d;
            q0 += d * d;
        }
        double s = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
        double q = ((q0 + q1) + (q2 + q3)) + ((q4 + q5) + (q6 + q7));
        double m = s / n;
        double var = Math.max(0, q / n - m * m);
        return new double[] {shift + m, var};
    }

    /**
     * {@code y = ((x - mh) - ml) * a + b} in float, where {@code mh + ml} is the double mean split into a float and
     * its float remainder: the subtraction stays accurate to the spread of the plane even when its mean is large
     * (a plain float mean would carry an error of ulp(mean) into every output), and the whole loop is float, which
     * the JIT vectorizes (a loop through double conversions measured 1.05 ns per element, this one a fraction).
     */
    static void normalize(float[] in, int io, float[] out, int oo, int n, double mean, double a, double b,
            boolean relu) {
        float mh = (float) mean;
        float ml = (float) (mean - mh);
        float af = (float) a;
        float bf = (float) b;
        if (relu) {
            for (int i = 0; i < n; i++) {
                out[oo + i] = Math.max(((in[io + i] - mh) - ml) * af + bf, 0f);
            }
        } else {
            for (int i = 0; i < n; i++) {
                out[oo + i] = ((in[io + i] - mh) - ml) * af + bf;
            }
        }
    }
}
