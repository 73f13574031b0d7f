package dev.vinfer.conv;

/**
 * The one-dimensional Winograd (modified Toom-Cook) matrices of {@code F(2, r)}: 2 outputs of an r-tap correlation
 * {@code y_i = sum_k g_k d_(i+k)} from {@code t = r + 1} inputs, {@code y = A^T [(G g) * (B^T d)]}: t multiplications
 * instead of 2r. {@link DepthWinogradConv} applies them along the depth axis only, for r = 3, 5 or 7.
 *
 * <p>Built from the {@code r} finite interpolation points {@code a_j} plus the point at infinity (the construction of
 * Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2016):
 * <ul>
 * <li>{@code A^T[i][j] = a_j^i}; the infinity column is {@code [0, 1]};</li>
 * <li>{@code G[j][k] = a_j^k / f_j} with {@code f_j = prod over l != j of (a_j - a_l)}; the infinity row is
 * {@code [0, ..., 0, 1]};</li>
 * <li>{@code B^T} row j holds the coefficients (lowest degree first) of {@code prod over l != j of (x - a_l)}, the
 * infinity row those of {@code prod over all l of (x - a_l)}.</li>
 * </ul>
 * Points: r = 3 {0, 1, -1}; r = 5 adds {2, -2}; r = 7 adds {1/2, -1/2} (the same points as F(2,3), F(4,3) and
 * F(6,3), so the rounding behaves like theirs along one axis).
 */
final class DepthWinogradTransform {
    private static final double[] POINTS = {0, 1, -1, 2, -2, 0.5, -0.5};

    /** Outputs per tile. */
    static final int M = 2;
    /** Kernel taps. */
    final int r;
    /** Inputs per tile, {@code r + 1}. */
    final int t;
    /** {@code 2 x t}, row-major. */
    final float[] at;
    /** {@code t x t}, row-major. */
    final float[] bt;
    /** {@code t x r}, row-major, in double so the weights are transformed before rounding. */
    final double[] g;

    private DepthWinogradTransform(int r, int t, float[] at, float[] bt, double[] g) {
        this.r = r;
        this.t = t;
        this.at = at;
        this.bt = bt;
        this.g = g;
    }

    /** Whether F(2, r) is built here. */
    static boolean supports(int r) {
        return r == 3 || r == 5 || r == 7;
    }

    /** F(2, r) for r = 3, 5 or 7. */
    static DepthWinogradTransform of(int r) {
        if (!supports(r)) {
            throw new IllegalArgumentException("depth Winograd F(2,r) is built for r = 3, 5, 7, not " + r);
        }
        int t = r + 1;
        int n = r; // finite points
        float[] at = new float[M * t];
        for (int i = 0; i < M; i++) {
            for (int j = 0; j < n; j++) {
                at[i * t + j] = (float) Math.pow(POINTS[j], i);
            }
            at[i * t + n] = i == M - 1 ? 1f : 0f;
        }
        double[] g = new double[t * r];
        float[] bt = new float[t * t];
        for (int j = 0; j < n; j++) {
            double f = 1;
            double[] poly = {1};
            for (int l = 0; l < n; l++) {
                if (l != j) {
                    f *= POINTS[j] - POINTS[l];
                    poly = timesLinear(poly, POINTS[l]);
                }
            }
            for (int k = 0; k < r; k++) {
                g[j * r + k] = Math.pow(POINTS[j], k) / f;
            }
            for (int i = 0; i < poly.length; i++) {
                bt[j * t + i] = (float) poly[i];
            }
        }
        g[n * r + r - 1] = 1;
        double[] all = {1};
        for (int l = 0; l < n; l++) {
            all = timesLinear(all, POINTS[l]);
        }
        for (int i = 0; i < t; i++) {
            bt[n * t + i] = (float) all[i];
        }
        return new DepthWinogradTransform(r, t, at, bt, g);
    }

    /** The coefficients (lowest degree first) of {@code p(x) * (x - a)}. */
    private static double[] timesLinear(double[] p, double a) {
        double[] q = new double[p.length + 1];
        for (int i = 0; i < p.length; i++) {
            q[i + 1] += p[i];
            q[i] -= a * p[i];
        }
        return q;
    }
}
