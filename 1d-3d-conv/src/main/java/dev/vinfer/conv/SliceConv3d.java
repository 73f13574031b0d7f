package dev.vinfer.conv;

import java.util.Arrays;

/**
 * A stride-1 3-D convolution with "same" zero padding (odd kernel, any dilation, one group), computed one output
 * depth slice at a time from the {@code kd} input slices it reads. This lets a chain of such layers stream a volume
 * slice by slice, keeping only a few slices of each activation alive (see the volume segmentation sample), instead
 * of whole {@code C x D x H x W} tensors.
 *
 * <p>Slices are stored as {@link PlaneLayout}s with zero borders at least as wide as the kernel's in-plane reach, so
 * the kernels need no bounds tests. Output slice z reads input slices {@code z + (k - kd/2) * dilationD} for
 * {@code k} in [0, kd); a slice outside the volume is passed as null and counts as zeros.
 *
 * <p>Immutable and thread-safe: the weights are packed once, output channel block by block (the Vector API kernel
 * keeps up to 4 output channels x 4 vectors of one row in registers), then by depth tap, input channel, row tap and
 * column tap.
 */
public final class SliceConv3d {
    /** Output channels per register block of the kernels. */
    static final int BLOCK = 4;

    private static final SliceKernel VECTOR = loadVector();

    private final int inC;
    private final int outC;
    private final int kd;
    private final int kh;
    private final int kw;
    private final int dd;
    private final int dh;
    private final int dw;
    private final float[] packed;
    private final float[] bias;
    private final int[] blocks;
    private final boolean relu;
    private final SliceKernel kernel;

    private SliceConv3d(int inC, int outC, int[] k, int[] d, float[] packed, float[] bias, boolean relu,
            SliceKernel kernel) {
        this.inC = inC;
        this.outC = outC;
        this.kd = k[0];
        this.kh = k[1];
        this.kw = k[2];
        this.dd = d[0];
        this.dh = d[1];
        this.dw = d[2];
        this.packed = packed;
        this.bias = bias;
        this.relu = relu;
        this.kernel = kernel;
        int full = outC / BLOCK;
        int[] b = new int[full + outC % BLOCK];
        Arrays.fill(b, 0, full, BLOCK);
        Arrays.fill(b, full, b.length, 1);
        this.blocks = b;
    }

    /**
     * Packs the weights of a convolution.
     *
     * @param inC      input channels
     * @param outC     output channels
     * @param kernel   {kd, kh, kw}, each odd
     * @param dilation {dd, dh, dw}, each at least 1
     * @param w        weights {@code [outC][inC][kd][kh][kw]} from {@code wOff}
     * @param bias     {@code outC} biases, or null
     * @param relu     apply max(0, x) to the result
     * @param vector   use the Vector API kernel when this JVM has it (false: the plain-Java one)
     */
    public static SliceConv3d prepare(int inC, int outC, int[] kernel, int[] dilation, float[] w, int wOff,
            float[] bias, boolean relu, boolean vector) {
        if (kernel.length != 3 || dilation.length != 3) {
            throw new IllegalArgumentException("kernel and dilation need 3 values");
        }
        for (int i = 0; i < 3; i++) {
            if (kernel[i] < 1 || kernel[i] % 2 == 0 || dilation[i] < 1) {
                throw new IllegalArgumentException("SliceConv3d needs odd kernels and positive dilations, got "
                        + Arrays.toString(kernel) + " / " + Arrays.toString(dilation));
            }
        }
        if (inC < 1 || outC < 1) {
            throw new IllegalArgumentException("channels must be positive: " + inC + " -> " + outC);
        }
        int taps = kernel[0] * kernel[1] * kernel[2];
        if (wOff < 0 || (long) wOff + (long) outC * inC * taps > w.length) {
            throw new IllegalArgumentException("weights of " + w.length + " floats from " + wOff + " cannot hold "
                    + outC + "x" + inC + "x" + Arrays.toString(kernel));
        }
        if (bias != null && bias.length < outC) {
            throw new IllegalArgumentException(bias.length + " biases for " + outC + " output channels");
        }
        float[] b = bias == null ? new float[outC] : Arrays.copyOf(bias, outC);
        SliceKernel k = vector && VECTOR != null && Kernels.backend().vectorized() ? VECTOR : Scalar.INSTANCE;
        return new SliceConv3d(inC, outC, kernel.clone(), dilation.clone(),
                pack(inC, outC, kernel, w, wOff), b, relu, k);
    }

    /** [block][kz][ci][ky][kx][o in block], blocks of {@link #BLOCK} output channels then single channels. */
    private static float[] pack(int inC, int outC, int[] k, float[] w, int wOff) {
        int taps = k[0] * k[1] * k[2];
        int plane = k[1] * k[2];
        float[] p = new float[outC * inC * taps];
        int i = 0;
        int o0 = 0;
        while (o0 < outC) {
            int n = outC - o0 >= BLOCK ? BLOCK : 1;
            for (int z = 0; z < k[0]; z++) {
                for (int c = 0; c < inC; c++) {
                    for (int t = 0; t < plane; t++) {
                        for (int o = 0; o < n; o++) {
                            p[i++] = w[wOff + ((o0 + o) * inC + c) * taps + z * plane + t];
                        }
                    }
                }
            }
            o0 += n;
        }
        return p;
    }

    public int inChannels() {
        return inC;
    }

    public int outChannels() {
        return outC;
    }

    /** Input slices an output slice reads: kd. */
    public int depthTaps() {
        return kd;
    }

    /** How far (in slices) the kernel reaches before and after the output slice: (kd / 2) * dilationD. */
    public int depthReach() {
        return kd / 2 * dd;
    }

