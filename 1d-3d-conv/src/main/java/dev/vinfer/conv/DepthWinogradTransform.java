package dev.vinfer.conv;

/**
 * The one-dimensional Winograd (modified Toom-Cook) matrices of {@code F(m, r)}: m outputs (2 or 4) of an r-tap
 * correlation {@code y_i = sum_k g_k d_(i+k)} from {@code t = m + r - 1} inputs, {@code y = A^T [(G g) * (B^T d)]}:
 * t multiplications instead of m r. {@link DepthWinogradConv} applies them along the depth axis only, for r = 3, 5
 * or 7.
 *
 * <p>Built by {@link ToomCookMatrices} from t - 1 finite interpolation points and the point at infinity (Lavin and
 * Gray, "Fast Algorithms for Convolutional Neural Networks", 2016).
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
        ToomCookMatrices x = ToomCookMatrices.build(m, r, POINTS);
        return new DepthWinogradTransform(m, r, x.t(), x.at(), x.bt(), x.g());
    }
}
