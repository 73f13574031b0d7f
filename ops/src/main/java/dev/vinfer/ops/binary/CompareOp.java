package dev.vinfer.ops.binary;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;

/** Equal, Greater, GreaterOrEqual, Less, LessOrEqual: two inputs of one dtype, broadcast, to a bool tensor. */
public final class CompareOp implements Operator {
    private final String opType;
    private final Comparison test;
    private final int legacyAxis;

    private CompareOp(String opType, Comparison test, int legacyAxis) {
        this.opType = opType;
        this.test = test;
        this.legacyAxis = legacyAxis;
    }

    public CompareOp(String opType, Comparison test) {
        this(opType, test, LegacyBroadcast.NONE);
    }

    /** A comparison of an opset before 7 whose second input aligns with the first at {@code axis}. */
    public static CompareOp legacy(String opType, Comparison test, int axis) {
        return new CompareOp(opType, test, axis);
    }

    @Override
    public String opType() {
        return opType;
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        DType type = Operands.sameType(inputs[0], inputs[1]);
        Tensor a = inputs[0];
        Tensor b = LegacyBroadcast.align(a, inputs[1], legacyAxis);
        int[] shape = Shapes.broadcast(a.shape(), b.shape());
        Tensor out = ctx.output(0, DType.BOOL, shape);
        BroadcastRows rows = BroadcastRows.of(shape, a.shape(), b.shape());
        byte[] o = out.bytes();
        int n = rows.rowLength;
        int as = rows.innerStride[0];
        int bs = rows.innerStride[1];
        for (int r = 0; r < rows.rows; r++) {
            int ao = rows.rowStart[0][r];
            int bo = rows.rowStart[1][r];
            int oo = out.offset() + r * n;
            if (type == DType.FLOAT32) {
                float[] x = a.floats();
                float[] y = b.floats();
                int xo = a.offset() + ao;
                int yo = b.offset() + bo;
                for (int i = 0; i < n; i++) {
                    o[oo + i] = bool(test.test(x[xo + i * as], y[yo + i * bs]));
                }
            } else if (type.isFloatingPoint()) {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = bool(test.test(a.getDouble(ao + i * as), b.getDouble(bo + i * bs)));
                }
            } else if (type == DType.BOOL) {
                for (int i = 0; i < n; i++) {
                    int x = a.getBool(ao + i * as) ? 1 : 0;
                    int y = b.getBool(bo + i * bs) ? 1 : 0;
                    o[oo + i] = bool(test.testOrder(Integer.compare(x, y)));
                }
            } else {
                // getLong gives unsigned values for narrow unsigned types; uint64 needs an unsigned order.
                boolean unsigned64 = type == DType.UINT64;
                for (int i = 0; i < n; i++) {
                    long x = a.getLong(ao + i * as);
                    long y = b.getLong(bo + i * bs);
                    o[oo + i] = bool(test.testOrder(unsigned64 ? Long.compareUnsigned(x, y) : Long.compare(x, y)));
                }
            }
        }
        return new Tensor[] {out};
    }

    private static byte bool(boolean v) {
        return (byte) (v ? 1 : 0);
    }
}
