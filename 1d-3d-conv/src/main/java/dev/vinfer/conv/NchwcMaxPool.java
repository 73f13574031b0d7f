package dev.vinfer.conv;

import static dev.vinfer.conv.NchwcLayout.BLOCK;

/**
 * A 2-D max pool on channel-blocked tensors ({@link NchwcLayout}): input {@code [N][ceil(C/16)][H][W][16]}, output
 * {@code [N][ceil(C/16)][OH][OW][16]}, any kernel, stride, dilation and (asymmetric) padding. The output size is
 * given, so ONNX's ceil_mode is the caller's arithmetic; taps outside the input (padding, or past it when ceil mode
 * adds a window) are skipped.
 *
 * <p>Results are ONNX's: padding never wins, NaN taps are skipped, a window of only NaN gives NaN, a window with no
 * tap inside the input gives -inf. The output's lanes past C are written as zeros.
 *
 * <p>The work runs in {@link Backend#nchwcMaxPool}, per (image, block) plane and range of output rows: value by
 * value on the scalar backend (the reference); on the vector one a position's 16 channels are one vector, each
 * input row pooled along W once and the output rows taken down those (simd {@code NchwcMaxPoolRows}). Why blocked:
 * SqueezeNet's fire modules are 1x1 convolutions that already run blocked; a pool between them in NCHW would cost
 * two reorders.
 */
public final class NchwcMaxPool {
    /** Output floats times taps below which a plane is not split by rows across threads. */
    private static final long MIN_SPLIT_WORK = 20_000;

    private final int batch;
    private final int channels;
    private final int blocks;
    private final int inH;
    private final int inW;
    private final int kH;
    private final int kW;
    private final int sH;
    private final int sW;
    private final int dH;
    private final int dW;
    private final int padTop;
    private final int padLeft;
    private final int outH;
    private final int outW;
    private final Backend backend;

    private NchwcMaxPool(int[] v, Backend backend) {
        batch = v[0];
        channels = v[1];
        inH = v[2];
        inW = v[3];
        kH = v[4];
        kW = v[5];
        sH = v[6];
        sW = v[7];
        dH = v[8];
        dW = v[9];
        padTop = v[10];
        padLeft = v[11];
        outH = v[12];
        outW = v[13];
        blocks = NchwcLayout.blocks(channels);
        this.backend = backend;
    }

    /**
     * A pool of {@code kH x kW} windows, strides {@code sH, sW}, dilations {@code dH, dW}, the input padded by
     * {@code padTop} rows and {@code padLeft} columns before (padding after needs no number: windows past the input
     * read only its inside), {@code outH x outW} outputs.
     *
     * @throws IllegalArgumentException on a size below 1 (an output size below 0), a negative pad, or tensors
     *                                  beyond 2^31 floats
     */
    public static NchwcMaxPool prepare(int batch, int channels, int inH, int inW, int kH, int kW, int sH, int sW,
            int dH, int dW, int padTop, int padLeft, int outH, int outW) {
        return prepare(batch, channels, inH, inW, kH, kW, sH, sW, dH, dW, padTop, padLeft, outH, outW,
                Kernels.backend());
    }

    /** As {@link #prepare(int, int, int, int, int, int, int, int, int, int, int, int, int, int)} on a backend. */
    public static NchwcMaxPool prepare(int batch, int channels, int inH, int inW, int kH, int kW, int sH, int sW,
            int dH, int dW, int padTop, int padLeft, int outH, int outW, Backend backend) {
        if (batch < 1 || channels < 1 || inH < 1 || inW < 1 || kH < 1 || kW < 1 || sH < 1 || sW < 1 || dH < 1
                || dW < 1 || padTop < 0 || padLeft < 0 || outH < 0 || outW < 0) {
            throw new IllegalArgumentException("NCHWc max pool: " + batch + " x " + channels + " x " + inH + " x "
                    + inW + ", kernel " + kH + "x" + kW + ", strides " + sH + "," + sW + ", dilations " + dH + ","
                    + dW + ", pads " + padTop + "," + padLeft + ", output " + outH + "x" + outW);
        }
        if (floats(batch, channels, inH, inW) > Integer.MAX_VALUE || floats(batch, channels, outH, outW) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("NCHWc max pool: tensors beyond 2^31 floats (" + batch + " x "
                    + channels + " x " + inH + " x " + inW + " -> " + outH + " x " + outW + ")");
        }
        return new NchwcMaxPool(new int[] {batch, channels, inH, inW, kH, kW, sH, sW, dH, dW, padTop, padLeft, outH,
            outW}, backend);
    }

