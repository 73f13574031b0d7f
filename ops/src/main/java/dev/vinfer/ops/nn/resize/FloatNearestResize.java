package dev.vinfer.ops.nn.resize;

import dev.vinfer.conv.Parallel;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;

/**
 * Nearest-neighbour resize of a float32 tensor, row by row: the same source elements as {@link NearestGather} (bit
 * for bit), but without its per-element index array. Each output row (all axes but the last fixed) copies one input
 * row through the last axis's index map; an output row that reads the same input row as the one before it (every
 * repeated row of an integer upscale) is a plain copy of that row. Rows are split across threads.
 */
final class FloatNearestResize {
    /** Output elements per task at least, so that small tensors stay on one thread. */
    private static final int MIN_ELEMENTS_PER_TASK = 1 << 15;

    private FloatNearestResize() {
    }

    static void resize(Tensor x, Tensor y, AxisSampling[] sampling, double extrapolation, Parallel parallel) {
        resize(x, y, sampling, extrapolation, parallel, MIN_ELEMENTS_PER_TASK);
    }

    /** As above with a given task size (tests split small tensors with 1). */
    static void resize(Tensor x, Tensor y, AxisSampling[] sampling, double extrapolation, Parallel parallel,
            int minElementsPerTask) {
        int[] inShape = x.shape();
        int rank = inShape.length;
        int[] inStrides = Shapes.strides(inShape);
        int[] outShape = y.shape();
        // per axis: the input offset of each output coordinate (index x stride), or -1 where it extrapolates
        int[][] offsets = new int[rank][];
        for (int a = 0; a < rank; a++) {
            AxisSampling s = sampling[a];
            offsets[a] = new int[s.outLen];
            for (int o = 0; o < s.outLen; o++) {
                offsets[a][o] = s.extrapolated(o) ? -1 : s.index(o, 0) * inStrides[a];
            }
        }
        int width = rank == 0 ? 1 : outShape[rank - 1];
        int rows = width == 0 ? 0 : y.size() / width;
        int[] last = rank == 0 ? new int[] {0} : offsets[rank - 1];
        float[] in = x.floats();
        float[] out = y.floats();
        int xo = x.offset();
        int yo = y.offset();
        float e = (float) extrapolation;
        int minRows = Math.max(1, minElementsPerTask / Math.max(1, width));
        parallel.forRange(rows, minRows, (r0, r1) -> {
            int[] pos = new int[Math.max(0, rank - 1)];
            int rest = r0;
            for (int a = rank - 2; a >= 0; a--) {
                pos[a] = rest % outShape[a];
                rest /= outShape[a];
            }
            int previous = Integer.MIN_VALUE;
            for (int r = r0; r < r1; r++) {
                int src = 0;
                for (int a = 0; a < rank - 1 && src >= 0; a++) {
                    int off = offsets[a][pos[a]];
                    src = off < 0 ? -1 : src + off;
                }
                int dst = yo + r * width;
                if (src < 0) {
                    java.util.Arrays.fill(out, dst, dst + width, e);
                } else if (src == previous) {
                    System.arraycopy(out, dst - width, out, dst, width);
                } else {
                    int base = xo + src;
                    for (int k = 0; k < width; k++) {
                        int off = last[k];
                        out[dst + k] = off < 0 ? e : in[base + off];
                    }
                }
                previous = src < 0 ? Integer.MIN_VALUE : src;
                for (int a = rank - 2; a >= 0; a--) {
                    if (++pos[a] < outShape[a]) {
                        break;
                    }
                    pos[a] = 0;
                }
            }
        });
    }
}
