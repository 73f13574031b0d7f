package dev.vinfer.ops.shape;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;

/**
 * Dtype-generic element movement between tensors of one dtype: contiguous runs, strided copies over a shape, and
 * index-table gathers. Every dtype is stored in one of six Java array types, so each kernel has one loop per
 * array type and never converts values (bit patterns of unsigned types and NaN payloads survive).
 */
public final class ElementCopy {
    private ElementCopy() {
    }

    /** Throws unless {@code a} and {@code b} have the same dtype (a copy between dtypes would convert). */
    public static void requireSameDType(Tensor a, Tensor b, String what) {
        if (a.dtype() != b.dtype()) {
            throw new VinferException(what + ": dtype " + b.dtype().displayName() + " differs from "
                    + a.dtype().displayName());
        }
    }

    /** Copies {@code n} consecutive elements from {@code src[srcIndex]} to {@code dst[dstIndex]} (same dtype). */
    public static void copy(Tensor src, int srcIndex, Tensor dst, int dstIndex, int n) {
        System.arraycopy(src.data(), src.offset() + srcIndex, dst.data(), dst.offset() + dstIndex, n);
    }

    /** Copies {@code n} elements stepping {@code srcStride} in the source and {@code dstStride} in the target. */
    static void copyStrided(Object src, int srcPos, int srcStride, Object dst, int dstPos, int dstStride, int n) {
        if (srcStride == 1 && dstStride == 1) {
            System.arraycopy(src, srcPos, dst, dstPos, n);
            return;
        }
        switch (src) {
            case float[] s -> {
                float[] d = (float[]) dst;
                for (int i = 0; i < n; i++, srcPos += srcStride, dstPos += dstStride) {
                    d[dstPos] = s[srcPos];
                }
            }
            case double[] s -> {
                double[] d = (double[]) dst;
                for (int i = 0; i < n; i++, srcPos += srcStride, dstPos += dstStride) {
                    d[dstPos] = s[srcPos];
                }
            }
            case long[] s -> {
                long[] d = (long[]) dst;
                for (int i = 0; i < n; i++, srcPos += srcStride, dstPos += dstStride) {
                    d[dstPos] = s[srcPos];
                }
            }
            case int[] s -> {
                int[] d = (int[]) dst;
                for (int i = 0; i < n; i++, srcPos += srcStride, dstPos += dstStride) {
                    d[dstPos] = s[srcPos];
                }
            }
            case short[] s -> {
                short[] d = (short[]) dst;
                for (int i = 0; i < n; i++, srcPos += srcStride, dstPos += dstStride) {
                    d[dstPos] = s[srcPos];
                }
            }
            case byte[] s -> {
                byte[] d = (byte[]) dst;
                for (int i = 0; i < n; i++, srcPos += srcStride, dstPos += dstStride) {
                    d[dstPos] = s[srcPos];
                }
            }
            default -> throw new VinferException("unsupported storage " + src.getClass().getSimpleName());
        }
    }

    /**
     * Walks {@code shape} row-major and copies element {@code srcBase + sum(idx[a] * srcStrides[a])} of {@code src}
     * to element {@code dstBase + sum(idx[a] * dstStrides[a])} of {@code dst}. Strides may be zero (broadcast) or
     * negative (reversed slices). Indices are relative to each tensor's first element.
     */
    public static void copyStrided(Tensor src, int srcBase, int[] srcStrides, Tensor dst, int dstBase,
            int[] dstStrides, int[] shape) {
        requireSameDType(src, dst, "strided copy");
        int rank = shape.length;
        for (int d : shape) {
            if (d == 0) {
                return;
            }
        }
        Object s = src.data();
        Object d = dst.data();
        int srcPos = src.offset() + srcBase;
        int dstPos = dst.offset() + dstBase;
        if (rank == 0) {
            copyStrided(s, srcPos, 1, d, dstPos, 1, 1);
            return;
        }
        if (rank > 1 && walksFewerAxes(srcStrides, dstStrides, shape)) {
            // Axes that are contiguous with the next one in both tensors walk as one (a channel shuffle's
            // Transpose [N, 2, C, H, W] -> [N, C, 2, H, W] copies whole H x W planes, not rows of W), and axes of
            // size 1 drop out: fewer, longer inner copies.
            int[] sh = new int[rank];
            int[] ss = new int[rank];
            int[] ds = new int[rank];
            int m = 0;
            for (int a = rank - 1; a >= 0; a--) {
                if (shape[a] == 1 && (m > 0 || a > 0)) {
                    continue;
                }
                if (m > 0 && srcStrides[a] == ss[m - 1] * sh[m - 1] && dstStrides[a] == ds[m - 1] * sh[m - 1]) {
                    sh[m - 1] *= shape[a];
                    continue;
                }
                sh[m] = shape[a];
                ss[m] = srcStrides[a];
                ds[m] = dstStrides[a];
                m++;
            }
            if (m < rank) {
                shape = new int[m];
                srcStrides = new int[m];
                dstStrides = new int[m];
                for (int i = 0; i < m; i++) {
                    shape[i] = sh[m - 1 - i];
                    srcStrides[i] = ss[m - 1 - i];
                    dstStrides[i] = ds[m - 1 - i];
                }
                rank = m;
            }
        }
        int inner = shape[rank - 1];
        int innerSrc = srcStrides[rank - 1];
        int innerDst = dstStrides[rank - 1];
        int[] idx = new int[rank - 1];
        while (true) {
            copyStrided(s, srcPos, innerSrc, d, dstPos, innerDst, inner);
            // Odometer over the outer axes, keeping both positions in step.
            int a = rank - 2;
            for (; a >= 0; a--) {
                idx[a]++;
                srcPos += srcStrides[a];
                dstPos += dstStrides[a];
                if (idx[a] < shape[a]) {
                    break;
                }
                srcPos -= srcStrides[a] * shape[a];
                dstPos -= dstStrides[a] * shape[a];
                idx[a] = 0;
            }
            if (a < 0) {
                return;
            }
        }
    }

