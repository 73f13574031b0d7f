package dev.vinfer.conv;

import java.util.Arrays;

/**
 * Direct convolution for {@code G == C}: output channel m reads only input channel {@code m / (M/C)}. Any kernel,
 * stride, dilation, padding and rank; threads split the (image, channel) planes. Each plane is computed with
 * {@link Backend#combine}, vectorized across output pixels, in one of two ways:
 * <ul>
 * <li><b>"same" stride-1 planes</b> (output plane shape = input plane shape, the usual 3x3/5x5 pad-1/2 case): an
 * output pixel's flat index is its input centre's flat index, so every tap is one constant offset and the whole
 * plane is a single combination of {@code kernel size} shifted copies of the input plane. The pixels whose taps
 * cross the padding (where the flat shift wraps to a neighbouring row or leaves the plane) are then recomputed
 * one by one.</li>
 * <li><b>otherwise</b>, one combination per output row over the interior columns (those where every tap of the row
 * lands inside the input), with the border columns done one by one. For a W stride above 1 the input rows are
 * first split into stride phases ({@code x[j*s + p]} for each phase p), which makes every tap a contiguous row.</li>
 * </ul>
 * The bias and the epilogue then run over the finished plane. Scratch (strided case only): one phase-split input
 * plane per thread ({@link ThreadLocal}, kept).
 */
final class DepthwiseConv extends PreparedConv {
    /** Output values per task below which planes are grouped into one task (so tiny planes are not one task each). */
    private static final int MIN_TASK_OUTPUTS = 4096;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final ConvGeometry g;
    private final Shape3 s;
    private final float[] weights;
    private final float[] bias;
    private final Epilogue epilogue;
    private final int multiplier;
    private final boolean samePlane;
    /** "same" planes: flat offset of each tap. */
    private final int[] tapOffsets;
    /** Phase-split rows: length of one phase, {@code ceil(inW / sW)}. */
    private final int phaseLen;
    /** "same" planes: columns in the right padding band ({@code padEnd} of W). */
    private final int bandRight;

    DepthwiseConv(ConvGeometry g, float[] w, int wOff, float[] bias, Epilogue e, Backend backend) {
        super(ConvAlgorithm.DEPTHWISE, backend, g.inputLength(), g.outputLength());
        if (!g.isDepthwise()) {
            throw new IllegalArgumentException("DEPTHWISE needs group == input channels: " + g);
        }
        this.g = g;
        this.s = Shape3.of(g);
        this.bias = checkedBias(w, wOff, g.weightLength(), bias, g.outChannels());
        this.weights = Arrays.copyOfRange(w, wOff, wOff + g.weightLength());
        this.epilogue = e;
        this.multiplier = g.outChannels() / g.inChannels();
        this.samePlane = s.sD == 1 && s.sH == 1 && s.sW == 1 && s.outD == s.inD && s.outH == s.inH
                && s.outW == s.inW;
        this.tapOffsets = new int[s.kernelSize()];
        int t = 0;
        for (int kd = 0; kd < s.kD; kd++) {
            for (int kh = 0; kh < s.kH; kh++) {
                for (int kw = 0; kw < s.kW; kw++) {
                    tapOffsets[t++] = ((kd * s.dD - s.pD) * s.inH + kh * s.dH - s.pH) * s.inW + kw * s.dW - s.pW;
                }
            }
        }
        this.phaseLen = Math.ceilDiv(s.inW, s.sW);
        this.bandRight = Math.max(0, (s.kW - 1) * s.dW - s.pW);
    }

    private static final class Scratch {
        float[] phases = new float[0];
        int[] srcOff = new int[0];
        int[] dstOff = new int[1];
        float[] coef = new float[0];
        /** "same" planes: gathered input columns, and one output column. */
        float[] columns = new float[0];
        float[] column = new float[0];
    }

    @Override
    void compute(float[] in, int inOff, float[] out, int outOff, float[] res, int resDelta, Parallel p) {
        int planes = g.batch() * g.outChannels();
        int minPlanes = Math.max(1, MIN_TASK_OUTPUTS / s.outPlane());
        p.forRange(planes, minPlanes, (from, to) -> {
            Scratch sc = SCRATCH.get();
            int taps = s.kernelSize();
            if (sc.srcOff.length < taps) {
                sc.srcOff = new int[taps];
                sc.coef = new float[taps];
            }
            for (int plane = from; plane < to; plane++) {
                plane(plane, in, inOff, out, outOff, res, resDelta, sc);
            }
        });
    }

    private void plane(int plane, float[] in, int inOff, float[] out, int outOff, float[] res, int resDelta,
            Scratch sc) {
        int m = plane % g.outChannels();
        int n = plane / g.outChannels();
        int inBase = inOff + (n * g.inChannels() + m / multiplier) * s.inPlane();
        int outBase = outOff + plane * s.outPlane();
        int wBase = m * s.kernelSize();
        if (samePlane) {
            samePlane(in, inBase, out, outBase, wBase, sc);
        } else {
            rows(in, inBase, out, outBase, wBase, sc);
        }
        addResidual(out, outBase, s.outPlane(), res, resDelta);
        float b = bias == null ? 0f : bias[m];
        backend.biasEpilogue(out, outBase, s.outPlane(), b, epilogue);
    }

