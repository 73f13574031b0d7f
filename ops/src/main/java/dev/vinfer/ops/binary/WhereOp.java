package dev.vinfer.ops.binary;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;

/** Where(condition, X, Y): X where the condition holds, else Y; all three broadcast together. */
public final class WhereOp implements Operator {
    @Override
    public String opType() {
        return "Where";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor c = inputs[0];
        Operands.requireBool(c, "condition");
        DType type = Operands.sameType(inputs[1], inputs[2]);
        Tensor x = inputs[1];
        Tensor y = inputs[2];
        int[] shape = Shapes.broadcast(c.shape(), x.shape(), y.shape());
        Tensor out = ctx.output(0, type, shape);
        BroadcastRows rows = BroadcastRows.of(shape, c.shape(), x.shape(), y.shape());
        byte[] cond = c.bytes();
        int n = rows.rowLength;
        int cs = rows.innerStride[0];
        int xs = rows.innerStride[1];
        int ys = rows.innerStride[2];
        for (int r = 0; r < rows.rows; r++) {
            int co = c.offset() + rows.rowStart[0][r];
            int xo = rows.rowStart[1][r];
            int yo = rows.rowStart[2][r];
            int oo = r * n;
            if (type == DType.FLOAT32) {
                float[] xf = x.floats();
                float[] yf = y.floats();
                float[] o = out.floats();
                for (int i = 0; i < n; i++) {
                    o[out.offset() + oo + i] = cond[co + i * cs] != 0
                            ? xf[x.offset() + xo + i * xs] : yf[y.offset() + yo + i * ys];
                }
            } else if (type.isFloatingPoint()) {
                for (int i = 0; i < n; i++) {
                    out.setDouble(oo + i, cond[co + i * cs] != 0 ? x.getDouble(xo + i * xs) : y.getDouble(yo + i * ys));
                }
            } else {
                // getLong/setLong round-trip every integer and bool dtype exactly (uint64 keeps its bits).
                for (int i = 0; i < n; i++) {
                    out.setLong(oo + i, cond[co + i * cs] != 0 ? x.getLong(xo + i * xs) : y.getLong(yo + i * ys));
                }
            }
        }
        return new Tensor[] {out};
    }
}
