package dev.vinfer.conv;

import java.util.Arrays;

/**
 * Builds the im2col matrix for a range of output pixels: row {@code (c, kd, kh, kw)} holds, for each output pixel,
 * the input value that kernel tap meets there (0 in the padding). Then output = weights x columns.
 */
final class Im2col {
    private Im2col() {
    }

    /**
     * Fills {@code col[0 : channels * kernelSize, 0 : count]} (row-major, row length {@code count}) for output pixels
     * {@code [first, first + count)} of one image, whose first input channel starts at {@code in[inBase]}.
     */
    static void fill(Shape3 s, float[] in, int inBase, int channels, int first, int count, float[] col) {
        fill(s, in, inBase, s.inPlane(), s.inW, 0, channels, first, count, col);
    }

    /**
     * Length of one stride phase of an input row, {@code ceil(inW / sW)}: see {@link #splitPhases}.
     */
    static int phaseLen(Shape3 s) {
        return Math.ceilDiv(s.inW, s.sW);
    }

    /**
     * Copies {@code channels} input planes into the phase-split layout {@link #fill(Shape3, float[], int, int, int,
     * int, int, int, int, float[])} reads when the W stride is above 1: each input row becomes {@code sW} rows of
     * {@link #phaseLen} values, phase p holding {@code x[j * sW + p]} (zero past the row's end). A tap then reads a
     * contiguous run of a phase row, so im2col becomes block copies instead of strided gathers.
     */
    static void splitPhases(Shape3 s, float[] in, int inBase, int channels, float[] dst, int dstBase) {
        int len = phaseLen(s);
        int rows = channels * s.inD * s.inH;
        for (int r = 0; r < rows; r++) {
            int from = inBase + r * s.inW;
            for (int p = 0; p < s.sW; p++) {
                int d = dstBase + (r * s.sW + p) * len;
                int j = 0;
                for (int x = p; x < s.inW; x += s.sW, j++) {
                    dst[d + j] = in[from + x];
                }
                for (; j < len; j++) {
                    dst[d + j] = 0f;
                }
            }
        }
    }

    /**
     * The general form: input planes {@code inPlane} apart, rows {@code rowStride} apart; with {@code phaseLen > 0}
     * the rows are in {@link #splitPhases}' layout (rowStride = sW * phaseLen).
     */
    static void fill(Shape3 s, float[] in, int inBase, int inPlane, int rowStride, int phaseLen, int channels,
            int first, int count, float[] col) {
        int outHW = s.outH * s.outW;
        int row = 0;
        for (int c = 0; c < channels; c++) {
            int inC = inBase + c * inPlane;
            for (int kd = 0; kd < s.kD; kd++) {
                for (int kh = 0; kh < s.kH; kh++) {
                    for (int kw = 0; kw < s.kW; kw++) {
                        fillRow(s, in, inC, rowStride, phaseLen, kd, kh, kw, first, count, col, row * count, outHW);
                        row++;
                    }
                }
            }
        }
    }

    /** One tap's row, walked one output row (fixed od, oh) segment at a time. */
    private static void fillRow(Shape3 s, float[] in, int inC, int rowStride, int phaseLen, int kd, int kh, int kw,
            int first, int count, float[] col, int dstRow, int outHW) {
        int od = first / outHW;
        int oh = first % outHW / s.outW;
        int ow = first % s.outW;
        int iwShift = kw * s.dW - s.pW; // iw = ow * sW + iwShift
        int lo = Shape3.firstInside(iwShift, s.sW);
        int hi = Shape3.endInside(iwShift, s.sW, s.inW, s.outW);
        int j = 0;
        while (j < count) {
            int len = Math.min(s.outW - ow, count - j);
            int dst = dstRow + j - ow; // so that dst + ow' addresses output column ow'
            int id = od * s.sD - s.pD + kd * s.dD;
            int ih = oh * s.sH - s.pH + kh * s.dH;
            int end = ow + len;
            if (id < 0 || id >= s.inD || ih < 0 || ih >= s.inH) {
                Arrays.fill(col, dst + ow, dst + end, 0f);
            } else {
                int a = Math.min(Math.max(lo, ow), end);
                int b = Math.max(a, Math.min(hi, end));
                Arrays.fill(col, dst + ow, dst + a, 0f);
                int src = inC + (id * s.inH + ih) * rowStride + iwShift;
                if (a == b) {
                    // Nothing inside (arraycopy would reject the out-of-range start even for length 0).
                } else if (s.sW == 1) {
                    System.arraycopy(in, src + a, col, dst + a, b - a);
                } else if (phaseLen > 0) {
                    // Column ow reads phase (iwShift mod sW) at position ow + floorDiv(iwShift, sW).
                    int at = inC + (id * s.inH + ih) * rowStride + Math.floorMod(iwShift, s.sW) * phaseLen
                            + Math.floorDiv(iwShift, s.sW);
                    System.arraycopy(in, at + a, col, dst + a, b - a);
                } else {
                    for (int x = a; x < b; x++) {
                        col[dst + x] = in[src + x * s.sW];
                    }
                }
                Arrays.fill(col, dst + b, dst + end, 0f);
            }
            j += len;
            ow = 0;
            if (++oh == s.outH) {
                oh = 0;
                od++;
            }
        }
    }
}
