package dev.vinfer.ops.shape;

import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;

/** Transpose: output axis i is input axis perm[i]; without perm the axes are reversed. */
public final class TransposeOp implements Operator {
    private final int[] perm;

    /** {@code perm} null: reverse the axes. */
    public TransposeOp(int[] perm) {
        this.perm = perm == null ? null : perm.clone();
    }

    /** The permutation, or null for the reversed axes. */
    public int[] perm() {
        return perm == null ? null : perm.clone();
    }

    @Override
    public String opType() {
        return "Transpose";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        int r = x.rank();
        int[] p = perm != null ? perm : reversed(r);
        checkPermutation(p, r);
        int[] in = x.shape();
        int[] inStrides = Shapes.strides(in);
        int[] out = new int[r];
        int[] srcStrides = new int[r];
        for (int i = 0; i < r; i++) {
            out[i] = in[p[i]];
            srcStrides[i] = inStrides[p[i]];
        }
        Tensor y = ctx.output(0, x.dtype(), out);
        ElementCopy.copyStrided(x, 0, srcStrides, y, out);
        return ctx.result(y);
    }

    private static int[] reversed(int r) {
        int[] p = new int[r];
        for (int i = 0; i < r; i++) {
            p[i] = r - 1 - i;
        }
        return p;
    }

    static void checkPermutation(int[] p, int rank) {
        if (p.length != rank) {
            throw new VinferException("Transpose: perm " + Arrays.toString(p) + " does not match rank " + rank);
        }
        boolean[] seen = new boolean[rank];
        for (int a : p) {
            if (a < 0 || a >= rank || seen[a]) {
                throw new VinferException("Transpose: perm " + Arrays.toString(p) + " is not a permutation");
            }
            seen[a] = true;
        }
    }
}
