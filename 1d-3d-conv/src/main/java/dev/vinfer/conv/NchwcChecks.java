package dev.vinfer.conv;

import static dev.vinfer.conv.NchwcLayout.BLOCK;

/**
 * Argument checks of the NCHWc {@link Backend} methods, shared by the backends that override them, so a bad call
 * fails with a message naming the operand instead of an index error deep in a vector loop.
 */
public final class NchwcChecks {
    private NchwcChecks() {
    }

    /** The weights ({@code g.weightLength()} floats from {@code wOff}) and optional bias a kernel is prepared from. */
    /**
     * The arrays of a blocked kernel's run: {@code inLength} floats of input from {@code inOff}, {@code outLength} of
     * output from {@code outOff}, and as many of the optional residual from {@code resOff}.
     */
    static void run(float[] in, int inOff, long inLength, float[] out, int outOff, long outLength, float[] res,
            int resOff) {
        NchwcPointwiseConv.check("input", in, inOff, inLength);
        NchwcPointwiseConv.check("output", out, outOff, outLength);
        if (res != null) {
            NchwcPointwiseConv.check("residual", res, resOff, outLength);
        }
    }

    static void weights(ConvGeometry g, float[] w, int wOff, float[] bias) {
        if (wOff < 0 || (long) wOff + g.weightLength() > w.length) {
            throw new IllegalArgumentException("weights: " + g.weightLength() + " floats from " + wOff + " of "
                    + w.length);
        }
        if (bias != null && bias.length < g.outChannels()) {
            throw new IllegalArgumentException("bias: " + bias.length + " values for " + g.outChannels() + " channels");
        }
    }

    /** The arguments of {@link Backend#nchwcScaleShift}. */
    public static void scaleShift(float[] in, int inOff, float[] out, int outOff, int positions, float[] a,
            float[] b, int abOff) {
        if (positions < 0) {
            throw new IllegalArgumentException("positions " + positions);
        }
        long len = (long) positions * BLOCK;
        NchwcPointwiseConv.check("input", in, inOff, len);
        NchwcPointwiseConv.check("output", out, outOff, len);
        NchwcPointwiseConv.check("scale", a, abOff, BLOCK);
        NchwcPointwiseConv.check("shift", b, abOff, BLOCK);
    }

    /** The arguments of {@link Backend#nchwcAverageRow}. */
    public static void averageRow(float[] in, int inOff, int rowStride, int kh, int kw, int stride, int cols,
            float[] out, int outOff) {
        if (kh < 1 || kw < 1 || stride < 1 || cols < 0 || rowStride < 0) {
            throw new IllegalArgumentException("average row: window " + kh + "x" + kw + ", stride " + stride + ", "
                    + cols + " columns, row stride " + rowStride);
        }
        if (cols == 0) {
            return;
        }
        long span = (long) (kh - 1) * rowStride + ((long) (cols - 1) * stride + kw) * BLOCK;
        NchwcPointwiseConv.check("pool input", in, inOff, span);
        NchwcPointwiseConv.check("pool output", out, outOff, (long) cols * BLOCK);
    }

    /** The arguments of {@link Backend#nchwcPointwise}. */
    public static void pointwise(int c, int pixels, int outChannels, int group, float[] w, int wOff, float[] bias,
            float[] x, int xOff, float[] res, int resDelta, float[] y, int yOff, int pxBegin, int pxEnd,
            int blockBegin, int blockEnd) {
        int outBlocks = NchwcLayout.blocks(outChannels);
        if (c < 1 || pixels < 1 || outChannels < 1 || group < 1 || pxBegin < 0 || pxBegin > pxEnd || pxEnd > pixels
                || blockBegin < 0 || blockBegin > blockEnd || blockEnd > outBlocks || blockBegin % group != 0) {
            throw new IllegalArgumentException("NCHWc pointwise: C " + c + ", " + pixels + " pixels, M " + outChannels
                    + ", group " + group + ", pixels [" + pxBegin + ", " + pxEnd + "), blocks [" + blockBegin + ", "
                    + blockEnd + ")");
        }
        long plane = (long) pixels * BLOCK;
        range("weights", w, wOff, (long) outBlocks * c * BLOCK);
        range("bias", bias, 0, (long) outBlocks * BLOCK);
        range("input", x, xOff, NchwcLayout.blocks(c) * plane);
        // only the blocks written: a caller may give one output group a scratch plane (a negative yOff that puts
        // blockBegin at its start, NchwcPointwiseConv.runMean)
        long written = (long) (blockEnd - blockBegin) * plane;
        range("output", y, yOff + blockBegin * plane, written);
        if (res != null) {
            range("residual", res, (long) yOff + resDelta + blockBegin * plane, written);
        }
    }