    /**
     * Output plane shape = input plane shape, stride 1: one flat combination over the pixels whose every tap offset
     * stays inside the plane (taps in the W padding then read the neighbouring row); then the columns of the W
     * padding bands are redone column-wise ({@link #bandColumn}) and the rows with a tap in the D/H padding
     * row-wise.
     */
    private void samePlane(float[] in, int inBase, float[] out, int outBase, int wBase, Scratch sc) {
        int taps = s.kernelSize();
        int plane = s.inPlane();
        int minOff = 0;
        int maxOff = 0;
        for (int t = 0; t < taps; t++) {
            minOff = Math.min(minOff, tapOffsets[t]);
            maxOff = Math.max(maxOff, tapOffsets[t]);
        }
        int lo = -minOff;
        int hi = plane - maxOff;
        if (lo < hi) {
            for (int t = 0; t < taps; t++) {
                sc.srcOff[t] = inBase + lo + tapOffsets[t];
            }
            sc.dstOff[0] = outBase + lo;
            backend.combine(1, taps, weightsOf(wBase, sc), in, sc.srcOff, out, sc.dstOff, hi - lo, false);
        }
        int leftCols = Math.min(s.pW, s.outW);
        int rightFrom = Math.max(leftCols, s.outW - bandRight);
        for (int ow = 0; ow < leftCols; ow++) {
            bandColumn(in, inBase, out, outBase, wBase, ow, sc);
        }
        for (int ow = rightFrom; ow < s.outW; ow++) {
            bandColumn(in, inBase, out, outBase, wBase, ow, sc);
        }
        int[] cols = {0, 0};
        interior(cols);
        for (int od = 0; od < s.outD; od++) {
            boolean dBorder = od - s.pD < 0 || od - s.pD + (s.kD - 1) * s.dD >= s.inD;
            for (int oh = 0; oh < s.outH; oh++) {
                if (dBorder || oh - s.pH < 0 || oh - s.pH + (s.kH - 1) * s.dH >= s.inH) {
                    row(in, inBase, s.inW, in, inBase, out, outBase, wBase, od, oh, cols[0], cols[1], sc);
                }
            }
        }
    }

    /**
     * Output column {@code ow} of a W padding band, for every row whose D/H taps are all inside (the others are
     * border rows, redone by {@link #row} afterwards): the input columns its inside taps read are gathered into
     * contiguous rows, where the (D, H) plane of rows is "same" as well, so the column is one combination over the
     * rows with a constant offset per tap, then scattered back. About three passes over a column instead of a sum
     * per pixel.
     */
    private void bandColumn(float[] in, int inBase, float[] out, int outBase, int wBase, int ow, Scratch sc) {
        int rows = s.inD * s.inH;
        if (sc.columns.length < s.kW * rows) {
            sc.columns = new float[s.kW * rows];
        }
        if (sc.column.length < rows) {
            sc.column = new float[rows];
        }
        float[] colBuf = sc.columns;
        float[] coef = sc.coef;
        int kws = 0;
        int taps = 0;
        int minOff = 0;
        int maxOff = 0;
        for (int kw = 0; kw < s.kW; kw++) {
            int iw = ow - s.pW + kw * s.dW;
            if (iw < 0 || iw >= s.inW) {
                continue;
            }
            int dst = kws * rows;
            for (int r = 0; r < rows; r++) {
                colBuf[dst + r] = in[inBase + r * s.inW + iw];
            }
            for (int kd = 0; kd < s.kD; kd++) {
                for (int kh = 0; kh < s.kH; kh++) {
                    int off = (kd * s.dD - s.pD) * s.inH + kh * s.dH - s.pH;
                    minOff = Math.min(minOff, off);
                    maxOff = Math.max(maxOff, off);
                    sc.srcOff[taps] = dst + off;
                    coef[taps++] = weights[wBase + (kd * s.kH + kh) * s.kW + kw];
                }
            }
            kws++;
        }
        int lo = -minOff;
        int hi = rows - maxOff;
        if (lo >= hi) {
            return; // every row is a border row
        }
        float[] col = sc.column;
        if (taps == 0) {
            Arrays.fill(col, lo, hi, 0f);
        } else {
            for (int t = 0; t < taps; t++) {
                sc.srcOff[t] += lo;
            }
            sc.dstOff[0] = lo;
            backend.combine(1, taps, coef, colBuf, sc.srcOff, col, sc.dstOff, hi - lo, false);
        }
        for (int r = lo; r < hi; r++) {
            out[outBase + r * s.outW + ow] = col[r];
        }
    }

