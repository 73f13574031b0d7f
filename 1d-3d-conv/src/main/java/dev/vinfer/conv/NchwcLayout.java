package dev.vinfer.conv;

/**
 * The channel-blocked activation layout ("NCHWc") that chains of {@link NchwcPointwiseConv} and
 * {@link NchwcDepthwiseConv} keep between layers: an NCHW tensor {@code [N][C][spatial]} stored as
 * {@code [N][ceil(C / BLOCK)][spatial][BLOCK]}, the BLOCK channels of one position side by side.
 *
 * <p>Why: an NCHW 1x1 convolution reads its K input planes at once (K concurrent streams, each a few KiB long
 * per strip) and a depthwise one fills vectors along rows that are short on small planes. Blocked, a position's 16
 * channels are one vector and a tensor is read as {@code C / 16} long streams, the layout ONNX Runtime converts
 * CNNs to; a session converts at the edges of a chain only (bench/README.md, "Channel-blocked chains").
 *
 * <p>Invariant: lanes past the last channel (C not a multiple of BLOCK) hold zeros, so a following 1x1 (whose
 * padded weights are zero) never multiplies stale memory (NaN times zero is NaN). Every writer of this layout
 * writes them.
 *
 * <p>BLOCK is fixed at 16 whatever the vector width, so a graph's layout does not depend on the machine; with
 * 8-lane vectors a block is two vectors.
 */
public final class NchwcLayout {
    /** Channels per block. */
    public static final int BLOCK = 16;

    private NchwcLayout() {
    }

    /** Blocks for {@code channels}. */
    public static int blocks(int channels) {
        return Math.ceilDiv(channels, BLOCK);
    }

    /** Floats of a blocked tensor of {@code batch x channels x spatial}. */
    public static long length(int batch, int channels, int spatial) {
        return (long) batch * blocks(channels) * spatial * BLOCK;
    }

    /**
     * NCHW {@code src[srcOff ...]} ({@code batch x channels x spatial}) into blocked {@code dst[dstOff ...]}, the
     * lanes past {@code channels} zeroed.
     */
    public static void toBlocked(int batch, int channels, int spatial, float[] src, int srcOff, float[] dst,
            int dstOff, Parallel p) {
        toBlocked(batch, channels, spatial, src, srcOff, dst, dstOff, p, Kernels.backend());
    }

    /** As {@link #toBlocked(int, int, int, float[], int, float[], int, Parallel)} on the given backend. */
    public static void toBlocked(int batch, int channels, int spatial, float[] src, int srcOff, float[] dst,
            int dstOff, Parallel p, Backend backend) {
        check(batch, channels, spatial, src, srcOff, (long) batch * channels * spatial, dst, dstOff,
                length(batch, channels, spatial));
        reorder(true, batch, channels, spatial, src, srcOff, dst, dstOff, p, backend);
    }

    /** Blocked {@code src[srcOff ...]} into NCHW {@code dst[dstOff ...]} ({@code batch x channels x spatial}). */
    public static void fromBlocked(int batch, int channels, int spatial, float[] src, int srcOff, float[] dst,
            int dstOff, Parallel p) {
        fromBlocked(batch, channels, spatial, src, srcOff, dst, dstOff, p, Kernels.backend());
    }

    /** As {@link #fromBlocked(int, int, int, float[], int, float[], int, Parallel)} on the given backend. */
    public static void fromBlocked(int batch, int channels, int spatial, float[] src, int srcOff, float[] dst,
            int dstOff, Parallel p, Backend backend) {
        check(batch, channels, spatial, src, srcOff, length(batch, channels, spatial), dst, dstOff,
                (long) batch * channels * spatial);
        reorder(false, batch, channels, spatial, src, srcOff, dst, dstOff, p, backend);
    }

    /**
     * Per thread, a spare {@link Reorder} task: a steady run allocates none (a capturing lambda per call escapes to
     * the pool's workers). Taken while in use (a reorder inside a reorder's task) a new one is made.
     */
    private static final ThreadLocal<Reorder[]> SPARE = ThreadLocal.withInitial(() -> new Reorder[1]);

    private static void reorder(boolean toBlocked, int batch, int channels, int spatial, float[] src, int srcOff,
            float[] dst, int dstOff, Parallel p, Backend backend) {
        Reorder[] holder = SPARE.get();
        Reorder r = holder[0];
        holder[0] = null;
        if (r == null) {
            r = new Reorder();
        }
        r.toBlocked = toBlocked;
        r.channels = channels;
        r.blocks = blocks(channels);
        r.spatial = spatial;
        r.src = src;
        r.srcOff = srcOff;
        r.dst = dst;
        r.dstOff = dstOff;
        r.backend = backend;
        try {
            p.forEach(batch * r.blocks, r);
        } finally {
            r.src = null;
            r.dst = null;
            r.backend = null;
            holder[0] = r;
        }
    }

    /** One (image, block) of a reorder. */
    private static final class Reorder implements Parallel.Task {
        boolean toBlocked;
        int channels;
        int blocks;
        int spatial;
        float[] src;
        int srcOff;
        float[] dst;
        int dstOff;
        Backend backend;

