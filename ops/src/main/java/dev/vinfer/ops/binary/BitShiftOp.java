package dev.vinfer.ops.binary;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/** BitShift on unsigned integers with broadcasting; shifting by the width or more gives 0. */
public final class BitShiftOp implements Operator {
    private final boolean left;

    public BitShiftOp(boolean left) {
        this.left = left;
    }

    @Override
    public String opType() {
        return "BitShift";
    }

    @Override
    public String describe() {
        return left ? "LEFT" : "RIGHT";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        DType type = Operands.sameType(inputs[0], inputs[1]);
        if (type.isFloatingPoint() || type == DType.BOOL) {
            throw new VinferException("BitShift takes unsigned integers, not " + type.displayName());
        }
        Tensor x = inputs[0];
        Tensor y = inputs[1];
        int[] shape = Shapes.broadcast(x.shape(), y.shape());
        Tensor out = ctx.output(0, type, shape);
        BroadcastRows rows = BroadcastRows.of(shape, x.shape(), y.shape());
        int width = type.byteSize() * 8;
        int n = rows.rowLength;
        int xs = rows.innerStride[0];
        int ys = rows.innerStride[1];
        for (int r = 0; r < rows.rows; r++) {
            int xo = rows.rowStart[0][r];
            int yo = rows.rowStart[1][r];
            int oo = r * n;
            for (int i = 0; i < n; i++) {
                long v = x.getLong(xo + i * xs);
                long s = y.getLong(yo + i * ys);
                // An unsigned shift count of 2^63 or more reads as negative: it is past the width too.
                long shifted = s < 0 || s >= width ? 0 : left ? v << s : v >>> s;
                out.setLong(oo + i, shifted);
            }
        }
        return new Tensor[] {out};
    }
}
