package dev.vinfer.conv;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link ConvAlgorithm#WINOGRAD_DEPTH}: a 3-D convolution with Winograd F(m, kD) along depth (stride 1) and implicit
 * im2col over height and width (any kernel, stride, dilation, padding there). Made for ResNet3D's 7x7x7 stem
 * (3 -> 64, stride 1x2x2 @ 16x112x112), where the plain implicit-im2col GEMM already ran at about 85% of the FMA
 * peak: F(4,7) does 10 multiplications per 4 output depths where direct depth taps do 28 (F(2,7): 8 per 2, F(2,3)
 * and F(2,5) for shallower kernels; {@link #outputsPerTile}).
 *
 * <p>Per image:
 * <ol>
 * <li>the input goes into a {@link PhaseSplitInput} of the whole kernel (zero-padded, H and W split into their
 * stride phases; depth padded to whole tiles of m output depths), where each depth plane of a channel's phase is
 * one contiguous block of {@code planePitch} floats;</li>
 * <li>for each tile of m output depths, the m + kD - 1 input planes from depth m x tile are combined by B^T into as
 * many transformed planes, whole planes at a time (the padding stays zero). Transformed plane xi of every tile lands
 * in layout xi, itself a {@link PhaseSplitInput} of the remaining kH x kW convolution over "depth" = tiles;</li>
 * <li>per tile and run of whole output rows, one {@link PanelGemm} per xi (M x C.kH.kW, the weights transformed by
 * G along depth, in double) computes the transformed outputs; A^T combines them into the tile's m output depths
 * with the bias and a ReLU/Clip in one vector pass ({@link Backend#depthWinogradOutput}), or, with a residual or
 * another activation, by {@link Backend#combine} and the usual epilogue passes.</li>
 * </ol>
 * Threads: the transform splits over (channel, phase, tile), the GEMMs over (tile, row run); both are many small
 * tasks claimed in order, so a late thread still finds work. Memory per calling thread: both layouts (for the
 * ResNet3D stem about 3.7 MB and 13 MB), kept and reused; the first is zeroed when another kernel used it last.
 * Rounding: the transforms add error like Winograd along one axis; the randomized tests hold it to the base bound
 * of {@link ConvAlgorithm#errorBound}.
 */
final class DepthWinogradConv extends PreparedConv {
    /** Output pixels per GEMM call, rounded to whole output rows: the t x M x pixels products stay in L2. */
    private static final int TARGET_PIXELS = 256;

    private static final AtomicLong IDS = new AtomicLong();
    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** A calling thread's layouts, and which kernel zeroed the first one last. */
    private static final class Buffers {
        long owner = -1;
        float[] padded = new float[0];
        float[] tiles = new float[0];
    }

    /** A task's transformed GEMM results and the offset lists of {@link Backend#combine}. */
    private static final class Scratch {
        float[] products = new float[0];
        final int[] srcOff = new int[16];
        final int[] dstOff = new int[16];
    }

    private final long id = IDS.incrementAndGet();
    private final ConvGeometry g;
    private final DepthWinogradTransform wt;
    /** The input padded to an even output depth, H and W phase-split. */
    private final PhaseSplitInput padded;
    /** One transformed layout: the tiles as depth, the kH x kW part of the kernel left. */
    private final PhaseSplitInput tiles;
    private final int tileCount;
    private final int phases;
    private final int planePitch;
    private final int rowPitch;
    private final PanelGemm.PixelGrid rowGrid;
    private final int[] tapOff;
    /** One GEMM per transformed depth position xi. */
    private final PanelGemm[] gemms;
    private final float[] bias;
    private final Epilogue epilogue;
    private final int rowsPerTask;

    DepthWinogradConv(ConvGeometry g, float[] w, int wOff, float[] bias, Epilogue e, Backend backend) {
        super(ConvAlgorithm.WINOGRAD_DEPTH, backend, g.inputLength(), g.outputLength());
        if (!supports(g)) {
            throw new IllegalArgumentException("WINOGRAD_DEPTH does not apply to " + g);
        }
        this.g = g;
        float[] b = checkedBias(w, wOff, g.weightLength(), bias, g.outChannels());
        this.bias = b == null ? new float[g.outChannels()] : b;
        this.epilogue = e;
        int kD = g.kernel(0);
        this.wt = DepthWinogradTransform.of(outputsPerTile(g), kD);
        this.tileCount = Math.ceilDiv(g.outputDim(0), wt.m);
        this.padded = new PhaseSplitInput(Shape3.of(evenDepth(g)), g.inChannels());
        Shape3 inner = Shape3.of(innerGeometry(g));
        this.tiles = new PhaseSplitInput(inner, g.inChannels());
        this.phases = g.stride(1) * g.stride(2);
        PanelGemm.PixelGrid grid = tiles.grid();
        this.planePitch = grid.planePitch();
        this.rowPitch = grid.rowPitch();
        this.rowGrid = grid;
        this.tapOff = tiles.tapOffsets(g.inChannels());
        int outW = g.outputDim(2);
        this.rowsPerTask = Math.max(1, Math.min(g.outputDim(1), Math.round((float) TARGET_PIXELS / outW)));
        // Weights along depth transformed by G (in double): u[xi][m][c][kh][kw] = sum_kd G[xi][kd] w[m][c][kd][kh][kw].
        int m = g.outChannels();
        int c = g.inChannels();
        int hw = g.kernel(1) * g.kernel(2);
        int k = c * hw;
        this.gemms = new PanelGemm[wt.t];
        float[] u = new float[m * k];
        for (int xi = 0; xi < wt.t; xi++) {
            for (int o = 0; o < m; o++) {
                for (int ci = 0; ci < c; ci++) {
                    int from = wOff + (o * c + ci) * kD * hw;
                    for (int j = 0; j < hw; j++) {
                        double s = 0;
                        for (int kd = 0; kd < kD; kd++) {
                            s += wt.g[xi * kD + kd] * w[from + kd * hw + j];
                        }
                        u[o * k + ci * hw + j] = (float) s;
                    }
                }
            }
            gemms[xi] = backend.panelGemm(m, k, u, 0, null);
        }
    }

    /**
     * Whether this algorithm computes {@code g}: rank 3, one group, a depth kernel of 3, 5 or 7 taps with stride 1
     * and dilation 1, at least 2 output depths, and layouts that fit in arrays.
     */
    static boolean supports(ConvGeometry g) {
        if (g.rank() != 3 || g.group() != 1 || !DepthWinogradTransform.supports(g.kernel(0)) || g.stride(0) != 1
                || g.dilation(0) != 1 || g.outputDim(0) < 2) {
            return false;
        }
        try {
            long tiles = (long) new PhaseSplitInput(Shape3.of(innerGeometry(g)), g.inChannels()).length
                    * (g.kernel(0) + 1);
            new PhaseSplitInput(Shape3.of(evenDepth(g)), g.inChannels());
            return tiles < Integer.MAX_VALUE - 16;
        } catch (IllegalArgumentException | ArithmeticException e) {
            return false;
        }
    }

    /**
     * Output depths per tile: 4 (F(4,7), 10 GEMMs per 4 depths) for a 7-deep kernel with at least 4 output depths,
     * else 2 (F(2, kD)). F(4,7) needs 2 more interpolation points (3 and -3), which costs precision: on random
     * 7-tap rows its relative L2 error was 2.1e-6 against F(2,7)'s 3.3e-7 (float transforms, double weights).
     */
    static int outputsPerTile(ConvGeometry g) {
        return g.kernel(0) == 7 && g.outputDim(0) >= 4 ? 4 : 2;
    }

    /** {@code g} with its end pad in depth grown to a whole number of tiles of output depths. */
    private static ConvGeometry evenDepth(ConvGeometry g) {
        int[] strides = new int[3];
        int[] dilations = new int[3];
        int[] padsBegin = new int[3];
        int[] padsEnd = new int[3];
        for (int d = 0; d < 3; d++) {
            strides[d] = g.stride(d);
            dilations[d] = g.dilation(d);
            padsBegin[d] = g.padBegin(d);
            padsEnd[d] = g.padEnd(d);
        }
        int m = outputsPerTile(g);
        padsEnd[0] += (m - g.outputDim(0) % m) % m;
        return ConvGeometry.of(1, g.inChannels(), g.outChannels(), 1, g.inputDims(), g.kernelDims(), strides,
                dilations, padsBegin, padsEnd);
    }

    /** The convolution each transformed layout sees: depth = tiles, kernel 1 x kH x kW, H and W as in g. */
    private static ConvGeometry innerGeometry(ConvGeometry g) {
        int tiles = Math.ceilDiv(g.outputDim(0), outputsPerTile(g));
        return ConvGeometry.of(1, g.inChannels(), g.outChannels(), 1,
                new int[] {tiles, g.inputDim(1), g.inputDim(2)}, new int[] {1, g.kernel(1), g.kernel(2)},
                new int[] {1, g.stride(1), g.stride(2)}, new int[] {1, g.dilation(1), g.dilation(2)},
                new int[] {0, g.padBegin(1), g.padBegin(2)}, new int[] {0, g.padEnd(1), g.padEnd(2)});
    }

    @Override
    void compute(float[] in, int inOff, float[] out, int outOff, float[] res, int resDelta, Parallel p) {
        Buffers buf = buffers();
        float[] pad = buf.padded;
        float[] tl = buf.tiles;
        int c = g.inChannels();
        int m = g.outChannels();
        int t = wt.t;
        int outD = g.outputDim(0);
        int outH = g.outputDim(1);
        int outW = g.outputDim(2);
        int outPlane = outD * outH * outW;
        int depthPlane = outH * outW;
        int tileLen = tiles.length;
        int rowTasks = Math.ceilDiv(outH, rowsPerTask);
        // Without a residual, ReLU, Clip (Relu6) or no activation is a clamp inside the output transform; anything
        // else takes the general passes (A^T by combine, then residual, bias and activation per row).
        Epilogue.Kind kind = epilogue.kind();
        boolean fused = res == null && (epilogue.isIdentity() || kind == Epilogue.Kind.RELU
                || kind == Epilogue.Kind.CLIP);
        float lo = !fused || epilogue.isIdentity() ? Float.NEGATIVE_INFINITY
                : kind == Epilogue.Kind.RELU ? 0f : epilogue.min();
        float hi = fused && kind == Epilogue.Kind.CLIP ? epilogue.max() : Float.POSITIVE_INFINITY;
        for (int n = 0; n < g.batch(); n++) {
            padded.fill(in, inOff + n * c * g.inputPlane(), c, pad, backend, p);
            // B^T along depth: planes 2 tile .. 2 tile + t - 1 of each (channel, phase) into the t layouts.
            p.forEach(c * phases * tileCount, task -> {
                int tile = task % tileCount;
                int ph = task / tileCount % phases;
                int ci = task / tileCount / phases;
                Scratch s = SCRATCH.get();
                int from = ci * padded.channelStride + ph * padded.phaseSize + wt.m * tile * planePitch;
                int to = ci * tiles.channelStride + ph * tiles.phaseSize + tile * planePitch;
                for (int i = 0; i < t; i++) {
                    s.srcOff[i] = from + i * planePitch;
                    s.dstOff[i] = i * tileLen + to;
                }
                backend.combine(t, t, wt.bt, pad, s.srcOff, tl, s.dstOff, planePitch, false);
            });
            int image = outOff + n * m * outPlane;
            p.forEach(tileCount * rowTasks, task -> {
                int tile = task / rowTasks;
                int r0 = task % rowTasks * rowsPerTask;
                int q = Math.min(rowsPerTask, outH - r0) * outW;
                Scratch s = SCRATCH.get();
                if (s.products.length < t * m * q) {
                    s.products = new float[t * m * q];
                }
                float[] prod = s.products;
                int src = tile * planePitch + r0 * rowPitch;
                for (int xi = 0; xi < t; xi++) {
                    gemms[xi].run(tl, xi * tileLen + src, tapOff, rowGrid, 0, q, prod, xi * m * q, q,
                            Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
                }
                int outs = Math.min(wt.m, outD - wt.m * tile);
                for (int o = 0; o < m; o++) {
                    int d0 = image + o * outPlane + wt.m * tile * depthPlane + r0 * outW;
                    if (fused) {
                        backend.depthWinogradOutput(outs, t, wt.at, prod, o * q, m * q, bias[o], lo, hi, out, d0,
                                depthPlane, q);
                        continue;
                    }
                    for (int xi = 0; xi < t; xi++) {
                        s.srcOff[xi] = (xi * m + o) * q;
                    }
                    for (int j = 0; j < outs; j++) {
                        s.dstOff[j] = d0 + j * depthPlane;
                    }
                    backend.combine(outs, t, wt.at, prod, s.srcOff, out, s.dstOff, q, false);
                    for (int j = 0; j < outs; j++) {
                        addResidual(out, s.dstOff[j], q, res, resDelta);
                        backend.biasEpilogue(out, s.dstOff[j], q, bias[o], epilogue);
                    }
                }
            });
        }
    }

    /** The calling thread's layouts; the padded one zeroed unless this kernel was the last to use it. */
    private Buffers buffers() {
        Buffers b = BUFFERS.get();
        int tileLen = Math.multiplyExact(tiles.length, wt.t);
        if (b.padded.length < padded.length) {
            b.padded = new float[padded.length];
        } else if (b.owner != id) {
            Arrays.fill(b.padded, 0, padded.length, 0f);
        }
        if (b.tiles.length < tileLen) {
            b.tiles = new float[tileLen];
        }
        b.owner = id;
        return b;
    }
}
