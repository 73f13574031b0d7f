package dev.vinfer.ops.nn.norm;

import dev.vinfer.conv.Parallel;

/**
 * InstanceNormalization on float32, read and written in place (no double buffers) with the planes split across the
 * session's threads, optionally followed by a fused ReLU.
 *
 * <p>Per plane: one pass of mean and variance, accumulated in double over {@link #LANES} lanes that the JIT
 * vectorizes, around a shift by the plane's first element (which keeps
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

    /** Lanes of the moment accumulators: one block of input is added lane-wise into them (see {@link #moments}). */
    static final int LANES = 64;

    /** Elements per chunk of {@link #normalize} when input and output are different places: fits L1 with room. */
    static final int CHUNK = 2048;

    /**
     * {mean, population variance} of {@code x[off, off + n)}, n >= 1.
     *
     * <p>Shifted by the first element, summed in double over {@link #LANES} lane accumulators that live in double
     * arrays: a loop that adds one block of the float input lane-wise into {@code double[]} accumulators is one the
     * JIT vectorizes (float to double conversions, adds and multiply-adds on whole vectors), while eight scalar
     * accumulators ran at 0.55 ns per element. Double arrays, not float: stores into a {@code float[]} could alias
     * the input, which keeps the JIT from vectorizing, and double keeps the sums as accurate as before.
     */
    static double[] moments(float[] x, int off, int n) {
        double shift = x[off];
        double[] s = new double[LANES];
        double[] q = new double[LANES];
        int full = n - n % LANES;
        for (int b = 0; b < full; b += LANES) {
            addBlock(x, off + b, shift, s, q);
        }
        double st = 0;
        double qt = 0;
        for (int i = off + full; i < off + n; i++) {
            double d = x[i] - shift;
            st += d;
            qt += d * d;
        }
        double sum = st + pairwiseSum(s, 0, LANES);
        double sq = qt + pairwiseSum(q, 0, LANES);
        double m = sum / n;
        double var = Math.max(0, sq / n - m * m);
        return new double[] {shift + m, var};
    }

    /** Adds {@code x[at + j] - shift} and its square into lane j of {@code s} and {@code q}. */
    private static void addBlock(float[] x, int at, double shift, double[] s, double[] q) {
        for (int j = 0; j < LANES; j++) {
            double d = x[at + j] - shift;
            s[j] += d;
            q[j] += d * d;
        }
    }

    private static double pairwiseSum(double[] a, int from, int n) {
        if (n == 1) {
            return a[from];
        }
        int h = n / 2;
        return pairwiseSum(a, from, h) + pairwiseSum(a, from + h, n - h);
    }

    /**
     * {@code y = ((x - mh) - ml) * a + b} in float, where {@code mh + ml} is the double mean split into a float and
     * its float remainder: the subtraction stays accurate to the spread of the plane even when its mean is large
     * (a plain float mean would carry an error of ulp(mean) into every output), and the whole loop is float, which
     * the JIT vectorizes (a loop through double conversions measured 1.05 ns per element, this one a fraction).
     * {@code in} and {@code out} may be the same place, not otherwise overlapping.
     */
    static void normalize(float[] in, int io, float[] out, int oo, int n, double mean, double a, double b,
            boolean relu) {
        float mh = (float) mean;
        float ml = (float) (mean - mh);
        float af = (float) a;
        float bf = (float) b;
        if (in == out && io == oo) {
            normalizeInPlace(out, oo, n, mh, ml, af, bf, relu);
            return;
        }
        // A loop reading one array and writing another at a different offset does not vectorize (the JIT cannot
        // rule out that they overlap: 0.85 ns per element), one that rewrites the same elements in place does
        // (0.1 ns): so copy a chunk to the output, then normalize it there while it is still in L1.
        for (int c = 0; c < n; c += CHUNK) {
            int len = Math.min(CHUNK, n - c);
            System.arraycopy(in, io + c, out, oo + c, len);
            normalizeInPlace(out, oo + c, len, mh, ml, af, bf, relu);
        }
    }

    private static void normalizeInPlace(float[] x, int off, int n, float mh, float ml, float af, float bf,
            boolean relu) {
        if (relu) {
            for (int i = off; i < off + n; i++) {
                x[i] = Math.max(((x[i] - mh) - ml) * af + bf, 0f);
            }
        } else {
            for (int i = off; i < off + n; i++) {
                x[i] = ((x[i] - mh) - ml) * af + bf;
            }
        }
    }
}