    /** The widest in-plane reach, (kh / 2) * dilationH or (kw / 2) * dilationW: the least border a slice needs. */
    public int planeReach() {
        return Math.max(kh / 2 * dh, kw / 2 * dw);
    }

    /** Whether the Vector API kernel runs. */
    public boolean vectorized() {
        return kernel != Scalar.INSTANCE;
    }

    /**
     * Computes one output slice, its rows split over {@code p}'s threads.
     *
     * @param in    the kd input slices in depth order (null: outside the volume, read as zeros)
     * @param inOff where each input slice starts in its array
     */
    public void compute(float[][] in, int[] inOff, PlaneLayout inLayout, float[] out, int outOff,
            PlaneLayout outLayout, Parallel p) {
        check(in, inOff, inLayout, out, outOff, outLayout);
        int[] shifts = tapShifts(inLayout);
        // About 8 rows per task keeps tasks coarse while leaving room to balance two or more threads.
        p.forRange(outLayout.height(), 8, (y0, y1) -> kernel.rows(in, inOff, kd, shifts, packed, bias, blocks, relu,
                inLayout, out, outOff, outLayout, y0, y1));
    }

    /** Computes rows [y0, y1) of every output channel of one output slice on the calling thread. */
    public void computeRows(float[][] in, int[] inOff, PlaneLayout inLayout, float[] out, int outOff,
            PlaneLayout outLayout, int y0, int y1) {
        check(in, inOff, inLayout, out, outOff, outLayout);
        if (y0 < 0 || y1 > outLayout.height() || y0 > y1) {
            throw new IllegalArgumentException("rows [" + y0 + ", " + y1 + ") outside [0, " + outLayout.height()
                    + ")");
        }
        kernel.rows(in, inOff, kd, tapShifts(inLayout), packed, bias, blocks, relu, inLayout, out, outOff, outLayout,
                y0, y1);
    }

    private void check(float[][] in, int[] inOff, PlaneLayout il, float[] out, int outOff, PlaneLayout ol) {
        if (in.length != kd || inOff.length != kd) {
            throw new IllegalArgumentException("need " + kd + " input slices, got " + in.length);
        }
        if (il.channels() != inC || ol.channels() != outC) {
            throw new IllegalArgumentException("layouts have " + il.channels() + " -> " + ol.channels()
                    + " channels, the convolution " + inC + " -> " + outC);
        }
        if (il.height() != ol.height() || il.width() != ol.width()) {
            throw new IllegalArgumentException("input and output planes differ: " + il + " vs " + ol);
        }
        if (il.pad() < kh / 2 * dh || il.pad() < kw / 2 * dw) {
            throw new IllegalArgumentException("input border " + il.pad() + " is narrower than the kernel's reach "
                    + planeReach());
        }
        for (int z = 0; z < kd; z++) {
            if (in[z] != null && (inOff[z] < 0 || (long) inOff[z] + il.sliceLength() > in[z].length)) {
                throw new IllegalArgumentException("input slice " + z + " does not fit its array");
            }
        }
        if (outOff < 0 || (long) outOff + ol.sliceLength() > out.length) {
            throw new IllegalArgumentException("output slice does not fit its array");
        }
    }

    /** Offsets of the in-slice taps (ci, ky, kx) relative to the output position, in packing order. */
    private int[] tapShifts(PlaneLayout l) {
        int[] s = new int[inC * kh * kw];
        int i = 0;
        for (int c = 0; c < inC; c++) {
            for (int y = 0; y < kh; y++) {
                for (int x = 0; x < kw; x++) {
                    s[i++] = c * l.planeStride() + (y - kh / 2) * dh * l.rowStride() + (x - kw / 2) * dw;
                }
            }
        }
        return s;
    }

    @Override
    public String toString() {
        return "SliceConv3d " + inC + "->" + outC + " kernel " + kd + "x" + kh + "x" + kw + " dilation " + dd + "x"
                + dh + "x" + dw + (relu ? " +relu" : "") + (vectorized() ? " (vector)" : " (scalar)");
    }

    private static SliceKernel loadVector() {
        try {
            Class<?> c = Class.forName("dev.vinfer.conv.simd.VectorSliceConv");
            return (SliceKernel) c.getField("INSTANCE").get(null);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return null;
        }
    }

    /** The plain-Java kernel: the same packed order, one output element at a time. */
    static final class Scalar implements SliceKernel {
        static final Scalar INSTANCE = new Scalar();

        @Override
        public void rows(float[][] in, int[] inOff, int kd, int[] tapShift, float[] w, float[] bias, int[] blocks,
                boolean relu, PlaneLayout il, float[] out, int outOff, PlaneLayout ol, int y0, int y1) {
            int taps = tapShift.length;
            int width = ol.width();
            int wBase = 0;
            int o0 = 0;
            for (int n : blocks) {
                for (int o = 0; o < n; o++) {
                    for (int y = y0; y < y1; y++) {
                        int src = il.index(0, y, 0);
                        int dst = outOff + ol.index(o0 + o, y, 0);
                        for (int x = 0; x < width; x++) {
                            float acc = bias[o0 + o];
                            int wi = wBase + o;
                            for (int z = 0; z < kd; z++) {
                                float[] a = in[z];
                                if (a == null) {
                                    wi += taps * n;
                                    continue;
                                }
                                int base = inOff[z] + src + x;
                                for (int t = 0; t < taps; t++, wi += n) {
                                    acc += w[wi] * a[base + tapShift[t]];
                                }
                            }
                            out[dst + x] = relu && acc < 0 ? 0 : acc;
                        }
                    }
                }
                wBase += n * kd * taps;
                o0 += n;
            }
        }
    }
}
