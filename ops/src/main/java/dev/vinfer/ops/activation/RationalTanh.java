package dev.vinfer.ops.activation;

/**
 * tanh for float32 tensors as one rational function, so that the whole-tensor loop vectorizes: only multiplies,
 * adds, one division, a clamp and float/double conversions, which the JIT turns into vector instructions, while
 * {@link Math#exp} (behind {@link Activations#tanh(double)}) runs one element at a time (about 16 ns per element
 * on the style-transfer net's last op, 1.5M elements).
 *
 * <p>The function is Lambert's continued fraction {@code tanh x = x / (1 + z / (3 + z / (5 + ... + z / (2n+1))))}
 * with {@code z = x^2}, cut after {@link #DEPTH} levels and evaluated as the ratio of its convergent's numerator
 * and denominator polynomials in z (built below from the three-term recurrence, all coefficients positive, so the
 * double Horner sums do not cancel). Cut there it is within 2e-9 relative of tanh on |x| <= {@link #CLAMP}
 * (checked by the test), far below half a float ulp; beyond the clamp tanh is 1 to float precision (1 - tanh 10 =
 * 4e-9), and the clamp also maps the infinities to +-1. NaN stays NaN and -0 stays -0 (x times a positive ratio).
 * Float results are therefore within one ulp of the exact tanh (correctly rounded but where the tiny error
 * straddles a rounding boundary).
 */
final class RationalTanh {
    /** Levels of the continued fraction (terms 1, 3, ..., 2 DEPTH + 1). */
    static final int DEPTH = 14;
    /** Inputs are clamped to [-CLAMP, CLAMP]; tanh there is 1 - 4e-9, which rounds to 1 in float. */
    static final double CLAMP = 10;

    /** Denominator A(z) and numerator B(z) of the convergent, ascending powers of z: tanh x = x B(z) / A(z). */
    private static final double A0, A1, A2, A3, A4, A5, A6, A7;
    private static final double B0, B1, B2, B3, B4, B5, B6, B7;

    static {
        double[][] ab = convergent(DEPTH);
        double[] a = ab[0];
        double[] b = ab[1];
        A0 = a[0];
        A1 = a[1];
        A2 = a[2];
        A3 = a[3];
        A4 = a[4];
        A5 = a[5];
        A6 = a[6];
        A7 = a[7];
        B0 = b[0];
        B1 = b[1];
        B2 = b[2];
        B3 = b[3];
        B4 = b[4];
        B5 = b[5];
        B6 = b[6];
        B7 = b[7];
    }

    private RationalTanh() {
    }

    /**
     * The polynomials A_n(z), B_n(z) of the n-th convergent of {@code 1 + z / (3 + z / (5 + ...))}: with
     * {@code b_k = 2k + 1}, {@code A_k = b_k A_{k-1} + z A_{k-2}} from {@code A_{-1} = 1, A_0 = 1}, and
     * {@code B_k} the same from {@code B_{-1} = 0, B_0 = 1}; the convergent is A_n / B_n, so tanh x = x B_n / A_n.
     * Coefficients are integers, exact in double at this depth (the largest is 29!! < 2^53). Eight per polynomial.
     */
    static double[][] convergent(int n) {
        double[] aPrev = {1};
        double[] a = {1};
        double[] bPrev = {0};
        double[] b = {1};
        for (int k = 1; k <= n; k++) {
            double[] an = step(2 * k + 1, a, aPrev);
            double[] bn = step(2 * k + 1, b, bPrev);
            aPrev = a;
            a = an;
            bPrev = b;
            b = bn;
        }
        if (a.length > 8 || b.length > 8) {
            throw new IllegalStateException("depth " + n + " needs more than 8 coefficients");
        }
        return new double[][] {java.util.Arrays.copyOf(a, 8), java.util.Arrays.copyOf(b, 8)};
    }

    /** {@code bk * p + z * q} as coefficient arrays. */
    private static double[] step(int bk, double[] p, double[] q) {
        double[] r = new double[Math.max(p.length, q.length + 1)];
        for (int i = 0; i < p.length; i++) {
            r[i] += bk * p[i];
        }
        for (int i = 0; i < q.length; i++) {
            r[i + 1] += q[i];
        }
        return r;
    }

    /** The rational tanh of one value (the same arithmetic as the array loop, so bit for bit the same result). */
    static double apply(double v) {
        double x = Math.max(-CLAMP, Math.min(CLAMP, v));
        double z = x * x;
        double num = ((((((B7 * z + B6) * z + B5) * z + B4) * z + B3) * z + B2) * z + B1) * z + B0;
        double den = ((((((A7 * z + A6) * z + A5) * z + A4) * z + A3) * z + A2) * z + A1) * z + A0;
        return x * num / den;
    }

    /**
     * {@code out[oo + i] = tanh(in[io + i])} for i in [0, n). The loop rewrites chunks of the output in place after
     * copying the input there: a loop from one float array into another at a different offset does not vectorize
     * (the JIT cannot rule out that the two overlap), one over the same elements does.
     */
    static void floats(float[] in, int io, float[] out, int oo, int n) {
        if (in == out && io == oo) {
            inPlace(out, oo, n);
            return;
        }
        for (int c = 0; c < n; c += CHUNK) {
            int len = Math.min(CHUNK, n - c);
            System.arraycopy(in, io + c, out, oo + c, len);
            inPlace(out, oo + c, len);
        }
    }

    /** Elements per copied chunk: fits in L1 with room. */
    static final int CHUNK = 2048;

    private static void inPlace(float[] x, int off, int n) {
        for (int i = off; i < off + n; i++) {
            x[i] = (float) apply(x[i]);
        }
    }
}
