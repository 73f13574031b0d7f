package dev.vinfer.conv;

/**
 * The im2col matrix ({@link Im2col}'s layout: row {@code (c, kd, kh, kw)}, one column per output pixel) for small
 * output planes, whose output rows are short (7 or 14 values on ResNet's last stages). {@link Im2col} walks each
 * tap's row segment by segment (one segment per output row, with a block copy and fills): at 7 values a segment the
 * per-segment work dominated (ResNet-50's 3x3 stride-2 512->512 @14x14: 0.45 ms, a sixth of the layer, to build
 * 4608 x 49 columns). Here the source offset of every (tap, pixel) pair, the same for every channel, is computed
 * once per call into a table ({@code -1} in the padding), and each column row is one flat loop over the pixels:
 * 0.1 ms on that layer.
 */
final class ShortRowIm2col {
    private ShortRowIm2col() {
    }

    /**
     * Fills {@code col[0 : channels * kernelSize, 0 : count]} (row length {@code count}) for output pixels
     * {@code [first, first + count)} of one image whose first input channel starts at {@code in[inBase]};
     * {@code table} holds at least {@code kernelSize * count} ints (scratch).
     */
    static void fill(Shape3 s, float[] in, int inBase, int channels, int first, int count, float[] col,
            int[] table) {
        int taps = s.kernelSize();
        int outHW = s.outH * s.outW;
        int t = 0;
        for (int kd = 0; kd < s.kD; kd++) {
            for (int kh = 0; kh < s.kH; kh++) {
                for (int kw = 0; kw < s.kW; kw++) {
                    int at = t * count;
                    for (int j = 0; j < count; j++) {
                        int pixel = first + j;
                        int od = pixel / outHW;
                        int oh = pixel % outHW / s.outW;
                        int ow = pixel % s.outW;
                        int id = od * s.sD - s.pD + kd * s.dD;
                        int ih = oh * s.sH - s.pH + kh * s.dH;
                        int iw = ow * s.sW - s.pW + kw * s.dW;
                        boolean inside = id >= 0 && id < s.inD && ih >= 0 && ih < s.inH && iw >= 0 && iw < s.inW;
                        table[at + j] = inside ? (id * s.inH + ih) * s.inW + iw : -1;
                    }
                    t++;
                }
            }
        }
        int inPlane = s.inPlane();
        int row = 0;
        for (int c = 0; c < channels; c++) {
            int base = inBase + c * inPlane;
            for (int tap = 0; tap < taps; tap++, row++) {
                int at = tap * count;
                int dst = row * count;
                for (int j = 0; j < count; j++) {
                    int v = table[at + j];
                    col[dst + j] = v < 0 ? 0f : in[base + v];
                }
            }
        }
    }
}
