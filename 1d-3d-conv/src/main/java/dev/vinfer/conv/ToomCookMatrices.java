package dev.vinfer.conv;

/**
 * The one-dimensional Winograd (modified Toom-Cook) matrices of {@code F(m, r)} built from {@code t - 1} finite
 * interpolation points plus the point at infinity ({@code t = m + r - 1}); shared by {@link WinogradTransform}
 * (r = 3) and {@link DepthWinogradTransform} (r = 3, 5, 7 along depth), which choose the points.
 * <ul>
 * <li>{@code A^T[i][j] = a_j^i}; the infinity column is {@code [0, ..., 0, 1]};</li>
 * <li>{@code G[j][k] = a_j^k / f_j} with {@code f_j = prod over l != j of (a_j - a_l)}; the infinity row is
 * {@code [0, ..., 0, 1]};</li>
 * <li>{@code B^T} row j holds the coefficients (lowest degree first) of {@code prod over l != j of (x - a_l)}, the
 * infinity row those of {@code prod over all l of (x - a_l)}.</li>
 * </ul>
 *
 * @param t  inputs per tile
 * @param at {@code m x t}, row-major
 * @param bt {@code t x t}, row-major
 * @param g  {@code t x r}, row-major, in double so weights are transformed before rounding
 */
record ToomCookMatrices(int t, float[] at, float[] bt, double[] g) {

    /** The matrices of F(m, r) on the first {@code m + r - 2} of {@code points}. */
    static ToomCookMatrices build(int m, int r, double[] points) {
        int t = m + r - 1;
        int n = t - 1; // finite points
        if (points.length < n) {
            throw new IllegalArgumentException("F(" + m + "," + r + ") needs " + n + " points, got " + points.length);
        }
        float[] at = new float[m * t];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                at[i * t + j] = (float) Math.pow(points[j], i);
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
                    f *= points[j] - points[l];
                    poly = timesLinear(poly, points[l]);
                }
            }
            for (int k = 0; k < r; k++) {
                g[j * r + k] = Math.pow(points[j], k) / f;
            }
            for (int i = 0; i < poly.length; i++) {
                bt[j * t + i] = (float) poly[i];
            }
        }
        g[n * r + r - 1] = 1;
        double[] all = {1};
        for (int l = 0; l < n; l++) {
            all = timesLinear(all, points[l]);
        }
        for (int i = 0; i < t; i++) {
            bt[n * t + i] = (float) all[i];
        }
        return new ToomCookMatrices(t, at, bt, g);
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
