package dev.vinfer.conv;

/**
 * A 1x1 unpadded convolution with a stride above 1 (ResNet's downsampling shortcuts, 1x1/2): it reads only every
 * stride-th pixel, so it is a pointwise convolution of the subsampled input. Per run the input is subsampled once
 * into a per-thread buffer (a quarter of the input for stride 2; one pass, in parallel over channels) and
 * {@link PointwiseConv} runs on it, with its fused epilogue and residual. (Small output planes stay on
 * {@link PixelRowsConv}, whose own im2col of a 1x1 kernel is such a subsampling, per pixel tile: the separate pass
 * measured no faster there.)
 *
 * <p>Why: as a general convolution the layer went through im2col's stride-phase split (a copy of the whole input),
 * the column matrix (another copy of the subsampled input), the GEMM's own packing of it and a bias pass: 73
 * GFLOP/s on ResNet-50's 256->512 @56x56/2 against the pointwise path's 90+. See bench/README.md, "Stride-2
 * convolutions, session 5".
 */
final class SubsampledPointwiseConv extends PreparedConv {
    private static final ThreadLocal<float[][]> BUFFER = ThreadLocal.withInitial(() -> new float[1][0]);
    /** Per thread: where the odd phase of a stride-2 row goes (dropped). */
    private static final ThreadLocal<float[][]> ODD = ThreadLocal.withInitial(() -> new float[1][0]);

    private final ConvGeometry g;
    private final Shape3 s;
    private final PointwiseConv inner;

    /** Whether {@code g} is a 1x1 unpadded convolution with some stride above 1 (and so is taken here). */
    static boolean applies(ConvGeometry g) {
        boolean strided = false;
        for (int d = 0; d < g.rank(); d++) {
            if (g.kernel(d) != 1 || g.padBegin(d) != 0 || g.padEnd(d) != 0) {
                return false;
            }
            strided |= g.stride(d) > 1;
        }
        return strided;
    }

    /** The stride-1 pointwise geometry on the subsampled input: same batch, channels, groups and output. */
    static ConvGeometry subsampled(ConvGeometry g) {
        int r = g.rank();
        int[] dims = new int[r];
        int[] ones = new int[r];
        for (int d = 0; d < r; d++) {
            dims[d] = g.outputDim(d);
            ones[d] = 1;
        }
        return ConvGeometry.builder().batch(g.batch()).channels(g.inChannels(), g.outChannels()).group(g.group())
                .input(dims).kernel(ones).build();
    }

    SubsampledPointwiseConv(ConvGeometry g, float[] w, int wOff, float[] bias, Epilogue e, Backend backend) {
        super(ConvAlgorithm.POINTWISE, backend, g.inputLength(), g.outputLength());
        if (!applies(g)) {
            throw new IllegalArgumentException("needs a 1x1 unpadded kernel with a stride above 1: " + g);
        }
        this.g = g;
        this.s = Shape3.of(g);
        this.inner = new PointwiseConv(subsampled(g), w, wOff, bias, e, backend);
    }

    @Override
    void compute(float[] in, int inOff, float[] out, int outOff, float[] res, int resDelta, Parallel p) {
        int channels = g.batch() * g.inChannels();
        int plane = g.outputPlane();
        float[][] holder = BUFFER.get();
        if (holder[0].length < (long) channels * plane) {
            holder[0] = new float[Math.multiplyExact(channels, plane)];
        }
        float[] sub = holder[0];
        Split split = take(spare);
        if (split == null) {
            split = new Split();
        }
        split.set(in, inOff, sub, 0, null, 0);
        try {
            p.forRange(channels, 8, split);
        } finally {
            give(spare, split);
        }
        // The inner kernel reads the buffer; the residual offset is relative to the output, which is unchanged.
        inner.compute(sub, 0, out, outOff, res, resDelta, p);
    }

    private final java.util.concurrent.atomic.AtomicReference<Split> spare =
            new java.util.concurrent.atomic.AtomicReference<>();

    /** One run's subsampling as a reused range body (no lambda allocated per run): {@code out} is the buffer. */
    private final class Split extends Call implements Parallel.RangeBody {
        @Override
        public void run(int c0, int c1) {
            subsample(in, inOff, c0, c1, out);
        }

        @Override
        public void run(int t) {
            throw new UnsupportedOperationException();
        }
    }

    /** Channels {@code [c0, c1)}: {@code sub[c][od][oh][ow] = in[c][od * sD][oh * sH][ow * sW]}. */
    private void subsample(float[] in, int inOff, int c0, int c1, float[] sub) {
        int inPlane = s.inD * s.inH * s.inW;
        int outPlane = s.outD * s.outH * s.outW;
        float[] odd = null;
        if (s.sW == 2 && s.outW >= 16) { // shorter rows: the split's masked vectors cost more than a plain loop
            float[][] h = ODD.get();
            if (h[0].length < s.outW) {
                h[0] = new float[s.outW];
            }
            odd = h[0];
        }
        for (int c = c0; c < c1; c++) {
            int dst = c * outPlane;
            for (int od = 0; od < s.outD; od++) {
                for (int oh = 0; oh < s.outH; oh++, dst += s.outW) {
                    int src = inOff + c * inPlane + (od * s.sD * s.inH + oh * s.sH) * s.inW;
                    if (odd != null) {
                        // 2 * outW - 1 values hold exactly outW even ones (the vectorized split of the backend).
                        backend.splitEvenOdd(in, src, 2 * s.outW - 1, sub, dst, odd, 0);
                    } else {
                        for (int ow = 0; ow < s.outW; ow++) {
                            sub[dst + ow] = in[src + ow * s.sW];
                        }
                    }
                }
            }
        }
    }
}
