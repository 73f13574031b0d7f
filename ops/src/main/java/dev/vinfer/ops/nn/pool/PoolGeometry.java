package dev.vinfer.ops.nn.pool;

import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;

/**
 * A {@link PoolWindow} applied to one input shape {@code [N, C, spatial...]}: output sizes, resolved pads, and per
 * output position the taps that fall inside the input.
 *
 * <p>Spatial dims are stored front-padded to three (a 1-d pool is a 3-d pool over {@code [1, 1, W]}), so kernels
 * need just one triple loop. Along each dim, output {@code o} reads inputs {@code first[o] + t * dilation} for
 * {@code t < valid[o]}; {@code withPad[o]} counts the taps inside input plus explicit padding (the divisor of an
 * average that counts padding; taps added only by ceil rounding never count).
 */
public final class PoolGeometry {
    private final int batch;
    private final int channels;
    private final int spatialDims;
    private final int[] in = new int[3];
    private final int[] out = new int[3];
    private final int[] dilation = new int[3];
    private final int[] padBegin;
    private final int[] padEnd;
    private final int[][] first = new int[3][];
    private final int[][] valid = new int[3][];
    private final int[][] withPad = new int[3][];

    /**
     * Output positions along one dim at most (their tap tables take 12 bytes each): 64 M, far past any real pool,
     * so that a geometry made without a session's limit (shape inference) cannot allocate gigabytes.
     */
    static final int MAX_POSITIONS_PER_DIM = 1 << 26;

    private PoolGeometry(PoolWindow w, int[] shape, long maxOutputElements) {
        int k = w.spatialDims();
        if (shape.length != k + 2) {
            throw new VinferException("pooling with a " + k + "-d kernel needs a rank-" + (k + 2) + " input, got "
                    + Shapes.toString(shape));
        }
        batch = shape[0];
        channels = shape[1];
        spatialDims = k;
        padBegin = new int[k];
        padEnd = new int[k];
        int[] kernel = w.kernel();
        int[] strides = w.strides();
        int[] dilations = w.dilations();
        int[] pads = w.pads();
        int lead = 3 - k;
        for (int d = 0; d < lead; d++) {
            in[d] = 1;
            out[d] = 1;
            dilation[d] = 1;
            first[d] = new int[] {0};
            valid[d] = new int[] {1};
            withPad[d] = new int[] {1};
        }
        for (int i = 0; i < k; i++) {
            int d = lead + i;
            int size = shape[2 + i];
            long extent = (long) (kernel[i] - 1) * dilations[i] + 1;
            int s = strides[i];
            long o;
            long pb;
            long pe;
            switch (w.padding()) {
                case EXPLICIT -> {
                    pb = pads[i];
                    pe = pads[k + i];
                    long span = size + pb + pe - extent;
                    o = (w.ceilMode() ? Math.ceilDiv(span, s) : Math.floorDiv(span, s)) + 1;
                    // ceil rounding must not add a window that starts in the trailing padding
                    if (w.ceilMode() && (o - 1) * s >= size + pb) {
                        o--;
                    }
                }
                case SAME_EXTRA_AT_END, SAME_EXTRA_AT_BEGIN -> {
                    o = Math.ceilDiv(size, s);
                    long total = Math.max(0, (o - 1) * s + extent - size);
                    long half = total / 2;
                    pb = w.padding() == PaddingPolicy.SAME_EXTRA_AT_END ? half : total - half;
                    pe = total - pb;
                }
                case VALID -> {
                    pb = 0;
                    pe = 0;
                    o = size >= extent ? (size - extent) / s + 1 : 0;
                }
                default -> throw new IllegalStateException();
            }
            // a window just longer than the padded input gives an empty output (as in the ONNX reference);
            // a negative size means the attributes are inconsistent with this input
            if (o < 0) {
                throw new VinferException("pooling window " + w + " does not fit input " + Shapes.toString(shape)
                        + " along spatial dim " + i);
            }
            if (o > Shapes.MAX_ELEMENTS || pb > Integer.MAX_VALUE || pe > Integer.MAX_VALUE) {
                throw new VinferException("pooling output too large for input " + Shapes.toString(shape));
            }
            in[d] = size;
            out[d] = (int) o;
            dilation[d] = dilations[i];
            padBegin[i] = (int) pb;
            padEnd[i] = (int) pe;
        }
        // The output's size against the limit before the per-position tap tables (three ints per output position
        // along each dim) are allocated: hostile pads made one dim's tables gigabytes (a fuzz finding), and an
        // empty output does not make a long dim's tables small.
        long total = Shapes.size(outputShape());
        for (int d = lead; d < 3; d++) {
            if (total > maxOutputElements || out[d] > Math.min(maxOutputElements, MAX_POSITIONS_PER_DIM)) {
                throw new VinferException("pooling " + w + " on input " + Shapes.toString(shape) + " gives an output "
                        + Arrays.toString(outputShape()) + " over the limit of " + maxOutputElements + " elements");
            }
        }
        for (int i = 0; i < k; i++) {
            tapRanges(lead + i, kernel[i], strides[i], padBegin[i], padEnd[i]);
        }
    }

