package dev.vinfer.conv;

/**
 * The max pool a 1-D convolution may fuse ({@link Convolutions#prepareRowMaxPool}): windows of {@code k} (2 or 4)
 * consecutive outputs that do not overlap (stride {@code k}, no padding, a last partial window dropped), M5's
 * MaxPool1d(4) after each Conv+BatchNorm+Relu. Results are those of an ONNX MaxPool on the convolution's output: the
 * largest tap that is not NaN, NaN only when every tap is.
 */
final class RowMaxPool {
    private RowMaxPool() {
    }

    /** A per-thread buffer of at least {@code n} floats from {@code holder}, replaced when too small. */
    static float[] buffer(ThreadLocal<float[][]> holder, int n) {
        float[][] h = holder.get();
        if (h[0].length < n) {
            h[0] = new float[n];
        }
        return h[0];
    }

    /** Pooled length of a row of {@code width} values. */
    static int pooledWidth(int width, int k) {
        return width / k;
    }

    /** Output floats of layer {@code g}, its rows pooled by {@code rowPool} when that is above 1. */
    static int outputLength(ConvGeometry g, int rowPool) {
        if (rowPool == 1) {
            return g.outputLength();
        }
        if ((rowPool != 2 && rowPool != 4) || g.rank() != 1 || g.outputDim(0) < rowPool) {
            throw new IllegalArgumentException("a fused max pool of " + rowPool + " on " + g);
        }
        return Math.multiplyExact(g.batch() * g.outChannels(), pooledWidth(g.outputDim(0), rowPool));
    }

    /**
     * {@code dst[dOff + r * dPitch + i] = max over t < k of src[sOff + r * sPitch + k * i + t]} for {@code r < rows},
     * {@code i < cols}, NaN taps skipped. The vector max passes NaN on; a row whose result holds one is recomputed
     * there tap by tap (one scan per row finds them; real networks have none).
     */
    static void pool(Backend backend, int k, float[] src, int sOff, int sPitch, int rows, int cols, float[] dst,
            int dOff, int dPitch) {
        if (rows == 0 || cols == 0) {
            return;
        }
        backend.maxRuns(k, src, sOff, sPitch, rows, cols, dst, dOff, dPitch);
        for (int r = 0; r < rows; r++) {
            int d = dOff + r * dPitch;
            if (backend.anyNaN(dst, d, cols)) {
                int s = sOff + r * sPitch;
                for (int i = 0; i < cols; i++) {
                    if (dst[d + i] != dst[d + i]) {
                        dst[d + i] = skippingNaN(src, s + k * i, k);
                    }
                }
            }
        }
    }

    /** The max of {@code src[at, at + k)} without its NaNs; NaN if all are. */
    private static float skippingNaN(float[] src, int at, int k) {
        float best = Float.NEGATIVE_INFINITY;
        boolean any = false;
        for (int t = 0; t < k; t++) {
            float v = src[at + t];
            if (v >= best) {
                best = v;
                any = true;
            }
        }
        return any ? best : Float.NaN;
    }
}
