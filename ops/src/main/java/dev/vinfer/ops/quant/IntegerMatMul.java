package dev.vinfer.ops.quant;

import dev.vinfer.ops.util.Broadcast;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;

/**
 * The integer matrix product behind QLinearMatMul and MatMulInteger, with numpy.matmul shapes: a 1-D operand is
 * promoted to a matrix (a to [1, K], b to [K, 1]) and that axis dropped from the result; batch axes broadcast.
 * Also maps quantization parameters (per tensor, per row of a, per column of b) onto operand or output elements.
 */
final class IntegerMatMul {
    private IntegerMatMul() {
    }

    /**
     * The shapes of one product. {@code aShape}/{@code bShape} are the promoted operand shapes (rank >= 2),
     * {@code fullShape} the promoted output [batch..., M, N], {@code outShape} the one returned.
     */
    record Plan(int[] aShape, int[] bShape, int[] fullShape, int[] outShape, int m, int k, int n, int batches,
            int[] aBatch, int[] bBatch) {
    }

    static Plan plan(int[] a, int[] b) {
        if (a.length == 0 || b.length == 0) {
            throw new VinferException("matmul operands must have rank >= 1, got " + Arrays.toString(a) + " and "
                    + Arrays.toString(b));
        }
        int[] a2 = a.length == 1 ? new int[] {1, a[0]} : a;
        int[] b2 = b.length == 1 ? new int[] {b[0], 1} : b;
        int m = a2[a2.length - 2];
        int k = a2[a2.length - 1];
        int n = b2[b2.length - 1];
        if (b2[b2.length - 2] != k) {
            throw new VinferException("matmul inner dims differ: " + Arrays.toString(a) + " x " + Arrays.toString(b));
        }
        int[] aBatchShape = Arrays.copyOf(a2, a2.length - 2);
        int[] bBatchShape = Arrays.copyOf(b2, b2.length - 2);
        int[] batchShape = Shapes.broadcast(aBatchShape, bBatchShape);
        int[] full = Arrays.copyOf(batchShape, batchShape.length + 2);
        full[batchShape.length] = m;
        full[batchShape.length + 1] = n;
        int[] out = full;
        if (a.length == 1 && b.length == 1) {
            out = batchShape;
        } else if (a.length == 1) {
            out = dropAxis(full, full.length - 2);
        } else if (b.length == 1) {
            out = dropAxis(full, full.length - 1);
        }
        return new Plan(a2, b2, full, out, m, k, n, Shapes.size(batchShape),
                Broadcast.indexMap(aBatchShape, batchShape), Broadcast.indexMap(bBatchShape, batchShape));
    }

    private static int[] dropAxis(int[] shape, int axis) {
        int[] out = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != axis) {
                out[j++] = shape[i];
            }
        }
        return out;
    }

    /** int32 products (wrapping) of centered a and b, laid out as {@link Plan#fullShape()}. */
    static int[] multiply(int[] a, int[] b, Plan p) {
        int m = p.m();
        int k = p.k();
        int n = p.n();
        int[] out = new int[Math.multiplyExact(p.batches(), Math.multiplyExact(m, n))];
        for (int t = 0; t < p.batches(); t++) {
            int aBase = p.aBatch()[t] * m * k;
            int bBase = p.bBatch()[t] * k * n;
            int oBase = t * m * n;
            for (int i = 0; i < m; i++) {
                for (int kk = 0; kk < k; kk++) {
                    int av = a[aBase + i * k + kk];
                    if (av == 0) {
                        continue;
                    }
                    int bRow = bBase + kk * n;
                    int oRow = oBase + i * n;
                    for (int j = 0; j < n; j++) {
                        out[oRow + j] += av * b[bRow + j];
                    }
                }
            }
        }
        return out;
    }

    /**
     * For every element of {@code target}, the index of the parameter value that applies to it. A one-element
     * parameter applies everywhere. A 1-D per-row parameter of a (length M) is read as [M, 1]; otherwise the
     * parameter must broadcast to {@code target} ([..., M, 1] per row, [N] or [..., 1, N] per column).
     */
    static int[] paramIndex(Tensor param, int[] target, boolean perRow, String what) {
        int n = Shapes.size(target);
        if (param.size() == 1) {
            return new int[n];
        }
        int[] shape = param.shape();
        if (perRow && shape.length == 1) {
            shape = new int[] {shape[0], 1};
        }
        boolean fits = shape.length <= target.length;
        for (int i = 0; fits && i < shape.length; i++) {
            int t = target[target.length - shape.length + i];
            fits = shape[i] == t || shape[i] == 1;
        }
        if (!fits) {
            throw new VinferException(what + " of shape " + Arrays.toString(param.shape()) + " does not fit "
                    + (perRow ? "the rows" : "the columns") + " of " + Arrays.toString(target));
        }
        return Broadcast.indexMap(shape, target);
    }

    /** {@code t - zeroPoint} element-wise with the zero point mapped by {@link #paramIndex}; null means 0. */
    static int[] centered(Tensor t, int[] promotedShape, Tensor zeroPoint, boolean perRow, String what) {
        if (zeroPoint == null) {
            return Centering.centered(t, 0);
        }
        if (zeroPoint.dtype() != t.dtype()) {
            throw new VinferException(what + " is " + zeroPoint.dtype().displayName() + " but its operand is "
                    + t.dtype().displayName());
        }
        int[] index = paramIndex(zeroPoint, promotedShape, perRow, what);
        int[] zps = QuantMath.ints(zeroPoint);
        int[] out = new int[t.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = QuantMath.intAt(t, i) - zps[index[i]];
        }
        return out;
    }
}
