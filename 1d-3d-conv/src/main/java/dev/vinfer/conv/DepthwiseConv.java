package dev.vinfer.conv;

import java.util.Arrays;

/**
 * Direct convolution for {@code G == C}: output channel m reads only input channel {@code m / (M/C)}. Any kernel,
 * stride, dilation, padding and rank (1-3); threads split the (image, channel) planes.
 *
 * <p>Each input plane is first copied into a <b>prepared plane</b> (thread-local scratch): padded with zeros to the
 * extent the output needs, and split into stride phases along every axis (phase {@code (pd % sD, ph % sH, pw % sW)}
 * of padded position (pd, ph, pw) is its own small plane {@code dq x hq x lw}, at index {@code (pd / sD, ph / sH,
 * pw / sW)}). In that layout output (od, oh, ow) reads tap (kd, kh, kw) at {@code q + tapOff[tap]} with
 * {@code q = (od * hq + oh) * lw + ow}: every tap is one constant offset, for any geometry. Output rows of at least
 * {@link #ROW_MIN} values are then computed row by row straight into the output with the bias and activation
 * ({@link Backend#depthwiseRows}); narrower planes (7x7, 14x14, where a row is less than a vector) as one flat run
 * of {@link Backend#depthwiseTaps} over the whole plane (the lanes for ow >= outW are computed and thrown away),
 * whose valid rows {@link Backend#compactRows} copies out with the bias and activation. No per-row or per-pixel
 * border code, and stride 2 is a vector deinterleave ({@link Backend#splitEvenOdd}) while copying, where the former
 * kernel paid set-up per row, pixel loops on the borders and a scalar phase split.
 *
 * <p>Two common geometries skip the prepared plane (session 4): 2D 3x3 pad 1 at stride 1, and at stride 2 when the
 * outputs never reach the bottom/right padding, with output rows of at least {@link #ROW_MIN}. Their planes are
 * computed straight from the input by {@link Backend#depthwise3x3Plane} and {@link Backend#depthwise3x3s2Plane}
 * (column strips sliding down the plane, each input row loaded once), 2-3x faster than the prepared path there.
 *
 * <p>The pads of the scratch are zeroed once per task: every plane of the same kernel writes exactly the same
 * positions, so they stay zero.
 */
final class DepthwiseConv extends PreparedConv {
    /** Output values per task below which planes are grouped into one task (so tiny planes are not one task each). */
    private static final int MIN_TASK_OUTPUTS = 4096;

    /**
     * Output rows at least this long are computed row by row straight into the output; shorter ones (less than the
     * widest vector, 16 floats) as one flat run over the whole plane, whose lanes then cross row ends.
     */
    static final int ROW_MIN = 16;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final ConvGeometry g;
    private final Shape3 s;
    private final float[] weights;
    private final float[] bias;
    private final Epilogue epilogue;
    private final int multiplier;
    /** Phase plane extents: ceil(needed padded extent / stride) per axis. */
    private final int dq, hq, lw;
    /** Values in one phase plane. */
    private final int phaseSize;
    private final int[] tapOff;
    /** Values of the flat tap run, rounded up to {@link Backend#DEPTHWISE_BLOCK}. */
    private final int flatLen;
    private final int preparedLen;
    private final int sumsLen;
    /**
     * 2D 3x3, stride 1, no dilation, pad 1 on every side, rows of at least {@link #ROW_MIN}: each plane is computed
     * straight from the input by {@link Backend#depthwise3x3Plane} (no prepared plane).
     */
    private final boolean inPlace3x3;
    /** 2D 3x3, stride 2, pad 1 top and left, outputs clear of the bottom/right edge: {@link Backend#depthwise3x3s2Plane}. */
    private final boolean inPlace3x3s2;

