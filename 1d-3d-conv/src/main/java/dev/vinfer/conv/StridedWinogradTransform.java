package dev.vinfer.conv;

/**
 * A fast algorithm for the 3-tap correlation at stride 2 along one axis, {@code y[i] = w0 x[2i] + w1 x[2i+1] +
 * w2 x[2i+2]} for {@code i < m}, from a tile of {@code 2m + 1} inputs with {@code T = 2m + 1} multiplications
 * instead of {@code 3m}. The samples split by parity: the even ones {@code e[k] = x[2k]} ({@code k <= m}) meet the
 * taps {@code (w0, w2)} as a 2-tap correlation, computed by Winograd {@code F(m, 2)} ({@link ToomCookMatrices}) in
 * {@code m + 1} multiplications; the odd ones {@code o[k] = x[2k+1]} ({@code k < m}) meet {@code w1} alone, one
 * multiplication each. The axis's {@code T} positions are the {@code m + 1} of F(m, 2) first, then the {@code m} odd
 * samples:
 * <ul>
 * <li>input: {@code v[j] = sum_k bte[j][k] x[2k]} for {@code j <= m}, {@code v[m+1+k] = x[2k+1]};</li>
 * <li>weights: {@code u[j] = ge[j][0] w0 + ge[j][1] w2} for {@code j <= m}, {@code u[m+1+k] = w1};</li>
 * <li>output: {@code y[i] = sum_j ate[i][j] (u v)[j] + (u v)[m+1+i]}.</li>
 * </ul>
 * Applied along both axes (the algorithms of two axes nest, as any separable Winograd), a 3x3 stride-2 convolution
 * takes {@code T^2} products per tile of {@code m x m} outputs: 25 per 4 outputs (F(2,2)-based, 6.25 against 9 a
 * pixel) and 81 per 16 (F(4,2)-based, 5.06). The positions whose axis is odd share their weights (all {@code m}
 * odd positions of an axis hold {@code w1}): see {@link #classes}.
 *
 * <p>This is the parity (polyphase) split of a strided convolution into stride-1 pieces, with Winograd on the
 * pieces that have more than one tap; the points of F(m, 2): {0, 1} for m = 2, {0, 1, -1, 2} for m = 4.
 */
final class StridedWinogradTransform {
    /** Outputs per tile along the axis. */
    final int m;
    /** Positions per axis and inputs per tile, {@code 2m + 1}. */
    final int t;
    /** F(m, 2)'s input matrix, {@code (m + 1) x (m + 1)}, row-major. */
    final float[] bte;
    /** F(m, 2)'s output matrix, {@code m x (m + 1)}, row-major. */
    final float[] ate;
    /** The whole axis's weight matrix, {@code T x 3}, row-major, in double (weights transformed before rounding). */
    final double[] g;

    private StridedWinogradTransform(int m) {
        double[] points = switch (m) {
            case 2 -> new double[] {0, 1};
            case 4 -> new double[] {0, 1, -1, 2};
            default -> throw new IllegalArgumentException("strided Winograd is built for m = 2 or 4, not " + m);
        };
        ToomCookMatrices f = ToomCookMatrices.build(m, 2, points);
        this.m = m;
        this.t = 2 * m + 1;
        this.bte = f.bt();
        this.ate = f.at();
        this.g = new double[t * 3];
        for (int j = 0; j <= m; j++) {
            g[j * 3] = f.g()[j * 2];
            g[j * 3 + 2] = f.g()[j * 2 + 1];
        }
        for (int k = 0; k < m; k++) {
            g[(m + 1 + k) * 3 + 1] = 1;
        }
    }

    /** The transform with {@code m} outputs per tile (2 or 4). */
    static StridedWinogradTransform of(int m) {
        return new StridedWinogradTransform(m);
    }

    /**
     * Classes of 2-D positions that share their transformed weights, {@code (m + 2)^2} of them: each pair of even
     * positions its own ({@code (m + 1)^2}, class {@code j * (m + 1) + l}), then per even row position j the
     * {@code m} positions with an odd column ({@code (m + 1)^2 + j}), per even column position l the {@code m} with
     * an odd row ({@code (m + 1)^2 + m + 1 + l}), and last the {@code m^2} odd-odd positions, all {@code w[1][1]}.
     */
    int classes() {
        return (m + 2) * (m + 2);
    }

    /** The class of 2-D position {@code (p, q)} (row position p, column position q). */
    int classOf(int p, int q) {
        int e = (m + 1) * (m + 1);
        if (p <= m) {
            return q <= m ? p * (m + 1) + q : e + p;
        }
        return q <= m ? e + m + 1 + q : e + 2 * (m + 1);
    }

    /** Positions in class {@code c}: 1, {@code m} or {@code m^2}. */
    int classSize(int c) {
        int e = (m + 1) * (m + 1);
        return c < e ? 1 : c < e + 2 * (m + 1) ? m : m * m;
    }

    /** The index of 2-D position {@code (p, q)} among its class's positions, in row-major order. */
    int indexInClass(int p, int q) {
        if (p <= m) {
            return q <= m ? 0 : q - m - 1;
        }
        return q <= m ? p - m - 1 : (p - m - 1) * m + q - m - 1;
    }

    /**
     * Per class, the 9 coefficients that make its weight matrix from a 3x3 kernel, {@code U = sum_ab coef[ab]
     * w[a][b]}, row-major: {@code classes() x 9}.
     */
    double[] weightCoefficients() {
        int n = classes();
        double[] coef = new double[n * 9];
        for (int p = 0; p < t; p++) {
            for (int q = 0; q < t; q++) {
                int c = classOf(p, q);
                for (int a = 0; a < 3; a++) {
                    for (int b = 0; b < 3; b++) {
                        coef[c * 9 + a * 3 + b] = g[p * 3 + a] * g[q * 3 + b];
                    }
                }
            }
        }
        return coef;
    }
}
