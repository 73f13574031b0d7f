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
    /** Channels per product block: the scalar backend's channel block ({@code depthwiseChannelBlock()}). */
    static final int BLOCK = 8;

    /** Per thread, one output pixel's sums (grown once; steady-state runs allocate nothing). */
    private static final ThreadLocal<float[][]> ACC = ThreadLocal.withInitial(() -> new float[1][0]);
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
    public int laneBlock() {
        return BLOCK;
    }

    @Override
    public void run(float[] src, int sOff, int[] rowOff, int rOff, int count, int[] tapOff, int m0, int m1,
            float[] prod, int pOff, int ldb) {
        if (m0 % PANEL != 0 || m0 < 0 || m1 > outputs || m0 > m1 || ldb < count * BLOCK) {
            throw new IllegalArgumentException("columns [" + m0 + ", " + m1 + ") of " + outputs + ", block stride "
                    + ldb);
        }
        int cols = Math.ceilDiv(m1 - m0, PANEL) * PANEL;
        float[][] holder = ACC.get();
        if (holder[0].length < cols) {
            holder[0] = new float[cols];
        }
        float[] acc = holder[0];
        for (int i = 0; i < count; i++) {
            Arrays.fill(acc, 0, cols, 0f);
            for (int t = 0; t < taps; t++) {
                int a = sOff + rowOff[rOff + i] + tapOff[t];
                for (int c = 0; c < channels; c++) {
                    float v = src[a + c];
                    int wr = (t * channels + c) * width + m0;
                    for (int j = 0; j < cols; j++) {
                        acc[j] += v * wt[wr + j];
                    }
                }
            }
            for (int j = 0; j < cols; j++) {
                prod[pOff + j / BLOCK * ldb + i * BLOCK + j % BLOCK] = acc[j];
            }
        }
    }
}
