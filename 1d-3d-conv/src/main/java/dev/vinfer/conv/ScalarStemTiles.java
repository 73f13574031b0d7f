package dev.vinfer.conv;

import java.util.Arrays;
import java.util.Objects;

/** {@link StemTiles} in plain Java: the scalar backend's, and the tests' second opinion on the vector one. */
final class ScalarStemTiles implements StemTiles {
    /** Pixels per slot: any width works; 8 keeps the scalar path's slot layout like a narrow vector backend's. */
    static final int WIDTH = 8;

    private final int m;
    private final int k;
    private final float[] w;
    private final float[] bias;

    ScalarStemTiles(int m, int k, float[] w, int wOff, float[] bias) {
        GemmChecks.dims(m, 0, k);
        Objects.checkFromIndexSize(wOff, Math.multiplyExact(m, k), w.length);
        this.m = m;
        this.k = k;
        this.w = Arrays.copyOfRange(w, wOff, wOff + m * k);
        this.bias = bias == null ? new float[m] : Arrays.copyOf(bias, m);
    }

    @Override
    public int width() {
        return WIDTH;
    }

    @Override
    public int rows() {
        return m;
    }

    @Override
    public int depth() {
        return k;
    }

    @Override
    public void run(float[] src, int srcOff, int[] tapOff, int[] slotSrc, int[] slotDst, int s0, int s1, float[] c,
            int cOff, int ldc, float lo, float hi) {
        StemTilesChecks.check(this, src, srcOff, tapOff, slotSrc, slotDst, s0, s1, c, cOff, ldc);
        for (int s = s0; s < s1; s++) {
            int from = srcOff + slotSrc[s];
            for (int r = 0; r < m; r++) {
                int to = cOff + r * ldc + slotDst[s];
                for (int j = 0; j < WIDTH; j++) {
                    // bias first, then the taps in order: the vector kernel's order of operations
                    float acc = bias[r];
                    for (int p = 0; p < k; p++) {
                        acc = Math.fma(w[r * k + p], src[from + tapOff[p] + j], acc);
                    }
                    c[to + j] = Math.min(Math.max(acc, lo), hi);
                }
            }
        }
    }
}
