package dev.vinfer.ops.binary;

import dev.vinfer.ops.util.Broadcast;
import dev.vinfer.runtime.Shapes;

/**
 * Splits a numpy-style broadcast of several inputs into rows: runs of output elements along which every input
 * either advances by one element (stride 1) or stays on one element (stride 0).
 *
 * <p>Adjacent axes are merged whenever every input stays contiguous (or constant) across them, so equal shapes
 * become a single row of the whole tensor and a scalar operand becomes a single row with stride 0: kernels then run
 * one plain loop. Only real broadcasting leaves several rows, whose start offsets are precomputed.
 */
final class BroadcastRows {
    /** Length of every row; the output has {@code rows * rowLength} elements. */
    final int rowLength;
    final int rows;
    /** Per input, its stride (0 or 1) along a row. */
    final int[] innerStride;
    /** Per input, the element offset (relative to the tensor's start) where each row begins. */
    final int[][] rowStart;

    private BroadcastRows(int rowLength, int rows, int[] innerStride, int[][] rowStart) {
        this.rowLength = rowLength;
        this.rows = rows;
        this.innerStride = innerStride;
        this.rowStart = rowStart;
    }

    /** The rows of broadcasting every shape in {@code in} to {@code out} (which must be their broadcast). */
    static BroadcastRows of(int[] out, int[]... in) {
        int k = in.length;
        int n = Shapes.size(out);
        if (n == 0) {
            return new BroadcastRows(0, 0, new int[k], new int[k][0]);
        }
        // Strides per input aligned to the output axes, keeping only axes longer than 1.
        int[][] aligned = new int[k][];
        for (int j = 0; j < k; j++) {
            aligned[j] = Broadcast.strides(in[j], out);
        }
        int[] dims = new int[out.length];
        int[][] st = new int[k][out.length];
        int r = 0;
        for (int a = 0; a < out.length; a++) {
            if (out[a] == 1) {
                continue;
            }
            boolean merge = r > 0;
            for (int j = 0; j < k && merge; j++) {
                // Axis a continues the previous kept axis when stepping it once equals stepping a out[a] times.
                merge = st[j][r - 1] == aligned[j][a] * out[a];
            }
            if (merge) {
                dims[r - 1] *= out[a];
                for (int j = 0; j < k; j++) {
                    st[j][r - 1] = aligned[j][a];
                }
            } else {
                dims[r] = out[a];
                for (int j = 0; j < k; j++) {
                    st[j][r] = aligned[j][a];
                }
                r++;
            }
        }
        if (r == 0) {
            // Every axis is 1: one element.
            int[][] starts = new int[k][1];
            return new BroadcastRows(1, 1, new int[k], starts);
        }
        int rowLength = dims[r - 1];
        int rows = n / rowLength;
        int[] inner = new int[k];
        int[][] starts = new int[k][rows];
        for (int j = 0; j < k; j++) {
            inner[j] = st[j][r - 1];
        }
        // Walk the outer axes like an odometer, accumulating each input's offset.
        int[] idx = new int[r - 1];
        int[] off = new int[k];
        for (int row = 0; row < rows; row++) {
            for (int j = 0; j < k; j++) {
                starts[j][row] = off[j];
            }
            for (int a = r - 2; a >= 0; a--) {
                idx[a]++;
                for (int j = 0; j < k; j++) {
                    off[j] += st[j][a];
                }
                if (idx[a] < dims[a]) {
                    break;
                }
                for (int j = 0; j < k; j++) {
                    off[j] -= st[j][a] * idx[a];
                }
                idx[a] = 0;
            }
        }
        return new BroadcastRows(rowLength, rows, inner, starts);
    }
}
