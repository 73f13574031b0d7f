package dev.vinfer.conv;

/**
 * The one-dimensional Winograd (modified Toom-Cook) matrices of {@code F(m, 3)}: m outputs of a 3-tap correlation
 * from a tile of {@code t = m + 2} inputs, {@code y = A^T [(G g) * (B^T d)]} with t multiplications instead of 3m.
 * Multi-dimensional Winograd applies them along each axis (they are separable).
 *
 * <p>Built from {@code t - 1} interpolation points {@code a_j} plus the point at infinity (Lavin and Gray, "Fast
 * Algorithms for Convolutional Neural Networks", 2016), derived here from the Lagrange form rather than tabulated:
 * <ul>
 * <li>{@code A^T[i][j] = a_j^i}, and the infinity column is {@code [0, ..., 0, 1]};</li>
 * <li>{@code G[j][k] = a_j^k / f_j} with {@code f_j = prod over l != j of (a_j - a_l)}, infinity row
 * {@code [0, 0, 1]};</li>
 * <li>{@code B^T} row j holds the coefficients of {@code prod over l != j of (x - a_l)}, and its infinity row those
 * of {@code prod over all l of (x - a_l)}.</li>
 * </ul>
 * Points: F(2,3) {0, 1, -1}; F(4,3) adds {2, -2}; F(6,3) adds {1/2, -1/2}. The larger the tile, the larger the
 * entries and the more rounding error (see {@link ConvAlgorithm} for the declared bounds).
 *
 * <p>An axis the convolution does not have (rank below 3) uses {@link #IDENTITY}: m = t = 1, all matrices [1].
 */
final class WinogradTransform {
    /** Kernel taps per axis. */
    static final int R = 3;

    static final WinogradTransform IDENTITY = new WinogradTransform(1, 1, new float[] {1}, new float[] {1},
            new double[] {1}, 1);

    /** Outputs per tile. */
    final int m;
    /** Inputs per tile, {@code m + R - 1}. */
    final int t;
    /** {@code m x t}, row-major. */
    final float[] at;
    /** {@code t x t}, row-major. */
    final float[] bt;
    /** {@code t x r}, row-major, in double so the weights are transformed before rounding. */
    final double[] g;
    /** Taps per axis of the kernel this transform is for (3, or 1 for the identity). */
    final int taps;

    private WinogradTransform(int m, int t, float[] at, float[] bt, double[] g, int taps) {
        this.m = m;
        this.t = t;
        this.at = at;
        this.bt = bt;
        this.g = g;
        this.taps = taps;
    }

    /**
     * One axis of the input ({@code input}: B^T, t rows from t) or output (A^T, m rows from t) transform over rows
     * of {@code len} values, rows {@code so[k]} of {@code src} into rows {@code dso[q]} of {@code dst}:
     * {@link Backend#winogradF43} for F(4,3), {@link Backend#combine} otherwise.
     */
    void apply(Backend backend, boolean input, float[] src, int[] so, float[] dst, int[] dso, int len) {
        if (m == 4) {
            backend.winogradF43(input, input ? bt : at, src, so, dst, dso, len);
        } else {
            backend.combine(input ? t : m, t, input ? bt : at, src, so, dst, dso, len, false);
        }
    }

    /** F(m, 3) for m = 2, 4 or 6. */
    static WinogradTransform of(int m) {
        double[] points = switch (m) {
            case 2 -> new double[] {0, 1, -1};
            case 4 -> new double[] {0, 1, -1, 2, -2};
            case 6 -> new double[] {0, 1, -1, 2, -2, 0.5, -0.5};
            default -> throw new IllegalArgumentException("Winograd F(m,3) is built for m = 2, 4, 6, not " + m);
        };
        ToomCookMatrices x = ToomCookMatrices.build(m, R, points);
        return new WinogradTransform(m, x.t(), x.at(), x.bt(), x.g(), R);
    }
}