    public int batch() {
        return batch;
    }

    public int channels() {
        return channels;
    }

    public int inH() {
        return inH;
    }

    public int inW() {
        return inW;
    }

    public int kernelH() {
        return kH;
    }

    public int kernelW() {
        return kW;
    }

    public int strideH() {
        return sH;
    }

    public int strideW() {
        return sW;
    }

    public int dilationH() {
        return dH;
    }

    public int dilationW() {
        return dW;
    }

    public int padTop() {
        return padTop;
    }

    public int padLeft() {
        return padLeft;
    }

    public int outH() {
        return outH;
    }

    public int outW() {
        return outW;
    }

    /** Floats of the blocked input, {@code N x ceil(C/16) x H x W x 16}. */
    public long inputLength() {
        return floats(batch, channels, inH, inW);
    }

    /** Floats of the blocked output, {@code N x ceil(C/16) x OH x OW x 16}. */
    public long outputLength() {
        return floats(batch, channels, outH, outW);
    }

    /** {@code out = maxpool(in)}, both blocked; the output's lanes past C are written as zeros. */
    public void run(float[] in, int inOff, float[] out, int outOff, Parallel p) {
        NchwcPointwiseConv.check("input", in, inOff, inputLength());
        NchwcPointwiseConv.check("output", out, outOff, outputLength());
        if (outH == 0 || outW == 0) {
            return;
        }
        int units = batch * blocks;
        // Rows split too when there are fewer (image, block) planes than threads (one block of 112x112), and, for
        // one image, into a range per thread at least: tasks run rows-major (every block of a row range, then the
        // next range), so each thread pools the rows that the convolutions before and after (split by rows) write
        // and read on that thread, not the other's (by blocks, each thread read half its input from the other's
        // cache and wrote half of the next layer's).
        int rowParts = units >= 2 * p.threads() ? 1 : Math.min(outH, Math.ceilDiv(2 * p.threads(), units));
        if (batch == 1) {
            rowParts = Math.min(outH, Math.max(rowParts, p.threads()));
        }
        if ((long) outH * outW * kH * kW * BLOCK < MIN_SPLIT_WORK) {
            rowParts = 1;
        }
        Planes call = spare.getAndSet(null);
        if (call == null) {
            call = new Planes();
        }
        call.in = in;
        call.inOff = inOff;
        call.out = out;
        call.outOff = outOff;
        call.parts = rowParts;
        try {
            p.forEach(units * rowParts, call);
        } finally {
            call.in = null;
            call.out = null;
            spare.set(call);
        }
    }

    private static long floats(int batch, int channels, int h, int w) {
        return (long) batch * NchwcLayout.blocks(channels) * h * w * BLOCK;
    }

    /** A spare {@link Planes}: a steady run allocates no task object; a concurrent run makes its own. */
    private final java.util.concurrent.atomic.AtomicReference<Planes> spare =
            new java.util.concurrent.atomic.AtomicReference<>();

    /** One task of {@link #run}: rows of one (image, block) plane. */
    private final class Planes implements Parallel.Task {
        float[] in;
        int inOff;
        float[] out;
        int outOff;
        int parts;

        @Override
        public void run(int t) {
            // t = (image, row part, block), rows-major (see run)
            int img = t / (parts * blocks);
            int part = t / blocks % parts;
            int b = t % blocks;
            int u = img * blocks + b;
            int lanes = Math.min(BLOCK, channels - b * BLOCK);
            int y0 = (int) ((long) outH * part / parts);
            int y1 = (int) ((long) outH * (part + 1) / parts);
            backend.nchwcMaxPool(NchwcMaxPool.this, lanes, in, inOff + u * inH * inW * BLOCK, out,
                    outOff + u * outH * outW * BLOCK, y0, y1);
        }
    }

    @Override
    public String toString() {
        return "NCHWc max pool " + batch + " x " + channels + " x " + inH + " x " + inW + ", kernel " + kH + "x" + kW
                + ", strides " + sH + "," + sW + ", dilations " + dH + "," + dW + ", pads " + padTop + "," + padLeft
                + " -> " + outH + " x " + outW;
    }
}
