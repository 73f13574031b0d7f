package dev.vinfer.conv;

import java.util.Objects;

/** {@link PanelGemm} in plain Java (the scalar backend's, and the reference for the vector one). */
final class ScalarPanelGemm implements PanelGemm {
    private final int m;
    private final int k;
    private final float[] w;
    private final float[] bias;

    ScalarPanelGemm(int m, int k, float[] w, int wOff, float[] bias) {
        GemmChecks.dims(m, 0, k);
        Objects.checkFromIndexSize(wOff, Math.multiplyExact(m, k), w.length);
        this.m = m;
        this.k = k;
        this.w = java.util.Arrays.copyOfRange(w, wOff, wOff + m * k);
        this.bias = bias == null ? new float[m] : java.util.Arrays.copyOf(bias, m);
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
    public void run(float[] src, int srcOff, int[] tapOff, PixelGrid grid, int p0, int p1, float[] c, int cOff,
            int ldc, float lo, float hi) {
        float[] column = new float[k];
        for (int q = p0; q < p1; q++) {
            int base = srcOff + grid.source(q);
            for (int p = 0; p < k; p++) {
                column[p] = src[base + tapOff[p]];
            }
            for (int i = 0; i < m; i++) {
                float acc = 0f;
                int wi = i * k;
                for (int p = 0; p < k; p++) {
                    acc = Math.fma(w[wi + p], column[p], acc);
                }
                acc += bias[i];
                c[cOff + i * ldc + q] = Math.min(Math.max(acc, lo), hi);
            }
        }
    }
}
