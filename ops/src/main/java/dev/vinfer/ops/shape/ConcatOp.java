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
        int[] rowStart = new int[inputs.length + 1];
        for (int i = 0; i < inputs.length; i++) {
            rowStart[i + 1] = rowStart[i] + inputs[i].dim(a) * inner;
        }
        int count = Math.multiplyExact(outer, outRow);
        if (count < 2 * MIN_PARALLEL_ELEMENTS || ctx.parallel().threads() < 2) {
            copyRange(inputs, rowStart, outRow, y, 0, count);
            return ctx.result(y);
        }
        // Split the output into contiguous ranges, one per thread, so each thread writes its own part of the result
        // (and a following op that splits in memory order reads mostly what its own thread wrote).
        ctx.parallel().forRange(count, MIN_PARALLEL_ELEMENTS, (from, to) -> copyRange(inputs, rowStart, outRow, y,
                from, to));
        return ctx.result(y);
    }

    /** Output elements per thread at least this many: a copy of fewer is over before a second thread joins. */
    static final int MIN_PARALLEL_ELEMENTS = 1 << 15;

    /**
     * Fills output elements {@code [from, to)}: the output is, per outer index, the inputs' rows of
     * {@code rowStart[i + 1] - rowStart[i]} elements each, back to back ({@code outRow} in all).
     */
    static void copyRange(Tensor[] inputs, int[] rowStart, int outRow, Tensor y, int from, int to) {
        int p = from;
        while (p < to) {
            int o = p / outRow;
            int within = p - o * outRow;
            int i = 0;
            while (rowStart[i + 1] <= within) {
                i++;
            }
            int row = rowStart[i + 1] - rowStart[i];
            int at = within - rowStart[i];
            int n = Math.min(row - at, to - p);
            ElementCopy.copy(inputs[i], o * row + at, y, p, n);
            p += n;
        }
    }
}
