package dev.vinfer.conv;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link ConvAlgorithm#ROW_DIRECT}: a 1-D or 2-D, one-group, stride-1 convolution with odd kernels, any dilation and
 * any zero padding, computed by the register-blocked direct row kernel of {@link SliceConv3d} (one depth tap).
 * Meant for large kernels on few channels, such as a style-transfer net's 9x9 stem (3 -> 16/32) and head
 * (16/32 -> 3): there im2col builds a K = C x 81 column matrix per pixel and feeds a GEMM whose M (output channels)
 * or K is tiny, so the micro-kernel's tiles run mostly empty, while the direct kernel keeps 4 output channels x 4
 * vectors of one output row in registers and streams the taps.
 *
 * <p>The row kernel computes output (y, x) from the input centred on layout position (y, x) of a
 * {@link PlaneLayout} the size of the output plane with a border of the kernel's reach r. Output (oy, ox) reads input
 * rows centred on {@code oy + r_h - padBegin_h}, so input (Y, X) is copied to layout position
 * {@code (Y + padBegin_h - r_h, X + padBegin_w - r_w)}: for "same" padding that is the interior with a zero border;
 * for smaller pads (a "valid" conv after an explicit Pad) the input also fills the border; everything the input does
 * not cover stays zero, which is the zero padding. (Every such position lies within the layout: see
 * {@link #supports}.) The output is computed into a layout with row slack and copied out dense; the residual and any
 * epilogue other than ReLU are applied during that copy. Both copies are cheap next to the {@code C x k x k}
 * multiply-adds per output element this algorithm is chosen for.
 */
final class RowDirectConv extends PreparedConv {
    private final ConvGeometry g;
    /** The packed kernel without activation, and with its ReLU store when the epilogue is ReLU (else null). */
    private final SliceConv3d plain;
    private final SliceConv3d withRelu;
    private final Epilogue epilogue;
    private final int inH;
    private final int inW;
    private final int outH;
    private final int outW;
    /** Layout row and column of input row 0 and column 0. */
    private final int rowShift;
    private final int colShift;
    private final PlaneLayout inLayout;
    private final PlaneLayout outLayout;
    /**
     * The input and output layouts of the last call, kept for the next: they are large (candy's 9x9 stem: 8 + 42 MB)
     * and allocating them zeroed on every run cost more than the copies. Reuse is sound because every call writes
     * the same positions of the input layout (the border stays zero) and the kernel rewrites every output position
     * that is read. A concurrent call finds none and allocates its own.
     */
    private final AtomicReference<float[][]> spare = new AtomicReference<>();

    RowDirectConv(ConvGeometry g, float[] w, int wOff, float[] bias, Epilogue e, Backend backend) {
        super(ConvAlgorithm.ROW_DIRECT, backend, g.inputLength(), g.outputLength());
        this.g = g;
        float[] b = checkedBias(w, wOff, g.weightLength(), bias, g.outChannels());
        boolean twoD = g.rank() == 2;
        int last = g.rank() - 1;
        int kh = twoD ? g.kernel(0) : 1;
        int kw = g.kernel(last);
        int dh = twoD ? g.dilation(0) : 1;
        int dw = g.dilation(last);
        this.inH = twoD ? g.inputDim(0) : 1;
        this.inW = g.inputDim(last);
        this.outH = twoD ? g.outputDim(0) : 1;
        this.outW = g.outputDim(last);
        this.rowShift = twoD ? g.padBegin(0) - kh / 2 * dh : 0;
        this.colShift = g.padBegin(last) - kw / 2 * dw;
        this.epilogue = e;
        int[] k = {1, kh, kw};
        int[] d = {1, dh, dw};
        // 2 or 3 output channels are padded to one block of 4 with zero weights: the kernel then loads each input
        // vector once for 4 FMAs instead of once per channel (its 1-channel block is load-bound).
        int outC = g.outChannels();
        int blockC = blockChannels(outC);
        float[] wk = w;
        int wk0 = wOff;
        float[] bk = b;
        if (blockC != outC) {
            wk = Arrays.copyOf(Arrays.copyOfRange(w, wOff, wOff + g.weightLength()), g.weightLength() / outC * blockC);
            wk0 = 0;
            bk = b == null ? null : Arrays.copyOf(b, blockC);
        }
        this.plain = SliceConv3d.prepare(g.inChannels(), blockC, k, d, wk, wk0, bk, false, backend.vectorized());
        // ReLU fuses into the kernel's store unless a residual must be added first (then it runs in the copy-out).
        this.withRelu = e.kind() == Epilogue.Kind.RELU ? SliceConv3d.prepare(g.inChannels(), blockC, k, d, wk, wk0,
                bk, true, backend.vectorized()) : null;
        this.inLayout = new PlaneLayout(g.inChannels(), outH, outW, border(g));
        this.outLayout = new PlaneLayout(blockC, outH, outW, 0);
    }

    private static int blockChannels(int outC) {
        return outC == 2 || outC == 3 ? SliceConv3d.BLOCK : outC;
    }

    /**
     * Whether {@code g} is a convolution this algorithm computes: rank 1 or 2, one group, stride 1, odd kernels.
     * Any pads fit: with reach r and output length {@code O = I + pb + pe - 2r}, input positions land on layout
     * coordinates {@code [pb - r, I + pb - r)}, inside {@code [-R, O + R)} for the layout border R >= r.
     */
    static boolean supports(ConvGeometry g) {
        if (g.rank() > 2 || g.group() != 1) {
            return false;
        }
        for (int d = 0; d < g.rank(); d++) {
            if (g.kernel(d) % 2 == 0 || g.stride(d) != 1 || g.outputDim(d) < 1) {
                return false;
            }
        }
        int h = g.rank() == 2 ? g.outputDim(0) : 1;
        int w = g.outputDim(g.rank() - 1);
        try {
            new PlaneLayout(g.inChannels(), h, w, border(g));
            new PlaneLayout(blockChannels(g.outChannels()), h, w, 0);
        } catch (IllegalArgumentException tooLarge) {
            return false;
        }
        return true;
    }

    /** The border the input layout needs: the kernel's widest reach. */
    private static int border(ConvGeometry g) {
        int b = 0;
        for (int d = 0; d < g.rank(); d++) {
            b = Math.max(b, g.kernel(d) / 2 * g.dilation(d));
        }
        return b;
    }

    @Override
    void compute(float[] in, int inOff, float[] out, int outOff, float[] res, int resDelta, Parallel p) {
        int inPlane = inH * inW;
        int outPlane = outH * outW;
        int inC = g.inChannels();
        int outC = g.outChannels();
        boolean reluInKernel = withRelu != null && res == null;
        SliceConv3d k = reluInKernel ? withRelu : plain;
        boolean postEpilogue = !epilogue.isIdentity() && !reluInKernel;
        float[][] buffers = spare.getAndSet(null);
        if (buffers == null) {
            buffers = new float[][] {inLayout.newSlice(), outLayout.newSlice()};
        }
        float[] slice = buffers[0];
        float[] result = buffers[1];
        int pad = inLayout.pad();
        for (int n = 0; n < g.batch(); n++) {
            int src = inOff + n * inC * inPlane;
            p.forRange(inC, 1, (c0, c1) -> {
                for (int c = c0; c < c1; c++) {
                    int plane = c * inLayout.planeStride();
                    for (int y = 0; y < inH; y++) {
                        int at = plane + (y + rowShift + pad) * inLayout.rowStride() + pad + colShift;
                        System.arraycopy(in, src + (c * inH + y) * inW, slice, at, inW);
                    }
                }
            });
            k.compute(new float[][] {slice}, new int[] {0}, inLayout, result, 0, outLayout, p);
            int dst = outOff + n * outC * outPlane;
            p.forRange(outC * outH, 16, (r0, r1) -> {
                for (int r = r0; r < r1; r++) {
                    int row = dst + r * outW;
                    System.arraycopy(result, outLayout.index(r / outH, r % outH, 0), out, row, outW);
                    addResidual(out, row, outW, res, resDelta);
                    if (postEpilogue) {
                        backend.biasEpilogue(out, row, outW, 0f, epilogue);
                    }
                }
            });
        }
        spare.set(buffers);
    }
}