    /** The arguments of {@link Backend#nchwcDepthwise}. */
    public static void depthwise(ConvGeometry g, float[] coef, int cOff, float[] bias, int bOff, int lanes,
            float[] src, int sOff, float[] dst, int dOff, int rowBegin, int rowEnd) {
        if (g.rank() != 2 || lanes < 1 || lanes > BLOCK || rowBegin < 0 || rowBegin > rowEnd
                || rowEnd > g.outputDim(0)) {
            throw new IllegalArgumentException("NCHWc depthwise: " + g + ", " + lanes + " lanes, rows [" + rowBegin
                    + ", " + rowEnd + ")");
        }
        range("weights", coef, cOff, (long) g.kernelSize() * BLOCK);
        range("bias", bias, bOff, BLOCK);
        range("input", src, sOff, (long) g.inputPlane() * BLOCK);
        range("output", dst, dOff, (long) g.outputPlane() * BLOCK);
    }

    /** The arguments of {@link Backend#nchwcMaxPool}. */
    public static void maxPool(NchwcMaxPool pool, int lanes, float[] src, int sOff, float[] dst, int dOff,
            int rowBegin, int rowEnd) {
        if (lanes < 1 || lanes > BLOCK || rowBegin < 0 || rowBegin > rowEnd || rowEnd > pool.outH()) {
            throw new IllegalArgumentException("NCHWc max pool: " + pool + ", " + lanes + " lanes, rows [" + rowBegin
                    + ", " + rowEnd + ")");
        }
        range("input", src, sOff, (long) pool.inH() * pool.inW() * BLOCK);
        range("output", dst, dOff, (long) pool.outH() * pool.outW() * BLOCK);
    }

    /** The arguments of {@link Backend#nchwcAverage}. */
    public static void average(int channels, int spatial, float[] src, int sOff, float[] dst, int dOff) {
        if (channels < 1 || spatial < 1) {
            throw new IllegalArgumentException("NCHWc average of " + channels + " channels x " + spatial);
        }
        range("input", src, sOff, (long) NchwcLayout.blocks(channels) * spatial * BLOCK);
        range("output", dst, dOff, channels);
    }

    /** The arguments of {@link Backend#nchwcDirect}. */
    public static void direct(ConvGeometry g, int rows, int cols, int group, float[] w, int wOff, float[] bias,
            float[] x, int xOff, float[] res, int resDelta, float[] y, int yOff, int rowBegin, int rowEnd,
            int blockBegin, int blockEnd) {
        int outBlocks = NchwcLayout.blocks(g.outChannels());
        if (g.rank() != 2 || g.group() != 1 || group < 1 || rowBegin < 0 || rowBegin > rowEnd
                || rowEnd > g.outputDim(0) || blockBegin < 0 || blockBegin > blockEnd || blockEnd > outBlocks
                || blockBegin % group != 0
                || rows < (g.outputDim(0) - 1) * g.stride(0) + (g.kernel(0) - 1) * g.dilation(0) + 1
                || cols % g.stride(1) != 0
                || cols / g.stride(1) < g.outputDim(1) + (g.kernel(1) - 1) * g.dilation(1) / g.stride(1)) {
            throw new IllegalArgumentException("NCHWc direct: " + g + ", padded plane " + rows + "x" + cols
                    + ", group " + group + ", rows [" + rowBegin + ", " + rowEnd + "), blocks [" + blockBegin + ", "
                    + blockEnd + ")");
        }
        long outPlane = (long) g.outputPlane() * BLOCK;
        range("weights", w, wOff, (long) outBlocks * g.inChannels() * g.kernelSize() * BLOCK);
        range("bias", bias, 0, (long) outBlocks * BLOCK);
        range("input", x, xOff, NchwcLayout.blocks(g.inChannels()) * (long) rows * cols * BLOCK);
        range("output", y, yOff, outBlocks * outPlane);
        if (res != null) {
            range("residual", res, (long) yOff + resDelta, outBlocks * outPlane);
        }
    }

