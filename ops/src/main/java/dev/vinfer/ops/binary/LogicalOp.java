package dev.vinfer.ops.binary;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;

/** And, Or, Xor on bool tensors with broadcasting. */
public final class LogicalOp implements Operator {
    /** The boolean functions. */
    public enum Kind {
        AND, OR, XOR
    }

    private final String opType;
    private final Kind kind;
    private final int legacyAxis;

    private LogicalOp(String opType, Kind kind, int legacyAxis) {
        this.opType = opType;
        this.kind = kind;
        this.legacyAxis = legacyAxis;
    }

    public LogicalOp(String opType, Kind kind) {
        this(opType, kind, LegacyBroadcast.NONE);
    }

    /** A logical op of an opset before 7 whose second input aligns with the first at {@code axis}. */
    public static LogicalOp legacy(String opType, Kind kind, int axis) {
        return new LogicalOp(opType, kind, axis);
    }

    @Override
    public String opType() {
        return opType;
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor a = inputs[0];
        Operands.requireBool(a, "input A");
        Operands.requireBool(inputs[1], "input B");
        Tensor b = LegacyBroadcast.align(a, inputs[1], legacyAxis);
        int[] shape = Shapes.broadcast(a.shape(), b.shape());
        Tensor out = ctx.output(0, DType.BOOL, shape);
        BroadcastRows rows = BroadcastRows.of(shape, a.shape(), b.shape());
        byte[] x = a.bytes();
        byte[] y = b.bytes();
        byte[] o = out.bytes();
        int n = rows.rowLength;
        int as = rows.innerStride[0];
        int bs = rows.innerStride[1];
        for (int r = 0; r < rows.rows; r++) {
            int xo = a.offset() + rows.rowStart[0][r];
            int yo = b.offset() + rows.rowStart[1][r];
            int oo = out.offset() + r * n;
            for (int i = 0; i < n; i++) {
                boolean p = x[xo + i * as] != 0;
                boolean q = y[yo + i * bs] != 0;
                boolean v = switch (kind) {
                    case AND -> p & q;
                    case OR -> p | q;
                    case XOR -> p ^ q;
                };
                o[oo + i] = (byte) (v ? 1 : 0);
            }
        }
        return new Tensor[] {out};
    }
}
