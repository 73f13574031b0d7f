package dev.vinfer.ops.shape;

import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * Gather: picks entries of {@code data} along {@code axis} by {@code indices} (negative ones wrap); the output
 * shape is data[:axis] + indices.shape + data[axis+1:].
 */
public final class GatherOp implements Operator {
    private final long axis;

    public GatherOp(long axis) {
        this.axis = axis;
    }

    @Override
    public String opType() {
        return "Gather";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor data = inputs[0];
        Tensor indices = inputs[1];
        IndexArgs.requireIntegers(indices, "Gather indices");
        int[] ds = data.shape();
        if (ds.length == 0) {
            throw new VinferException("Gather: data must have rank >= 1, got a scalar");
        }
        int a = Shapes.axis(axis, ds.length);
        int[] is = indices.shape();
        int[] out = new int[ds.length - 1 + is.length];
        System.arraycopy(ds, 0, out, 0, a);
        System.arraycopy(is, 0, out, a, is.length);
        System.arraycopy(ds, a + 1, out, a + is.length, ds.length - a - 1);
        int dim = ds[a];
        int n = indices.size();
        // Check every index before allocating or copying anything.
        int[] idx = new int[n];
        for (int j = 0; j < n; j++) {
            idx[j] = IndexArgs.index(indices.getLong(j), dim, "Gather");
        }
        Tensor y = ctx.output(0, data.dtype(), out);
        int outer = IndexArgs.product(ds, 0, a);
        int inner = IndexArgs.product(ds, a + 1, ds.length);
        for (int o = 0; o < outer; o++) {
            int src = o * dim * inner;
            int dst = o * n * inner;
            for (int j = 0; j < n; j++) {
                ElementCopy.copy(data, src + idx[j] * inner, y, dst + j * inner, inner);
            }
        }
        return new Tensor[] {y};
    }
}