    private static final class Scratch {
        float[] prepared = new float[0];
        float[] sums = new float[0];
    }

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
        // Padded extent the outputs read: (out - 1) * stride + dilated kernel extent; never more than in + pads.
        this.dq = Math.ceilDiv((s.outD - 1) * s.sD + (s.kD - 1) * s.dD + 1, s.sD);
        this.hq = Math.ceilDiv((s.outH - 1) * s.sH + (s.kH - 1) * s.dH + 1, s.sH);
        this.lw = Math.ceilDiv((s.outW - 1) * s.sW + (s.kW - 1) * s.dW + 1, s.sW);
        this.phaseSize = Math.multiplyExact(Math.multiplyExact(dq, hq), lw);
        this.tapOff = new int[s.kernelSize()];
        int maxOff = 0;
        int t = 0;
        for (int kd = 0; kd < s.kD; kd++) {
            for (int kh = 0; kh < s.kH; kh++) {
                for (int kw = 0; kw < s.kW; kw++) {
                    int ed = kd * s.dD;
                    int eh = kh * s.dH;
                    int ew = kw * s.dW;
                    int phase = ((ed % s.sD) * s.sH + eh % s.sH) * s.sW + ew % s.sW;
                    tapOff[t] = phase * phaseSize + ((ed / s.sD) * hq + eh / s.sH) * lw + ew / s.sW;
                    maxOff = Math.max(maxOff, tapOff[t]);
                    t++;
                }
            }
        }
        int block = Backend.DEPTHWISE_BLOCK;
        int lastQ = ((s.outD - 1) * hq + s.outH - 1) * lw + s.outW - 1;
        this.flatLen = Math.ceilDiv(lastQ + 1, block) * block;
        int phases = s.sD * s.sH * s.sW;
        this.preparedLen = Math.max(Math.multiplyExact(phases, phaseSize), Math.addExact(flatLen, maxOff));
        // compactRows reads a whole block from the start of every row.
        this.sumsLen = flatLen + block;
        this.inPlace3x3 = inPlace3x3(s);
        this.inPlace3x3s2 = inPlace3x3s2(s);
    }

    /**
     * True for the geometry of {@link Backend#depthwise3x3s2Plane} with output rows of at least {@link #ROW_MIN}, or
     * of at least {@link #NARROW_S2_MIN} unless {@code -Dvinfer.depthwiseFlat=false}.
     */
    static boolean inPlace3x3s2(Shape3 s) {
        return s.inD == 1 && s.outD == 1 && s.kD == 1 && s.kH == 3 && s.kW == 3 && s.sH == 2 && s.sW == 2
                && s.dH == 1 && s.dW == 1 && s.pH == 1 && s.pW == 1 && 2 * s.outH <= s.inH && 2 * s.outW <= s.inW
                && (s.outW >= ROW_MIN || NARROW_IN_PLACE && s.outW >= NARROW_S2_MIN);
    }

    /**
     * Narrowest output rows of a 3x3 stride-2 plane read in place (session 9: the vector backend's masked strip,
     * {@code DepthwiseSlide3x3s2.narrow}), measured against the blocked kernel at MobileNetV2's 192@28 and 576@14
     * (see {@link AutoDepthwiseRule}); widths below 7 were not measured and stay blocked.
     */
    static final int NARROW_S2_MIN = 7;

    /**
     * Whether 3x3 stride-1 planes with rows narrower than {@link #ROW_MIN} but at least {@link #NARROW_MIN} also go to
     * {@link Backend#depthwise3x3Plane} (the vector backend runs them as one flat run, {@code DepthwiseFlat3x3};
     * session 6); {@code -Dvinfer.depthwiseFlat=false} restores the prepared-plane path here and the blocked kernel
     * in AUTO.
     */
    static final boolean NARROW_IN_PLACE = !"false".equals(System.getProperty("vinfer.depthwiseFlat"));

    /**
     * Narrowest output rows sent to the flat run. Paired against the blocked kernel (ConvPairedProbe, one thread, CPU
     * time, load 17, relu6): 384@14 0.84, 576@14 0.79, but 960@7 1.34 (4 vectors for 49 outputs, and the copy and
     * set-up per channel weigh more there); widths 8-13 were not measured and stay blocked.
     */
    static final int NARROW_MIN = 14;

    /** True for the geometry of {@link Backend#depthwise3x3Plane}: the rows MobileNet's stride-1 layers have. */
    static boolean inPlace3x3(Shape3 s) {
        return s.inD == 1 && s.outD == 1 && s.kD == 1 && s.kH == 3 && s.kW == 3 && s.sH == 1 && s.sW == 1
                && s.dH == 1 && s.dW == 1 && s.pH == 1 && s.pW == 1 && s.outH == s.inH && s.outW == s.inW
                && (s.outW >= ROW_MIN || NARROW_IN_PLACE && s.outW >= NARROW_MIN);
    }

    @Override
    void compute(float[] in, int inOff, float[] out, int outOff, float[] res, int resDelta, Parallel p) {
        int planes = g.batch() * g.outChannels();
        int minPlanes = Math.max(1, MIN_TASK_OUTPUTS / s.outPlane());
        if (inPlace3x3 || inPlace3x3s2) {
            p.forRange(planes, minPlanes, (from, to) -> {
                for (int plane = from; plane < to; plane++) {
                    int m = plane % g.outChannels();
                    int channel = (plane / g.outChannels()) * g.inChannels() + m / multiplier;
                    inPlane(m, in, inOff + channel * s.inPlane(), out, outOff + plane * s.outPlane(), res, resDelta);
                }
            });
            return;
        }
        p.forRange(planes, minPlanes, (from, to) -> {
            Scratch sc = SCRATCH.get();
            if (sc.prepared.length < preparedLen) {
                sc.prepared = new float[preparedLen];
            }
            if (sc.sums.length < sumsLen) {
                sc.sums = new float[sumsLen];
            }
            Arrays.fill(sc.prepared, 0, preparedLen, 0f);
            int preparedChannel = -1;
            for (int plane = from; plane < to; plane++) {
                int m = plane % g.outChannels();
                int n = plane / g.outChannels();
                int channel = n * g.inChannels() + m / multiplier;
                if (channel != preparedChannel) {
                    prepare(in, inOff + channel * s.inPlane(), sc.prepared);
                    preparedChannel = channel;
                }
                plane(m, sc, out, outOff + plane * s.outPlane(), res, resDelta);
            }
        });
    }

    /**
     * Output plane of channel m by {@link Backend#depthwise3x3Plane} or {@link Backend#depthwise3x3s2Plane}, read
     * straight from the input plane.
     */
    private void inPlane(int m, float[] in, int inBase, float[] out, int outBase, float[] res, int resDelta) {
        float b = bias == null ? 0f : bias[m];
        boolean direct = res == null;
        float b0 = direct ? b : 0f;
        Epilogue e0 = direct ? epilogue : Epilogue.NONE;
        if (inPlace3x3) {
            backend.depthwise3x3Plane(weights, m * 9, in, inBase, s.outH, s.outW, b0, e0, out, outBase);
        } else {
            backend.depthwise3x3s2Plane(weights, m * 9, in, inBase, s.inH, s.inW, s.outH, s.outW, b0, e0, out,
                    outBase);
        }
        if (direct) {
            return;
        }
        addResidual(out, outBase, s.outPlane(), res, resDelta);
        backend.biasEpilogue(out, outBase, s.outPlane(), b, epilogue);
    }

    /** Copies one input plane into the padded, phase-split layout (the pads are already zero). */
    private void prepare(float[] in, int inBase, float[] prep) {
        // Input indices whose padded position lies inside the needed extent.
        int dLo = Math.max(0, -s.pD);
        int dHi = Math.min(s.inD, dq * s.sD - s.pD);
        int hLo = Math.max(0, -s.pH);
        int hHi = Math.min(s.inH, hq * s.sH - s.pH);
        int wLo = Math.max(0, -s.pW);
        int wHi = Math.min(s.inW, lw * s.sW - s.pW);
        if (wLo >= wHi) {
            return;
        }
        for (int id = dLo; id < dHi; id++) {
            int pd = id + s.pD;
            for (int ih = hLo; ih < hHi; ih++) {
                int ph = ih + s.pH;
                int rowPhase = ((pd % s.sD) * s.sH + ph % s.sH) * s.sW;
                int rowIndex = ((pd / s.sD) * hq + ph / s.sH) * lw;
                int src = inBase + (id * s.inH + ih) * s.inW;
                if (s.sW == 1) {
                    System.arraycopy(in, src + wLo, prep, rowPhase * phaseSize + rowIndex + wLo + s.pW, wHi - wLo);
                    continue;
                }
                if (s.sW == 2) {
                    // Column wLo goes to phase p0 at index i0, wLo + 1 to the other phase at i0 + p0.
                    int p0 = (wLo + s.pW) % 2;
                    int i0 = (wLo + s.pW) / 2;
                    backend.splitEvenOdd(in, src + wLo, wHi - wLo, prep, (rowPhase + p0) * phaseSize + rowIndex + i0,
                            prep, (rowPhase + 1 - p0) * phaseSize + rowIndex + i0 + p0);
                    continue;
                }
                for (int p = 0; p < s.sW; p++) {
                    // First input column of phase p: (iw + pW) % sW == p.
                    int iw = wLo + Math.floorMod(p - wLo - s.pW, s.sW);
                    int dst = (rowPhase + p) * phaseSize + rowIndex + (iw + s.pW) / s.sW;
                    for (; iw < wHi; iw += s.sW) {
                        prep[dst++] = in[src + iw];
                    }
                }
            }
        }
    }

    /**
     * Output plane of channel m from the prepared input plane: rows of at least {@link #ROW_MIN} straight into the
     * output ({@link Backend#depthwiseRows}); narrower ones as one flat run into scratch, then copied out.
     */
    private void plane(int m, Scratch sc, float[] out, int outBase, float[] res, int resDelta) {
        int taps = s.kernelSize();
        float b = bias == null ? 0f : bias[m];
        boolean direct = res == null;
        float b0 = direct ? b : 0f;
        Epilogue e0 = direct ? epilogue : Epilogue.NONE;
        int slab = s.outH * s.outW;
        if (s.outW >= ROW_MIN) {
            for (int od = 0; od < s.outD; od++) {
                backend.depthwiseRows(taps, weights, m * taps, tapOff, sc.prepared, od * hq * lw, lw, s.outH, s.outW,
                        b0, e0, out, outBase + od * slab);
            }
        } else {
            backend.depthwiseTaps(taps, weights, m * taps, tapOff, sc.prepared, 0, sc.sums, 0, flatLen);
            for (int od = 0; od < s.outD; od++) {
                backend.compactRows(sc.sums, od * hq * lw, lw, s.outH, s.outW, b0, e0, out, outBase + od * slab);
            }
        }
        if (!direct) {
            addResidual(out, outBase, s.outPlane(), res, resDelta);
            backend.biasEpilogue(out, outBase, s.outPlane(), b, epilogue);
        }
    }
}
