package dev.vinfer.conv;

/**
 * {@link ConvAlgorithm#SAME_DIRECT}: a 1-D or 2-D, one-group, stride-1 convolution with "same" zero padding (odd
 * kernel, pads of {@code k/2 * dilation} on both sides) computed by the register-blocked direct row kernel of
 * {@link SliceConv3d} (one depth tap). Meant for large kernels on few channels, such as a style-transfer net's
 * 9x9 stem (3 -> 16/32) and head (16/32 -> 3): there im2col builds a K = C x 81 column matrix per pixel and
 * feeds a GEMM whose M (output channels) or K dimension is tiny, so the micro-kernel tiles run mostly empty, while
 * the direct kernel keeps 4 output channels x 4 vectors of one output row in registers and streams the taps.
 *
 * <p>Per run and image the input is copied into a zero-bordered {@link PlaneLayout} (so the kernel needs no bounds
 * tests) and the output is computed into a layout with row slack, then copied out dense; the residual and any
 * epilogue other than ReLU are applied during that copy. Both copies are cheap next to the {@code C x k x k}
 * multiply-adds per output element this algorithm is chosen for.
 */
final class SameDirectConv extends PreparedConv {
    private final ConvGeometry g;
    /** The packed kernel without activation, and with its ReLU store when the epilogue is ReLU (else null). */
    private final SliceConv3d plain;
    private final SliceConv3d withRelu;
    private final Epilogue epilogue;
    private final int height;
    private final int width;
    private final PlaneLayout inLayout;
    private final PlaneLayout outLayout;

    SameDirectConv(ConvGeometry g, float[] w, int wOff, float[] bias, Epilogue e, Backend backend) {
        super(ConvAlgorithm.SAME_DIRECT, backend, g.inputLength(), g.outputLength());
        this.g = g;
        float[] b = checkedBias(w, wOff, g.weightLength(), bias, g.outChannels());
        boolean twoD = g.rank() == 2;
        int kh = twoD ? g.kernel(0) : 1;
        int kw = g.kernel(g.rank() - 1);
        int dh = twoD ? g.dilation(0) : 1;
        int dw = g.dilation(g.rank() - 1);
        this.height = twoD ? g.inputDim(0) : 1;
        this.width = g.inputDim(g.rank() - 1);
        this.epilogue = e;
        int[] k = {1, kh, kw};
        int[] d = {1, dh, dw};
        // 2 or 3 output channels are padded to one block of 4 with zero weights: the kernel then loads each input
        // vector once for 4 FMAs instead of once per channel (its 1-channel block is load-bound).
        int outC = g.outChannels();
        int blockC = outC == 2 || outC == 3 ? SliceConv3d.BLOCK : outC;
        float[] wk = w;
        int wk0 = wOff;
        float[] bk = b;
        if (blockC != outC) {
            wk = java.util.Arrays.copyOf(java.util.Arrays.copyOfRange(w, wOff, wOff + g.weightLength()),
                    g.weightLength() / outC * blockC);
            wk0 = 0;
            bk = b == null ? null : java.util.Arrays.copyOf(b, blockC);
        }
        this.plain = SliceConv3d.prepare(g.inChannels(), blockC, k, d, wk, wk0, bk, false, backend.vectorized());
        // ReLU fuses into the kernel's store unless a residual must be added first (then it runs in the copy-out).
        this.withRelu = e.kind() == Epilogue.Kind.RELU ? SliceConv3d.prepare(g.inChannels(), blockC, k, d, wk, wk0,
                bk, true, backend.vectorized()) : null;
        this.inLayout = new PlaneLayout(g.inChannels(), height, width, border(g));
        this.outLayout = new PlaneLayout(blockC, height, width, 0);
    }

    /** Whether {@code g} is a convolution this algorithm computes. */
    static boolean supports(ConvGeometry g) {
        if (g.rank() > 2 || g.group() != 1) {
            return false;
        }
        for (int d = 0; d < g.rank(); d++) {
            int reach = g.kernel(d) / 2 * g.dilation(d);
            if (g.kernel(d) % 2 == 0 || g.stride(d) != 1 || g.padBegin(d) != reach || g.padEnd(d) != reach) {
                return false;
            }
        }
        try {
            new PlaneLayout(g.inChannels(), g.rank() == 2 ? g.inputDim(0) : 1, g.inputDim(g.rank() - 1), border(g));
            new PlaneLayout(Math.max(g.outChannels(), SliceConv3d.BLOCK), g.rank() == 2 ? g.inputDim(0) : 1,
                    g.inputDim(g.rank() - 1), 0);
        } catch (IllegalArgumentException tooLarge) {
            return false;
        }
        return true;
    }

    /** The zero border the input layout needs: the kernel's widest reach. */
    private static int border(ConvGeometry g) {
        int b = 0;
        for (int d = 0; d < g.rank(); d++) {
            b = Math.max(b, g.kernel(d) / 2 * g.dilation(d));
        }
        return b;
    }

    @Override
    void compute(float[] in, int inOff, float[] out, int outOff, float[] res, int resDelta, Parallel p) {
        int plane = height * width;
        int inC = g.inChannels();
        int outC = g.outChannels();
        boolean reluInKernel = withRelu != null && res == null;
        SliceConv3d k = reluInKernel ? withRelu : plain;
        boolean postEpilogue = !epilogue.isIdentity() && !reluInKernel;
        float[] slice = inLayout.newSlice();
        float[] result = outLayout.newSlice();
        for (int n = 0; n < g.batch(); n++) {
            int src = inOff + n * inC * plane;
            p.forRange(inC, 1, (c0, c1) -> {
                for (int c = c0; c < c1; c++) {
                    for (int y = 0; y < height; y++) {
                        System.arraycopy(in, src + (c * height + y) * width, slice, inLayout.index(c, y, 0), width);
                    }
                }
            });
            k.compute(new float[][] {slice}, new int[] {0}, inLayout, result, 0, outLayout, p);
            int dst = outOff + n * outC * plane;
            p.forRange(outC * height, 16, (r0, r1) -> {
                for (int r = r0; r < r1; r++) {
                    int c = r / height;
                    int y = r % height;
                    int row = dst + r * width;
                    System.arraycopy(result, outLayout.index(c, y, 0), out, row, width);
                    addResidual(out, row, width, res, resDelta);
                    if (postEpilogue) {
                        backend.biasEpilogue(out, row, width, 0f, epilogue);
                    }
                }
            });
        }
    }
}
