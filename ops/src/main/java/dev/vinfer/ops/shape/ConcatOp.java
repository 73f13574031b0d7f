package dev.vinfer.ops.shape;

import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;

/** Concat: joins inputs of one dtype along {@code axis}; all other dimensions must match. */
public final class ConcatOp implements Operator {
    private final long axis;

    public ConcatOp(long axis) {
        this.axis = axis;
    }

    /** The axis attribute as given (may be negative). */
    public long axis() {
        return axis;
    }

    @Override
    public String opType() {
        return "Concat";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        if (inputs.length == 0 || inputs[0] == null) {
            throw new VinferException("Concat needs at least one input");
        }
        Tensor first = inputs[0];
        int r = first.rank();
        if (r == 0) {
            throw new VinferException("Concat cannot join scalars");
        }
        int a = Shapes.axis(axis, r);
        int[] out = first.shape();
        long total = 0;
        for (Tensor t : inputs) {
            if (t == null) {
                throw new VinferException("Concat: an input is missing");
            }
            ElementCopy.requireSameDType(first, t, "Concat");
            int[] s = t.shape();
            if (s.length != r) {
                throw new VinferException("Concat: input " + t + " has another rank than " + first);
            }
            for (int i = 0; i < r; i++) {
                if (i != a && s[i] != out[i]) {
                    throw new VinferException("Concat on axis " + a + ": shapes " + Arrays.toString(first.shape())
                            + " and " + Arrays.toString(s) + " differ elsewhere");
                }
            }
            total += s[a];
        }
        if (total > Shapes.MAX_ELEMENTS) {
            throw new VinferException("Concat: axis " + a + " would have " + total + " elements");
        }
        out[a] = (int) total;
        Tensor y = ctx.output(0, first.dtype(), out);
        int outer = IndexArgs.product(out, 0, a);
        int inner = IndexArgs.product(out, a + 1, r);
        int outRow = out[a] * inner;
        int at = 0;
        for (Tensor t : inputs) {
            int row = t.dim(a) * inner;
            for (int o = 0; o < outer; o++) {
                ElementCopy.copy(t, o * row, y, o * outRow + at, row);
            }
            at += row;
        }
        return ctx.result(y);
    }
}
