package dev.vinfer.conv;

/**
 * The adjoint of {@link Im2col}, for transposed convolution: each column-matrix row {@code (m, kd, kh, kw)} holds,
 * for a range of input pixels, the contribution that kernel tap makes to the output pixel it lands on; col2im adds
 * them there (several taps and pixels may land on the same output, hence add, never store).
 */
final class Col2im {
    private Col2im() {
    }

    /**
     * Adds {@code col} (rows {@code channels * kernelSize}, row length {@code count}, starting at {@code colOff}) for
     * input pixels {@code [first, first + count)} into {@code channels} output planes starting at {@code out[outBase]}.
     */
    static void add(Shape3 s, float[] col, int colOff, int channels, int first, int count, float[] out,
            int outBase) {
        int outPlane = s.outPlane();
        int inHW = s.inH * s.inW;
        int row = 0;
        for (int c = 0; c < channels; c++) {
            int outC = outBase + c * outPlane;
            for (int kd = 0; kd < s.kD; kd++) {
                for (int kh = 0; kh < s.kH; kh++) {
                    for (int kw = 0; kw < s.kW; kw++) {
                        addRow(s, col, colOff + row * count, kd, kh, kw, first, count, out, outC, inHW);
                        row++;
                    }
                }
            }
        }
    }

    /** One tap's row, walked one input row (fixed id, ih) segment at a time. */
    private static void addRow(Shape3 s, float[] col, int srcRow, int kd, int kh, int kw, int first, int count,
            float[] out, int outC, int inHW) {
        int id = first / inHW;
        int ih = first % inHW / s.inW;
        int iw = first % s.inW;
        int owShift = kw * s.dW - s.pW; // ow = iw * sW + owShift
        int lo = Shape3.firstInside(owShift, s.sW);
        int hi = Shape3.endInside(owShift, s.sW, s.outW, s.inW);
        int j = 0;
        while (j < count) {
            int len = Math.min(s.inW - iw, count - j);
            int end = iw + len;
            int od = id * s.sD - s.pD + kd * s.dD;
            int oh = ih * s.sH - s.pH + kh * s.dH;
            if (od >= 0 && od < s.outD && oh >= 0 && oh < s.outH) {
                int a = Math.min(Math.max(lo, iw), end);
                int b = Math.max(a, Math.min(hi, end));
                int src = srcRow + j - iw; // src + x addresses input column x
                int dst = outC + (od * s.outH + oh) * s.outW + owShift;
                if (s.sW == 1) {
                    for (int x = a; x < b; x++) {
                        out[dst + x] += col[src + x];
                    }
                } else {
                    for (int x = a; x < b; x++) {
                        out[dst + x * s.sW] += col[src + x];
                    }
                }
            }
            j += len;
            iw = 0;
            if (++ih == s.inH) {
                ih = 0;
                id++;
            }
        }
    }
}
