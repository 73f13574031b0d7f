package dev.vinfer.conv;

/**
 * The one-dimensional Winograd (modified Toom-Cook) matrices of {@code F(m, r)}: m outputs (2 or 4) of an r-tap
 * correlation {@code y_i = sum_k g_k d_(i+k)} from {@code t = m + r - 1} inputs, {@code y = A^T [(G g) * (B^T d)]}:
 * t multiplications instead of m r. {@link DepthWinogradConv} applies them along the depth axis only, for r = 3, 5
 * or 7.
 *
 * <p>Built from the {@code r} finite interpolation points {@code a_j} plus the point at infinity (the construction of
 * Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2016):
 * <ul>
 * <li>{@code A^T[i][j] = a_j^i}; the infinity column is {@code [0, ..., 0, 1]};</li>
 * <li>{@code G[j][k] = a_j^k / f_j} with {@code f_j = prod over l != j of (a_j - a_l)}; the infinity row is
 * {@code [0, ..., 0, 1]};</li>
 * <li>{@code B^T} row j holds the coefficients (lowest degree first) of {@code prod over l != j of (x - a_l)}, the
 * infinity row those of {@code prod over all l of (x - a_l)}.</li>
 * </ul>
 * Points, the first t - 1 of {0, 1, -1, 2, -2, 1/2, -1/2, 3, -3}: F(2,3) {0, 1, -1}, ..., F(2,7) up to -1/2 (the
 * points of F(6,3)), F(4,7) also 3 and -3, whose larger entries cost precision (relative L2 error on random 7-tap
 * rows, float transforms: F(2,7) 3.3e-7, F(4,7) 2.1e-6).
 */
final class DepthWinogradTransform {
    private static final double[] POINTS = {0, 1, -1, 2, -2, 0.5, -0.5, 3, -3};

    /** Outputs per tile. */
    final int m;
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

    private DepthWinogradTransform(int m, int r, int t, float[] at, float[] bt, double[] g) {
        this.m = m;
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

    /** F(m, r) for m = 2 or 4 and r = 3, 5 or 7. */
    static DepthWinogradTransform of(int m, int r) {
        if (!supports(r) || m != 2 && m != 4) {
            throw new IllegalArgumentException("depth Winograd F(m,r) is built for m = 2, 4 and r = 3, 5, 7, not F("
                    + m + "," + r + ")");
        }
        int t = m + r - 1;
        int n = t - 1; // finite points
        float[] at = new float[m * t];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                at[i * t + j] = (float) Math.pow(POINTS[j], i);
            }
            at[i * t + n] = i == m - 1 ? 1f : 0f;
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
        return new DepthWinogradTransform(m, r, t, at, bt, g);
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
