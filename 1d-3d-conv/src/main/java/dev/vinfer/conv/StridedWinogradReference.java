package dev.vinfer.conv;

/**
 * Plain loops of the stride-2 Winograd transforms on channel-blocked tiles ({@link NchwcStridedWinogradConv}): what
 * the scalar backend runs and the vector one is tested against. See {@link Backend#nchwcStridedWinogradInput} and
 * {@link Backend#nchwcStridedWinogradOutput} for the layouts, {@link StridedWinogradTransform} for the algorithm.
 */
final class StridedWinogradReference {
    private static final int B16 = NchwcLayout.BLOCK;

    private StridedWinogradReference() {
    }

    /** See {@link Backend#nchwcStridedWinogradInput}. */
    static void input(int m, float[] bte, float[] x, int xOff, int cols, int tilesPerRow, int tile0, int tiles,
            float[] v, int vOff, int[] posOff, float[] tmp, int tmpOff) {
        NchwcChecks.stridedWinogradInput(m, bte, x, xOff, cols, tilesPerRow, tile0, tiles, v, vOff, posOff, tmp,
                tmpOff);
        int t = 2 * m + 1;
        for (int i = 0; i < tiles; i++) {
            int tile = tile0 + i;
            int origin = xOff + ((tile / tilesPerRow) * 2 * m * cols + (tile % tilesPerRow) * 2 * m) * B16;
            // along H: tmp[p][j] for the t row positions p and the tile's t columns j
            for (int p = 0; p < t; p++) {
                for (int j = 0; j < t; j++) {
                    for (int l = 0; l < B16; l++) {
                        tmp[tmpOff + (p * t + j) * B16 + l] = axis(m, bte, p, x, origin + j * B16 + l, cols * B16);
                    }
                }
            }
            // along W: position (p, q) from row p of tmp
            for (int p = 0; p < t; p++) {
                for (int q = 0; q < t; q++) {
                    int d = vOff + posOff[p * t + q] + i * B16;
                    for (int l = 0; l < B16; l++) {
                        v[d + l] = axis(m, bte, q, tmp, tmpOff + p * t * B16 + l, B16);
                    }
                }
            }
        }
    }

    /** Position {@code p} of the 1-D input transform of the {@code 2m + 1} values {@code s[o + k * step]}. */
    private static float axis(int m, float[] bte, int p, float[] s, int o, int step) {
        if (p > m) {
            return s[o + (2 * (p - m - 1) + 1) * step];
        }
        float sum = 0f;
        for (int k = 0; k <= m; k++) {
            sum += bte[p * (m + 1) + k] * s[o + 2 * k * step];
        }
        return sum;
    }

    /** See {@link Backend#nchwcStridedWinogradOutput}. */
    static void output(int m, float[] ate, float[] o, int oOff, int[] posOff, int tilesPerRow, int tile0, int tiles,
            float[] bias, int bOff, float[] res, int resDelta, float[] y, int yOff, int oh, int ow, int lanes,
            float lo, float hi, float[] tmp, int tmpOff) {
        NchwcChecks.stridedWinogradOutput(m, ate, o, oOff, posOff, tilesPerRow, tile0, tiles, bias, bOff, res,
                resDelta, y, yOff, oh, ow, tmp, tmpOff);
        int t = 2 * m + 1;
        for (int i = 0; i < tiles; i++) {
            int tile = tile0 + i;
            int ty = tile / tilesPerRow * m;
            int tx = tile % tilesPerRow * m;
            // along H: tmp[a][q] = sum_j ate[a][j] o(j, q) + o(m + 1 + a, q)
            for (int a = 0; a < m; a++) {
                for (int q = 0; q < t; q++) {
                    for (int l = 0; l < B16; l++) {
                        float s = o[oOff + posOff[(m + 1 + a) * t + q] + i * B16 + l];
                        for (int j = 0; j <= m; j++) {
                            s += ate[a * (m + 1) + j] * o[oOff + posOff[j * t + q] + i * B16 + l];
                        }
                        tmp[tmpOff + (a * t + q) * B16 + l] = s;
                    }
                }
            }
            // along W, then the residual, bias and clamp, into the outputs inside the plane
            for (int a = 0; a < m && ty + a < oh; a++) {
                for (int b = 0; b < m && tx + b < ow; b++) {
                    int d = yOff + ((ty + a) * ow + tx + b) * B16;
                    for (int l = 0; l < B16; l++) {
                        int r = tmpOff + a * t * B16 + l;
                        float s = tmp[r + (m + 1 + b) * B16];
                        for (int j = 0; j <= m; j++) {
                            s += ate[b * (m + 1) + j] * tmp[r + j * B16];
                        }
                        if (res != null) {
                            s += res[d + resDelta + l];
                        }
                        s += bias[bOff + l];
                        y[d + l] = l < lanes ? Math.min(Math.max(s, lo), hi) : 0f;
                    }
                }
            }
        }
    }
}