    private void tapRanges(int d, int kernel, int stride, int pb, int pe) {
        int n = out[d];
        int dil = dilation[d];
        int size = in[d];
        first[d] = new int[n];
        valid[d] = new int[n];
        withPad[d] = new int[n];
        for (int o = 0; o < n; o++) {
            long start = (long) o * stride - pb;
            long lo = start < 0 ? Math.ceilDiv(-start, dil) : 0;
            long hi = Math.min(kernel, Math.max(0, Math.ceilDiv(size - start, dil)));
            long hiPad = Math.min(kernel, Math.max(0, Math.ceilDiv((long) size + pe - start, dil)));
            first[d][o] = (int) (start + lo * dil);
            valid[d][o] = (int) Math.max(0, hi - lo);
            withPad[d][o] = (int) hiPad;
        }
    }

    /** The geometry of {@code window} over an input of {@code shape}. */
    public static PoolGeometry of(PoolWindow window, int[] shape) {
        return new PoolGeometry(window, shape, Shapes.MAX_ELEMENTS);
    }

    /**
     * As {@link #of(PoolWindow, int[])}, rejecting an output of more than {@code maxOutputElements} elements (the
     * session's {@code Limits.maxTensorElements}) before anything of its size is allocated.
     */
    public static PoolGeometry of(PoolWindow window, int[] shape, long maxOutputElements) {
        return new PoolGeometry(window, shape, maxOutputElements);
    }

    /** As {@link #of(PoolWindow, int[], long)} with the limit of {@code ctx}'s session, where it has one. */
    public static PoolGeometry of(PoolWindow window, int[] shape, dev.vinfer.runtime.OpContext ctx) {
        dev.vinfer.runtime.SessionOptions o = ctx == null ? null : ctx.options();
        long max = o == null || o.limits() == null ? Shapes.MAX_ELEMENTS
                : Math.min(Shapes.MAX_ELEMENTS, o.limits().maxTensorElements());
        return new PoolGeometry(window, shape, max);
    }

    /** Whether {@code x} has the input shape this geometry was made for (allocation-free). */
    public boolean hasInputShape(dev.vinfer.runtime.Tensor x) {
        if (x.rank() != spatialDims + 2 || x.dim(0) != batch || x.dim(1) != channels) {
            return false;
        }
        for (int i = 0; i < spatialDims; i++) {
            if (x.dim(2 + i) != in[3 - spatialDims + i]) {
                return false;
            }
        }
        return true;
    }

    /** {@code [N, C, out...]} with the real spatial rank. */
    public int[] outputShape() {
        int[] s = new int[spatialDims + 2];
        s[0] = batch;
        s[1] = channels;
        System.arraycopy(out, 3 - spatialDims, s, 2, spatialDims);
        return s;
    }

    /** Resolved pads as {@code [begin..., end...]}. */
    public int[] pads() {
        int[] p = new int[2 * spatialDims];
        System.arraycopy(padBegin, 0, p, 0, spatialDims);
        System.arraycopy(padEnd, 0, p, spatialDims, spatialDims);
        return p;
    }

    /** N times C: the number of independent planes. */
    public int planes() {
        return batch * channels;
    }

    /** Input elements per plane. */
    public int inputPlaneSize() {
        return in[0] * in[1] * in[2];
    }

    /** Output elements per plane. */
    public int outputPlaneSize() {
        return out[0] * out[1] * out[2];
    }

    /** Input size along padded dim {@code d} (0..2). */
    public int in(int d) {
        return in[d];
    }

    /** Output size along padded dim {@code d} (0..2). */
    public int out(int d) {
        return out[d];
    }

    public int dilation(int d) {
        return dilation[d];
    }

    /** First in-input tap of output {@code o} along padded dim {@code d}. */
    public int first(int d, int o) {
        return first[d][o];
    }

    /** Number of in-input taps of output {@code o} along padded dim {@code d}. */
    public int valid(int d, int o) {
        return valid[d][o];
    }

    /** Number of taps inside input or explicit padding for output {@code o} along padded dim {@code d}. */
    public int withPad(int d, int o) {
        return withPad[d][o];
    }

    @Override
    public String toString() {
        return "out " + Arrays.toString(outputShape()) + " pads " + Arrays.toString(pads());
    }
}
