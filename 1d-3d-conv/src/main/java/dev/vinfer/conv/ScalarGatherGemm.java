package dev.vinfer.conv;

import java.util.Arrays;

/**
 * The plain {@link GatherGemm} (the scalar backend's, and the reference for the vector kernel's layout): weights
 * transposed once to {@code [tap][channel][output]}, then per pixel a loop over taps and channels adding a
 * broadcast input value times a weight row into the pixel's output row.
 */
final class ScalarGatherGemm implements GatherGemm {
    /** Columns per panel: any value works here; 16 keeps m0 alignments the same as a 16-lane vector backend. */
    static final int PANEL = 16;

    private final int channels;
    private final int taps;
    private final int outputs;
    private final int width;
    /** {@code [tap][channel][width]}, width = outputs rounded up to {@link #PANEL}, zeros past outputs. */
    private final float[] wt;

    ScalarGatherGemm(int outputs, int channels, int taps, float[] w, int wOff) {
        this.channels = channels;
        this.taps = taps;
        this.outputs = outputs;
        this.width = Math.ceilDiv(outputs, PANEL) * PANEL;
        this.wt = new float[Math.multiplyExact(Math.multiplyExact(taps, channels), width)];
        for (int m = 0; m < outputs; m++) {
            for (int c = 0; c < channels; c++) {
                for (int t = 0; t < taps; t++) {
                    wt[(t * channels + c) * width + m] = w[wOff + (m * channels + c) * taps + t];
                }
            }
        }
    }

    @Override
    public int channels() {
        return channels;
    }

    @Override
    public int taps() {
        return taps;
    }

    @Override
    public int outputs() {
        return outputs;
    }

    @Override
    public int panelWidth() {
        return PANEL;
    }

    @Override
    public void run(float[] src, int sOff, int[] rowOff, int rOff, int count, int[] tapOff, int m0, int m1,
            float[] prod, int pOff, int ldp) {
        int cols = Math.ceilDiv(m1 - m0, PANEL) * PANEL;
        for (int i = 0; i < count; i++) {
            int row = pOff + i * ldp;
            Arrays.fill(prod, row, row + cols, 0f);
            for (int t = 0; t < taps; t++) {
                int a = sOff + rowOff[rOff + i] + tapOff[t];
                for (int c = 0; c < channels; c++) {
                    float v = src[a + c];
                    int wr = (t * channels + c) * width + m0;
                    for (int j = 0; j < cols; j++) {
                        prod[row + j] += v * wt[wr + j];
                    }
                }
            }
        }
    }
}