    /** The output columns {@code [cols[0], cols[1])} where every kw tap lands inside the input row. */
    private void interior(int[] cols) {
        int lo = 0;
        int hi = s.outW;
        for (int kw = 0; kw < s.kW; kw++) {
            int e = kw * s.dW - s.pW; // iw = ow * sW + e
            lo = Math.max(lo, Shape3.firstInside(e, s.sW));
            hi = Math.min(hi, Shape3.endInside(e, s.sW, s.inW, s.outW));
        }
        cols[0] = Math.min(lo, s.outW);
        cols[1] = Math.max(cols[0], Math.min(hi, s.outW));
    }

    /** General case: every output row through {@link #row}. */
    private void rows(float[] in, int inBase, float[] out, int outBase, int wBase, Scratch sc) {
        float[] src = in;
        int srcBase = inBase;
        int rowStride = s.inW;
        if (s.sW > 1) {
            // Phase-split every input row: row r, phase p, position j holds x[r][j * sW + p] (0 past the row).
            int rows = s.inD * s.inH;
            rowStride = s.sW * phaseLen;
            if (sc.phases.length < rows * rowStride) {
                sc.phases = new float[rows * rowStride];
            }
            float[] ph = sc.phases;
            for (int r = 0; r < rows; r++) {
                int from = inBase + r * s.inW;
                for (int p = 0; p < s.sW; p++) {
                    int d = r * rowStride + p * phaseLen;
                    int j = 0;
                    for (int x = p; x < s.inW; x += s.sW) {
                        ph[d + j++] = in[from + x];
                    }
                    for (; j < phaseLen; j++) {
                        ph[d + j] = 0f;
                    }
                }
            }
            src = ph;
            srcBase = 0;
        }
        int[] cols = {0, 0};
        interior(cols);
        for (int od = 0; od < s.outD; od++) {
            for (int oh = 0; oh < s.outH; oh++) {
                row(src, srcBase, rowStride, in, inBase, out, outBase, wBase, od, oh, cols[0], cols[1], sc);
            }
        }
    }

    /**
     * One output row: columns {@code [lo, hi)} in one combination of the valid (kd, kh) rows' taps read from
     * {@code src} (the input, or its phase-split copy with rows {@code rowStride} apart), the others per pixel.
     */
    private void row(float[] src, int srcBase, int rowStride, float[] in, int inBase, float[] out, int outBase,
            int wBase, int od, int oh, int lo, int hi, Scratch sc) {
        int row = outBase + (od * s.outH + oh) * s.outW;
        float[] coef = sc.coef;
        if (lo < hi) {
            int taps = 0;
            for (int kd = 0; kd < s.kD; kd++) {
                int id = od * s.sD - s.pD + kd * s.dD;
                if (id < 0 || id >= s.inD) {
                    continue;
                }
                for (int kh = 0; kh < s.kH; kh++) {
                    int ih = oh * s.sH - s.pH + kh * s.dH;
                    if (ih < 0 || ih >= s.inH) {
                        continue;
                    }
                    int inRow = srcBase + (id * s.inH + ih) * rowStride;
                    for (int kw = 0; kw < s.kW; kw++) {
                        int e = kw * s.dW - s.pW;
                        int col = s.sW == 1 ? e : Math.floorMod(e, s.sW) * phaseLen + Math.floorDiv(e, s.sW);
                        sc.srcOff[taps] = inRow + lo + col;
                        coef[taps++] = weights[wBase + (kd * s.kH + kh) * s.kW + kw];
                    }
                }
            }
            if (taps == 0) {
                Arrays.fill(out, row + lo, row + hi, 0f);
            } else {
                sc.dstOff[0] = row + lo;
                backend.combine(1, taps, coef, src, sc.srcOff, out, sc.dstOff, hi - lo, false);
            }
        }
        for (int ow = 0; ow < lo; ow++) {
            out[row + ow] = pixel(in, inBase, wBase, od, oh, ow);
        }
        for (int ow = Math.max(lo, hi); ow < s.outW; ow++) {
            out[row + ow] = pixel(in, inBase, wBase, od, oh, ow);
        }
    }

    private float[] weightsOf(int wBase, Scratch sc) {
        System.arraycopy(weights, wBase, sc.coef, 0, s.kernelSize());
        return sc.coef;
    }

    /** One output value (before bias), every tap bounds-checked. */
    private float pixel(float[] in, int inBase, int wBase, int od, int oh, int ow) {
        float sum = 0f;
        for (int kd = 0; kd < s.kD; kd++) {
            int id = od * s.sD - s.pD + kd * s.dD;
            if (id < 0 || id >= s.inD) {
                continue;
            }
            for (int kh = 0; kh < s.kH; kh++) {
                int ih = oh * s.sH - s.pH + kh * s.dH;
                if (ih < 0 || ih >= s.inH) {
                    continue;
                }
                int inRow = inBase + (id * s.inH + ih) * s.inW;
                int wRow = wBase + (kd * s.kH + kh) * s.kW;
                for (int kw = 0; kw < s.kW; kw++) {
                    int iw = ow * s.sW - s.pW + kw * s.dW;
                    if (iw >= 0 && iw < s.inW) {
                        sum = Math.fma(weights[wRow + kw], in[inRow + iw], sum);
                    }
                }
            }
        }
        return sum;
    }
}