        @Override
        public void run(int t) {
            int n = t / blocks;
            int b = t % blocks;
            int c0 = b * BLOCK;
            int lanes = Math.min(BLOCK, channels - c0);
            if (toBlocked) {
                backend.nchwcPack(lanes, spatial, src, srcOff + (n * channels + c0) * spatial, dst,
                        dstOff + (n * blocks + b) * spatial * BLOCK);
            } else {
                backend.nchwcUnpack(lanes, spatial, src, srcOff + (n * blocks + b) * spatial * BLOCK, dst,
                        dstOff + (n * channels + c0) * spatial);
            }
        }
    }

    /**
     * GlobalAveragePool of a blocked tensor: {@code dst[dstOff + n * channels + c]} = the mean of channel c of image n
     * over its {@code spatial} positions. Each channel is summed in float in position order, as the NCHW pool sums
     * a plane ({@link Backend#nchwcAverage}).
     *
     * <p>Why a backend hook: summed lane by lane (a scalar add per float, each waiting for the one before) a
     * 1008-channel 13x13 image (SqueezeNet's head) took 0.095 ms, the latency of 170 000 dependent adds; the vector
     * backend adds 16-lane position vectors of several blocks at once, each lane still in position order (the same
     * sums), and is bound by the loads instead.
     */
    public static void globalAverage(int batch, int channels, int spatial, float[] src, int srcOff, float[] dst,
            int dstOff) {
        globalAverage(batch, channels, spatial, src, srcOff, dst, dstOff, Kernels.backend());
    }

    /** As {@link #globalAverage(int, int, int, float[], int, float[], int)} on the given backend. */
    public static void globalAverage(int batch, int channels, int spatial, float[] src, int srcOff, float[] dst,
            int dstOff, Backend backend) {
        check(batch, channels, spatial, src, srcOff, length(batch, channels, spatial), dst, dstOff,
                (long) batch * channels);
        int image = blocks(channels) * spatial * BLOCK;
        for (int n = 0; n < batch; n++) {
            backend.nchwcAverage(channels, spatial, src, srcOff + n * image, dst, dstOff + n * channels);
        }
    }

    private static void check(int batch, int channels, int spatial, float[] src, int srcOff, long srcLen, float[] dst,
            int dstOff, long dstLen) {
        if (batch < 1 || channels < 1 || spatial < 1) {
            throw new IllegalArgumentException("NCHWc reorder of " + batch + " x " + channels + " x " + spatial);
        }
        if (srcOff < 0 || srcOff + srcLen > src.length || dstOff < 0 || dstOff + dstLen > dst.length) {
            throw new IllegalArgumentException("NCHWc reorder out of bounds: " + srcLen + " floats from " + srcOff
                    + " of " + src.length + " into " + dstLen + " from " + dstOff + " of " + dst.length);
        }
    }

    /**
     * Applies {@code e} to the first {@code lanes} lanes of pixels {@code [px0, px1)} of one block's plane at
     * {@code y[blockOff]}: the activations the blocked kernels cannot clamp in registers (Sigmoid, HardSwish, ...),
     * after their stores.
     */
    static void applyEpilogue(Epilogue e, float[] y, int blockOff, int px0, int px1, int lanes) {
        for (int px = px0; px < px1; px++) {
            int o = blockOff + px * BLOCK;
            for (int l = 0; l < lanes; l++) {
                y[o + l] = e.apply(y[o + l]);
            }
        }
    }

    /**
     * One blocked plane ({@code [ih][iw][16]} at {@code in[src]}) into the zero-bordered {@code [rows][cols][16]}
     * plane at {@code pad[dst]}, input pixel (iy, ix) at padded (iy + top, ix + left); what falls outside either is
     * dropped or zero. The convolutions that read every tap without a bounds check copy their input this way.
     */
    static void padPlane(float[] in, int src, int ih, int iw, int top, int left, float[] pad, int dst, int rows,
            int cols) {
        padRows(in, src, ih, iw, top, left, pad, dst, 0, rows, cols);
    }

    /**
     * Rows {@code [r0, r1)} of the padded plane of {@link #padPlane} ({@code pad[dst]} is the plane's row 0), so a
     * thread can copy the rows it reads itself.
     */
    static void padRows(float[] in, int src, int ih, int iw, int top, int left, float[] pad, int dst, int r0, int r1,
            int cols) {
        // Columns [q0, q1) hold input columns [q0 - left, q1 - left); the rest are zero.
        int q0 = Math.min(cols, Math.max(0, left));
        int q1 = Math.max(q0, Math.min(cols, left + iw));
        dst += r0 * cols * BLOCK;
        for (int r = r0; r < r1; r++, dst += cols * BLOCK) {
            int iy = r - top;
            if (iy < 0 || iy >= ih) {
                java.util.Arrays.fill(pad, dst, dst + cols * BLOCK, 0f);
                continue;
            }
            java.util.Arrays.fill(pad, dst, dst + q0 * BLOCK, 0f);
            if (q0 < q1) {
                System.arraycopy(in, src + (iy * iw + q0 - left) * BLOCK, pad, dst + q0 * BLOCK, (q1 - q0) * BLOCK);
            }
            java.util.Arrays.fill(pad, dst + q1 * BLOCK, dst + cols * BLOCK, 0f);
        }
    }
}
