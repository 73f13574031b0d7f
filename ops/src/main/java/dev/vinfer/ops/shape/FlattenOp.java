package dev.vinfer.ops.shape;

import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/** Flatten: a 2-D view [d0*...*d(axis-1), d(axis)*...*d(n-1)]; axis in [-r, r]. */
public final class FlattenOp implements Operator {
    private final long axis;

    public FlattenOp(long axis) {
        this.axis = axis;
    }

    @Override
    public String opType() {
        return "Flatten";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        int r = x.rank();
        long a = axis < 0 ? axis + r : axis;
        if (a < 0 || a > r) {
            throw new VinferException("Flatten: axis " + axis + " out of range [" + -r + ", " + r + "]");
        }
        int[] s = x.shape();
        return new Tensor[] {x.reshape(IndexArgs.product(s, 0, (int) a), IndexArgs.product(s, (int) a, r))};
    }
}
