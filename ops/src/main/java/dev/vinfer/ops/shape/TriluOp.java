package dev.vinfer.ops.shape;

import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * Trilu: keeps the upper (column - row &gt;= k) or lower (column - row &lt;= k) triangle of each matrix in the last two
 * axes and zeroes the rest; k comes from optional input 1 (default 0).
 */
public final class TriluOp implements Operator {
    private final boolean upper;

    public TriluOp(boolean upper) {
        this.upper = upper;
    }

    @Override
    public String opType() {
        return "Trilu";
    }

    @Override
    public String describe() {
        return upper ? "upper" : "lower";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        if (x.rank() < 2) {
            throw new VinferException("Trilu needs rank >= 2, got " + x);
        }
        long k = inputs.length > 1 && inputs[1] != null ? IndexArgs.scalarLong(inputs[1], "Trilu k") : 0;
        Tensor y = ctx.output(0, x.dtype(), x.shape());
        ElementCopy.copy(x, 0, y, 0, x.size());
        int rows = x.dim(-2);
        int cols = x.dim(-1);
        int matrix = rows * cols;
        if (matrix == 0) {
            return new Tensor[] {y};
        }
        Tensor zero = ElementCopy.zero(x.dtype());
        int matrices = x.size() / matrix;
        for (int m = 0; m < matrices; m++) {
            for (int i = 0; i < rows; i++) {
                int row = m * matrix + i * cols;
                // Columns j with j - i on the discarded side of k, clamped to [0, cols].
                if (upper) {
                    int end = (int) Math.max(0, Math.min(cols, i + k));
                    ElementCopy.fill(y, row, row + end, zero, 0);
                } else {
                    int begin = (int) Math.max(0, Math.min(cols, i + k + 1));
                    ElementCopy.fill(y, row + begin, row + cols, zero, 0);
                }
            }
        }
        return new Tensor[] {y};
    }
}
