package dev.vinfer.ops.shape;

import dev.vinfer.conv.Parallel;
import dev.vinfer.runtime.Tensor;
import java.util.Arrays;

/**
 * Pad on float32, output row by output row (all axes but the last fixed), rows split across threads: the same
 * elements as {@link PadOp}'s generic row gather, but the longest stretch of the last axis that copies consecutive
 * input elements (the kept input row) goes by {@link System#arraycopy}, only the pads by the index map, and constant
 * positions are written with the value row by row instead of filling the whole output first.
 */
final class FloatPadRows {
    /** Output elements per task at least, so that small tensors stay on one thread. */
    private static final int MIN_ELEMENTS_PER_TASK = 1 << 15;

    private FloatPadRows() {
    }

    /**
     * @param maps      per axis, the input coordinate each output coordinate copies, or -1 for the constant
     * @param inStrides the input's strides
     * @param out       the output shape (rank >= 1)
     * @param value     the constant
     */
    static void run(Tensor x, Tensor y, int[][] maps, int[] inStrides, int[] out, float value, Parallel parallel,
            int minElementsPerTask) {
        int r = out.length;
        int[] last = maps[r - 1];
        int width = out[r - 1];
        int rows = width == 0 ? 0 : y.size() / width;
        // the longest run of consecutive input columns: [runStart, runEnd)
        int runStart = 0;
        int runEnd = 0;
        for (int k = 0; k < width;) {
            int e = k + 1;
            if (last[k] >= 0) {
                while (e < width && last[e] == last[e - 1] + 1) {
                    e++;
                }
                if (e - k > runEnd - runStart) {
                    runStart = k;
                    runEnd = e;
                }
            }
            k = e;
        }
        int rs = runStart;
        int re = runEnd;
        float[] in = x.floats();
        float[] o = y.floats();
        int xo = x.offset();
        int yo = y.offset();
        int minRows = Math.max(1, minElementsPerTask / Math.max(1, width));
        parallel.forRange(rows, minRows, (r0, r1) -> {
            int[] pos = new int[r - 1];
            int rest = r0;
            for (int a = r - 2; a >= 0; a--) {
                pos[a] = rest % out[a];
                rest /= out[a];
            }
            for (int row = r0; row < r1; row++) {
                int src = 0;
                boolean inside = true;
                for (int a = 0; a < r - 1 && inside; a++) {
                    int c = maps[a][pos[a]];
                    inside = c >= 0;
                    src += c * inStrides[a];
                }
                int dst = yo + row * width;
                if (!inside) {
                    Arrays.fill(o, dst, dst + width, value);
                } else {
                    int base = xo + src;
                    for (int k = 0; k < rs; k++) {
                        o[dst + k] = last[k] < 0 ? value : in[base + last[k]];
                    }
                    if (re > rs) {
                        System.arraycopy(in, base + last[rs], o, dst + rs, re - rs);
                    }
                    for (int k = re; k < width; k++) {
                        o[dst + k] = last[k] < 0 ? value : in[base + last[k]];
                    }
                }
                for (int a = r - 2; a >= 0; a--) {
                    if (++pos[a] < out[a]) {
                        break;
                    }
                    pos[a] = 0;
                }
            }
        });
    }

    static void run(Tensor x, Tensor y, int[][] maps, int[] inStrides, int[] out, float value, Parallel parallel) {
        run(x, y, maps, inStrides, out, value, parallel, MIN_ELEMENTS_PER_TASK);
    }
}
