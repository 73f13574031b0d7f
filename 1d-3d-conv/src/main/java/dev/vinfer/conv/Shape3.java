package dev.vinfer.conv;

/**
 * A geometry's spatial part seen as rank 3: missing outer dimensions become size 1 with kernel 1, stride 1,
 * dilation 1 and no padding. One 3-D loop nest then serves ranks 1, 2 and 3.
 *
 * <p>"in" and "out" are the operator's input and output; for a transposed convolution the pads apply to the
 * output, as in ONNX.
 */
final class Shape3 {
    final int inD, inH, inW;
    final int outD, outH, outW;
    final int kD, kH, kW;
    final int sD, sH, sW;
    final int dD, dH, dW;
    final int pD, pH, pW;

    private Shape3(int[] in, int[] out, int[] k, int[] s, int[] d, int[] p) {
        inD = in[0];
        inH = in[1];
        inW = in[2];
        outD = out[0];
        outH = out[1];
        outW = out[2];
        kD = k[0];
        kH = k[1];
        kW = k[2];
        sD = s[0];
        sH = s[1];
        sW = s[2];
        dD = d[0];
        dH = d[1];
        dW = d[2];
        pD = p[0];
        pH = p[1];
        pW = p[2];
    }

    static Shape3 of(ConvGeometry g) {
        int r = g.rank();
        int[][] v = new int[6][3];
        for (int i = 0; i < 3; i++) {
            int d = i - (3 - r);
            boolean real = d >= 0;
            v[0][i] = real ? g.inputDim(d) : 1;
            v[1][i] = real ? g.outputDim(d) : 1;
            v[2][i] = real ? g.kernel(d) : 1;
            v[3][i] = real ? g.stride(d) : 1;
            v[4][i] = real ? g.dilation(d) : 1;
            v[5][i] = real ? g.padBegin(d) : 0;
        }
        return new Shape3(v[0], v[1], v[2], v[3], v[4], v[5]);
    }

    static Shape3 of(ConvTransposeGeometry g) {
        int r = g.rank();
        int[][] v = new int[6][3];
        for (int i = 0; i < 3; i++) {
            int d = i - (3 - r);
            boolean real = d >= 0;
            v[0][i] = real ? g.inputDim(d) : 1;
            v[1][i] = real ? g.outputDim(d) : 1;
            v[2][i] = real ? g.kernel(d) : 1;
            v[3][i] = real ? g.stride(d) : 1;
            v[4][i] = real ? g.dilation(d) : 1;
            v[5][i] = real ? g.padBegin(d) : 0;
        }
        return new Shape3(v[0], v[1], v[2], v[3], v[4], v[5]);
    }

    int inPlane() {
        return inD * inH * inW;
    }

    int outPlane() {
        return outD * outH * outW;
    }

    int kernelSize() {
        return kD * kH * kW;
    }

    /** The first input row (along H) a tap of output row {@code oy} reads, at least 0. */
    int firstRowRead(int oy) {
        return Math.max(0, oy * sH - pH);
    }

    /** The last input row (along H) a tap of output row {@code oy} reads, at most {@code inH - 1}. */
    int lastRowRead(int oy) {
        return Math.min(inH - 1, oy * sH + (kH - 1) * dH - pH);
    }

    /** The first input plane (along D) a tap of output plane {@code oz} reads, at least 0. */
    int firstPlaneRead(int oz) {
        return Math.max(0, oz * sD - pD);
    }

    /** The last input plane (along D) a tap of output plane {@code oz} reads, at most {@code inD - 1}. */
    int lastPlaneRead(int oz) {
        return Math.min(inD - 1, oz * sD + (kD - 1) * dD - pD);
    }

    /**
     * The first {@code x >= 0} with {@code x * stride + offset >= 0}: where a strided walk starting at
     * {@code offset} enters the valid range.
     */
    static int firstInside(int offset, int stride) {
        return offset >= 0 ? 0 : Math.ceilDiv(-offset, stride);
    }

    /**
     * One past the last {@code x < count} with {@code x * stride + offset < limit}, and never below
     * {@code firstInside}: where a strided walk leaves the valid range.
     */
    static int endInside(int offset, int stride, int limit, int count) {
        int end = limit - 1 - offset < 0 ? 0 : Math.floorDiv(limit - 1 - offset, stride) + 1;
        return Math.max(firstInside(offset, stride), Math.min(count, end));
    }
}