    /**
     * The arguments of {@link Backend#nchwcStridedWinogradInput}: every tile's {@code 2m + 1} rows and columns inside
     * the plane, every position's offset inside V, and the scratch.
     */
    public static void stridedWinogradInput(int m, float[] bte, float[] x, int xOff, int cols, int tilesPerRow,
            int tile0, int tiles, float[] v, int vOff, int[] posOff, float[] tmp, int tmpOff) {
        int t = 2 * m + 1;
        if (m < 1 || tiles < 0 || tile0 < 0 || tilesPerRow < 1 || (tilesPerRow - 1) * 2 * m + t > cols
                || bte.length < (m + 1) * (m + 1) || posOff.length < t * t) {
            throw new IllegalArgumentException("NCHWc strided Winograd input: m " + m + ", " + tilesPerRow
                    + " tiles a row in " + cols + " columns, first tile " + tile0 + ", " + posOff.length
                    + " position offsets");
        }
        range("scratch", tmp, tmpOff, (long) t * t * BLOCK);
        if (tiles == 0) {
            return;
        }
        int last = tile0 + tiles - 1;
        long lastOrigin = ((long) (last / tilesPerRow) * 2 * m * cols + (long) (last % tilesPerRow) * 2 * m) * BLOCK;
        range("input", x, xOff, lastOrigin + ((long) (t - 1) * cols + t) * BLOCK);
        positions("V", v, vOff, posOff, t * t, tiles);
    }

    /** The arguments of {@link Backend#nchwcStridedWinogradOutput}. */
    public static void stridedWinogradOutput(int m, float[] ate, float[] o, int oOff, int[] posOff, int tilesPerRow,
            int tile0, int tiles, float[] bias, int bOff, float[] res, int resDelta, float[] y, int yOff, int oh,
            int ow, float[] tmp, int tmpOff) {
        int t = 2 * m + 1;
        if (m < 1 || tiles < 0 || tile0 < 0 || tilesPerRow * m < ow || ate.length < m * (m + 1)
                || posOff.length < t * t || oh < 1 || ow < 1) {
            throw new IllegalArgumentException("NCHWc strided Winograd output: m " + m + ", " + tilesPerRow
                    + " tiles a row for " + ow + " columns, first tile " + tile0 + ", " + posOff.length
                    + " position offsets");
        }
        range("scratch", tmp, tmpOff, (long) t * t * BLOCK);
        range("bias", bias, bOff, BLOCK);
        range("output", y, yOff, (long) oh * ow * BLOCK);
        if (res != null) {
            range("residual", res, (long) yOff + resDelta, (long) oh * ow * BLOCK);
        }
        positions("O", o, oOff, posOff, t * t, tiles);
    }

    /** Every position's {@code tiles} vectors of 16 at {@code a[off + posOff[pos] + i * 16]} inside {@code a}. */
    private static void positions(String what, float[] a, int off, int[] posOff, int count, int tiles) {
        for (int pos = 0; pos < count; pos++) {
            long from = (long) off + posOff[pos];
            if (from < 0 || from + (long) tiles * BLOCK > a.length) {
                range(what + " position " + pos, a, from, (long) tiles * BLOCK); // throws, naming the position
            }
        }
    }

    private static void range(String what, float[] a, long off, long len) {
        if (off < 0 || off + len > a.length) {
            throw new IllegalArgumentException("NCHWc " + what + ": " + len + " floats from " + off + " of "
                    + a.length);
        }
    }
}
