package dev.vinfer.ops.util;

import dev.vinfer.runtime.Shapes;

/**
 * Numpy-style broadcasting helpers shared by element-wise ops.
 *
 * <p>{@link #strides} gives, for an input broadcast to an output shape, the input stride of every output axis (0
 * where the input repeats). {@link #indexMap} turns that into a per-element lookup table: simple and general, the
 * reference path; fast paths handle equal shapes and scalars without it.
 */
public final class Broadcast {
    private Broadcast() {
    }

    /** Input strides aligned to the output's axes, 0 on broadcast axes. */
    public static int[] strides(int[] in, int[] out) {
        int r = out.length;
        int[] st = new int[r];
        int[] inStrides = Shapes.strides(in);
        for (int i = 0; i < r; i++) {
            int j = i - (r - in.length);
            st[i] = j < 0 || in[j] == 1 ? 0 : inStrides[j];
        }
        return st;
    }

    /** For each output element (row-major), the index of the input element it reads. */
    public static int[] indexMap(int[] in, int[] out) {
        int n = Shapes.size(out);
        int[] map = new int[n];
        int[] st = strides(in, out);
        int r = out.length;
        int[] idx = new int[r];
        int off = 0;
        for (int k = 0; k < n; k++) {
            map[k] = off;
            for (int a = r - 1; a >= 0; a--) {
                idx[a]++;
                off += st[a];
                if (idx[a] < out[a]) {
                    break;
                }
                off -= st[a] * idx[a];
                idx[a] = 0;
            }
        }
        return map;
    }

    /** True when {@code in} equals {@code out} exactly (no broadcasting needed). */
    public static boolean same(int[] in, int[] out) {
        return java.util.Arrays.equals(in, out);
    }
}