    /**
     * Whether some axis has size 1 or is contiguous with the next in both tensors (so the walk can merge it); checked
     * without allocating, since most strided copies on the run path have nothing to merge.
     */
    private static boolean walksFewerAxes(int[] srcStrides, int[] dstStrides, int[] shape) {
        for (int a = shape.length - 2; a >= 0; a--) {
            if (shape[a] == 1 || shape[a + 1] == 1 || srcStrides[a] == srcStrides[a + 1] * shape[a + 1]
                    && dstStrides[a] == dstStrides[a + 1] * shape[a + 1]) {
                return true;
            }
        }
        return false;
    }

    /** {@link #copyStrided} into a compact row-major target starting at its element 0. */
    public static void copyStrided(Tensor src, int srcBase, int[] srcStrides, Tensor dst, int[] shape) {
        copyStrided(src, srcBase, srcStrides, dst, 0, Shapes.strides(shape), shape);
    }

    /** For each {@code i}: {@code dst[dstIndex + i] = src[srcBase + map[i]]}, skipping negative entries. */
    public static void gather(Tensor src, int srcBase, int[] map, Tensor dst, int dstIndex) {
        requireSameDType(src, dst, "gather");
        int sp = src.offset() + srcBase;
        int dp = dst.offset() + dstIndex;
        int n = map.length;
        switch (src.data()) {
            case float[] s -> {
                float[] d = (float[]) dst.data();
                for (int i = 0; i < n; i++) {
                    if (map[i] >= 0) {
                        d[dp + i] = s[sp + map[i]];
                    }
                }
            }
            case double[] s -> {
                double[] d = (double[]) dst.data();
                for (int i = 0; i < n; i++) {
                    if (map[i] >= 0) {
                        d[dp + i] = s[sp + map[i]];
                    }
                }
            }
            case long[] s -> {
                long[] d = (long[]) dst.data();
                for (int i = 0; i < n; i++) {
                    if (map[i] >= 0) {
                        d[dp + i] = s[sp + map[i]];
                    }
                }
            }
            case int[] s -> {
                int[] d = (int[]) dst.data();
                for (int i = 0; i < n; i++) {
                    if (map[i] >= 0) {
                        d[dp + i] = s[sp + map[i]];
                    }
                }
            }
            case short[] s -> {
                short[] d = (short[]) dst.data();
                for (int i = 0; i < n; i++) {
                    if (map[i] >= 0) {
                        d[dp + i] = s[sp + map[i]];
                    }
                }
            }
            case byte[] s -> {
                byte[] d = (byte[]) dst.data();
                for (int i = 0; i < n; i++) {
                    if (map[i] >= 0) {
                        d[dp + i] = s[sp + map[i]];
                    }
                }
            }
            default -> throw new VinferException("unsupported storage " + src.data().getClass().getSimpleName());
        }
    }

    /** Sets elements [from, to) of {@code dst} to element {@code valueIndex} of {@code value} (same dtype). */
    public static void fill(Tensor dst, int from, int to, Tensor value, int valueIndex) {
        requireSameDType(dst, value, "fill");
        int a = dst.offset() + from;
        int b = dst.offset() + to;
        int v = value.offset() + valueIndex;
        switch (dst.data()) {
            case float[] d -> Arrays.fill(d, a, b, ((float[]) value.data())[v]);
            case double[] d -> Arrays.fill(d, a, b, ((double[]) value.data())[v]);
            case long[] d -> Arrays.fill(d, a, b, ((long[]) value.data())[v]);
            case int[] d -> Arrays.fill(d, a, b, ((int[]) value.data())[v]);
            case short[] d -> Arrays.fill(d, a, b, ((short[]) value.data())[v]);
            case byte[] d -> Arrays.fill(d, a, b, ((byte[]) value.data())[v]);
            default -> throw new VinferException("unsupported storage " + dst.data().getClass().getSimpleName());
        }
    }

    /** Sets every element of {@code dst} to element {@code valueIndex} of {@code value}. */
    public static void fill(Tensor dst, Tensor value, int valueIndex) {
        fill(dst, 0, dst.size(), value, valueIndex);
    }

    /** A one-element tensor of {@code dtype} holding zero (false for bool). */
    static Tensor zero(DType dtype) {
        return Tensor.zeros(dtype, 1);
    }
}
