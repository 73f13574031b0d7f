package dev.vinfer.conv;

import static dev.vinfer.conv.NchwcLayout.BLOCK;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A 2-D convolution of one group (any kernel, stride, dilation and padding) on channel-blocked tensors
 * ({@link NchwcLayout}): input {@code [N][ceil(C/16)][H][W][16]}, output and optional residual
 * {@code [N][ceil(M/16)][OH][OW][16]}, computing {@code e(conv(in) + res + bias)}. Weights ({@code M x C x kH x kW},
 * ONNX order) are packed once in the order the backend's tile reads them ({@link Backend#nchwcDirect}): per group of
 * {@link Backend#nchwcDirectGroup} output blocks, one row of output lanes per (input block, tap, input lane).
 *
 * <p>Padding and stride: a padded or column-strided input first gets a zero-bordered copy ({@link #PADDED}, per
 * calling thread, shared by the workers of one run) whose rows are split into {@code stride} column phases (even
 * and odd columns at stride 2), so the tile reads every tap without a bounds check and the pixels of an output row
 * that a tap reads are consecutive at any stride: the tile's offsets are constants. The copy moves the input once,
 * against {@code C x kH x kW} multiply-adds per output value. An unpadded stride-1 input is read in place.
 *
 * <p>The work runs in {@link Backend#nchwcDirect}: value by value on the scalar backend (the reference the vector
 * path is tested against), in register tiles of pixels along an output row x output blocks on the vector one. Relu
 * and Clip are applied in the kernel; other activations by a pass over each task's output after it.
 *
 * <p>Speed (session 11, Zen 5, one thread, {@code NchwcProbe 100 direct,...}, two JVMs with the layers in opposite
 * orders): 120-170 GFLOP/s on SqueezeNet's expand 3x3 and ResNet's 3x3/2 layers (0.55-0.8 of the ~215 FMA peak);
 * 0.88-1.05x the time of the NCHW kernel {@code Convolutions.prepare} picks on SqueezeNet's 55x55 and 27x27 layers,
 * 1.15-1.3x on ResNet's 3x3/2 layers, 1.3-2.2x where the NCHW path runs Winograd (13x13, 3x3/1). The input copy
 * costs 3-4% of a layer.
 */
public final class NchwcDirectConv implements NchwcConvKernel {
    /** Multiply-adds below which a thread task is not worth its hand-off (a few microseconds). */
    private static final long MIN_TASK_MACS = 150_000;

    private final ConvGeometry g;
    private final Backend backend;
    private final int inBlocks;
    private final int outBlocks;
    /** Output blocks packed side by side ({@link Backend#nchwcDirectGroup}). */
    private final int group;
    /** See {@link Backend#nchwcDirect}, from {@link #lead}; lanes past M zero. */
    private final float[] packed;
    /** Where the packed weights start in {@link #packed}: on a cache line ({@link ArrayAlignment}). */
    private final int lead;
    /** {@code [outBlock][lane]}, zeros past M and without a bias. */
    private final float[] bias;
    private final Epilogue epilogue;
    private final float lo;
    private final float hi;
    private final boolean epiloguePass;
    /** Whether the input is copied into a zero-bordered, phase-split plane first (a pad, or a column stride). */
    private final boolean padded;
    /**
     * The plane the kernel reads ({@link Backend#nchwcDirect}): the padded rows the outputs reach and
     * {@code stride x} (phase width) columns, or the input's own.
     */
    private final int rows;
    private final int cols;

    private static final ThreadLocal<float[][]> PADDED = ThreadLocal.withInitial(() -> new float[1][0]);

    private NchwcDirectConv(ConvGeometry g, float[] w, int wOff, float[] b, Epilogue e, Backend backend) {
        this.g = g;
        this.backend = backend;
        int c = g.inChannels();
        int m = g.outChannels();
        this.inBlocks = NchwcLayout.blocks(c);
        this.outBlocks = NchwcLayout.blocks(m);
        this.group = Math.max(1, backend.nchwcDirectGroup(c, m));
        int taps = g.kernelSize();
        this.lead = ArrayAlignment.floatLead();
        this.packed = new float[Math.addExact(lead,
                Math.multiplyExact(Math.multiplyExact(outBlocks * BLOCK, c), taps))];
        // Row by row of the packed layout (sequential writes; the group's outputs read together), as
        // NchwcPointwiseConv.pack: output by output, each write went to a new cache line.
        for (int g0 = 0; g0 < outBlocks; g0 += group) {
            int ld = Math.min(group, outBlocks - g0) * BLOCK;
            int o0 = g0 * BLOCK;
            int o1 = Math.min(m, o0 + ld);
            int rowOff = lead + g0 * c * taps * BLOCK;
            for (int cb = 0; cb * BLOCK < c; cb++) {
                int kn = Math.min(BLOCK, c - cb * BLOCK);
                for (int t = 0; t < taps; t++) {
                    for (int kk = 0; kk < kn; kk++, rowOff += ld) {
                        int k = cb * BLOCK + kk;
                        for (int o = o0; o < o1; o++) {
                            packed[rowOff + o - o0] = w[wOff + (o * c + k) * taps + t];
                        }
                    }
                }
            }
        }
        this.bias = new float[outBlocks * BLOCK];
        if (b != null) {
            System.arraycopy(b, 0, bias, 0, m);
        }
        this.epilogue = e;
        this.lo = e.clampLow();
        this.hi = e.clampHigh();
        this.epiloguePass = !e.isClamp();
        this.padded = g.padBegin(0) + g.padEnd(0) + g.padBegin(1) + g.padEnd(1) > 0 || g.stride(1) > 1;
        this.rows = padded ? reach(0) : g.inputDim(0);
        // Phase width: a tap's column offset within its phase is (kx * dw) / s, plus up to OW - 1 pixels.
        this.cols = padded ? g.stride(1) * (g.outputDim(1) + (g.kernel(1) - 1) * g.dilation(1) / g.stride(1))
                : g.inputDim(1);
    }

    /** Padded positions along axis d the outputs read: {@code (out - 1) * stride + (k - 1) * dilation + 1}. */
    private int reach(int d) {
        return (g.outputDim(d) - 1) * g.stride(d) + (g.kernel(d) - 1) * g.dilation(d) + 1;
    }

    /** Whether {@code g} is a convolution this kernel computes: 2-D and one group. */
    public static boolean supports(ConvGeometry g) {
        return g.rank() == 2 && g.group() == 1;
    }

    /**
     * Packs {@code w} ({@code M x C x kH x kW} from {@code wOff}) and the optional bias ({@code M} values) for
     * {@code g}.
     */
    public static NchwcDirectConv prepare(ConvGeometry g, float[] w, int wOff, float[] bias, Epilogue e) {
        return prepare(g, w, wOff, bias, e, Kernels.backend());
    }

    /** As {@link #prepare(ConvGeometry, float[], int, float[], Epilogue)} on the given backend. */
    public static NchwcDirectConv prepare(ConvGeometry g, float[] w, int wOff, float[] bias, Epilogue e,
            Backend backend) {
        if (!supports(g)) {
            throw new IllegalArgumentException("NCHWc direct needs a 2-D, one-group conv: " + g);
        }
        NchwcChecks.weights(g, w, wOff, bias);
        return new NchwcDirectConv(g, w, wOff, bias, e == null ? Epilogue.NONE : e, backend);
    }

    @Override
    public ConvGeometry geometry() {
        return g;
    }

    /**
     * {@code out = e(conv(in) + bias + res)}, all blocked; {@code res} may be null. The output's lanes past M are
     * written as zeros.
     */
    @Override
    public void run(float[] in, int inOff, float[] out, int outOff, float[] res, int resOff, Parallel p) {
        NchwcChecks.run(in, inOff, inputLength(), out, outOff, outputLength(), res, resOff);
        int n = g.batch();
        if (padded) {
            float[][] holder = PADDED.get();
            long need = (long) n * inBlocks * rows * cols * BLOCK;
            if (holder[0].length < need) {
                holder[0] = new float[Math.toIntExact(need)];
            }
            float[] pad = holder[0];
            pad(in, inOff, pad, p);
            in = pad;
            inOff = 0;
        }
        int oh = g.outputDim(0);
        int groups = Math.ceilDiv(outBlocks, group);
        // Tasks: per image, ranges of output rows, or of output groups when the plane has few rows for the threads.
        int rowParts = 1;
        int groupParts = 1;
        if (p.threads() > 1) {
            long macs = (long) g.inChannels() * g.kernelSize() * g.outChannels() * g.outputPlane();
            int want = (int) Math.min(Math.ceilDiv(p.threads(), n), Math.max(1, macs / MIN_TASK_MACS));
            if (want > 1) {
                if (oh >= 4 * want || groups < want) {
                    rowParts = Math.min(want, oh);
                } else {
                    groupParts = Math.min(want, groups);
                }
            }
        }
        Rows call = spare.getAndSet(null);
        if (call == null) {
            call = new Rows();
        }
        call.x = in;
        call.xBase = inOff;
        call.out = out;
        call.outOff = outOff;
        call.res = res;
        call.resOff = resOff;
        call.frow = rowParts;
        call.fgp = groupParts;
        try {
            p.forEach(n * rowParts * groupParts, call);
        } finally {
            call.x = null;
            call.out = null;
            call.res = null;
            spare.set(call);
        }
    }

    /** A spare {@link Rows}: a steady run allocates no task object; a second concurrent run makes its own. */
    private final AtomicReference<Rows> spare = new AtomicReference<>();

    /** One task of {@link #run}: an output row range and output-group range of one image. */
    private final class Rows implements Parallel.Task {
        float[] x;
        int xBase;
        float[] out;
        int outOff;
        float[] res;
        int resOff;
        int frow;
        int fgp;

        @Override
        public void run(int t) {
            int oh = g.outputDim(0);
            int ow = g.outputDim(1);
            int m = g.outChannels();
            int groups = Math.ceilDiv(outBlocks, group);
            int parts = frow * fgp;
            int img = t / parts;
            int rp = t % parts / fgp;
            int gp = t % fgp;
            int r0 = (int) ((long) oh * rp / frow);
            int r1 = (int) ((long) oh * (rp + 1) / frow);
            int b0 = (int) ((long) groups * gp / fgp) * group;
            int b1 = Math.min(outBlocks, (int) ((long) groups * (gp + 1) / fgp) * group);
            if (r0 >= r1 || b0 >= b1) {
                return;
            }
            int xOff = xBase + img * inBlocks * rows * cols * BLOCK;
            int yOff = outOff + img * outBlocks * oh * ow * BLOCK;
            int resDelta = res == null ? 0 : resOff - outOff;
            backend.nchwcDirect(g, rows, cols, group, packed, lead, bias, x, xOff, res, resDelta, out, yOff, r0, r1,
                    b0, b1, lo, hi);
            if (epiloguePass) {
                for (int ob = b0; ob < b1; ob++) {
                    NchwcLayout.applyEpilogue(epilogue, out, yOff + ob * oh * ow * BLOCK, r0 * ow, r1 * ow,
                            Math.min(BLOCK, m - ob * BLOCK));
                }
            }
        }
    }

    /** The input into the zero-bordered {@code [N][Cb][rows][cols][16]} plane {@code pad}. */
    private void pad(float[] in, int inOff, float[] pad, Parallel p) {
        Pad call = sparePad.getAndSet(null);
        if (call == null) {
            call = new Pad();
        }
        call.in = in;
        call.inOff = inOff;
        call.pad = pad;
        // one image: a range of rows per thread, rows-major, as the output rows the tasks of run take
        call.parts = g.batch() == 1 ? Math.min(rows, p.threads()) : 1;
        try {
            p.forEach(g.batch() * inBlocks * call.parts, call);
        } finally {
            call.in = null;
            call.pad = null;
            sparePad.set(call);
        }
    }

    private final AtomicReference<Pad> sparePad = new AtomicReference<>();

    /** Rows of one (image, block) plane of {@link #pad}: t = (image, row part, block). */
    private final class Pad implements Parallel.Task {
        float[] in;
        int inOff;
        float[] pad;
        int parts;

        @Override
        public void run(int t) {
            int ih = g.inputDim(0);
            int iw = g.inputDim(1);
            int top = g.padBegin(0);
            int left = g.padBegin(1);
            int s = g.stride(1);
            int pc = cols / s;
            int part = t / inBlocks % parts;
            int plane = t / (parts * inBlocks) * inBlocks + t % inBlocks;
            int r0 = (int) ((long) rows * part / parts);
            int r1 = (int) ((long) rows * (part + 1) / parts);
            int src = inOff + plane * ih * iw * BLOCK;
            int dst = plane * rows * cols * BLOCK;
            if (s == 1) {
                NchwcLayout.padRows(in, src, ih, iw, top, left, pad, dst, r0, r1, cols);
                return;
            }
            dst += r0 * cols * BLOCK;
            for (int r = r0; r < r1; r++, dst += cols * BLOCK) {
                int iy = r - top;
                if (iy < 0 || iy >= ih) {
                    Arrays.fill(pad, dst, dst + cols * BLOCK, 0f);
                    continue;
                }
                int row = src + iy * iw * BLOCK;
                // Phase ph, position i: padded column i * s + ph.
                int d = dst;
                for (int ph = 0; ph < s; ph++) {
                    for (int i = 0; i < pc; i++, d += BLOCK) {
                        int ix = i * s + ph - left;
                        if (ix < 0 || ix >= iw) {
                            Arrays.fill(pad, d, d + BLOCK, 0f);
                        } else {
                            // a plain loop (C2 vectorizes it): an arraycopy call per 16 floats costs more
                            int sx = row + ix * BLOCK;
                            for (int l = 0; l < BLOCK; l++) {
                                pad[d + l] = in[sx + l];
                            }
                        }
                    }
                }
            }
        }
    }
}
