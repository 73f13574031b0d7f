package dev.vinfer.ops.binary;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;

/**
 * PRelu(X, slope): x for x >= 0, slope * x otherwise. The slope broadcasts one way, to X's shape (opset 7+).
 *
 * <p>Opsets before 7 gave a per-channel slope as a 1-D tensor of length C for an N x C x ... input; with
 * {@code channelSlope} such a slope is laid along axis 1.
 */
public final class PReluOp implements Operator {
    private final boolean channelSlope;

    private PReluOp(boolean channelSlope) {
        this.channelSlope = channelSlope;
    }

    public PReluOp() {
        this(false);
    }

    /** PRelu of opsets 1 and 6: a 1-D slope of length C applies per channel (axis 1). */
    public static PReluOp legacy() {
        return new PReluOp(true);
    }

    @Override
    public String opType() {
        return "PRelu";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        DType type = Operands.sameType(inputs[0], inputs[1]);
        Tensor x = inputs[0];
        Tensor slope = inputs[1];
        if (channelSlope && slope.rank() == 1 && x.rank() > 2 && slope.size() == x.dim(1) && slope.size() > 1) {
            int[] s = new int[x.rank() - 1];
            Arrays.fill(s, 1);
            s[0] = slope.size();
            slope = slope.reshape(s);
        }
        int[] shape = x.shape();
        if (!Arrays.equals(Shapes.broadcast(shape, slope.shape()), shape)) {
            throw new VinferException("slope shape " + Arrays.toString(slope.shape())
                    + " does not broadcast to input shape " + Arrays.toString(shape));
        }
        Tensor out = ctx.output(0, type, shape);
        BroadcastRows rows = BroadcastRows.of(shape, shape, slope.shape());
        int n = rows.rowLength;
        int ss = rows.innerStride[1];
        for (int r = 0; r < rows.rows; r++) {
            int xo = rows.rowStart[0][r];
            int so = rows.rowStart[1][r];
            int oo = r * n;
            if (type == DType.FLOAT32) {
                float[] xf = x.floats();
                float[] sf = slope.floats();
                float[] o = out.floats();
                int xb = x.offset() + xo;
                int sb = slope.offset() + so;
                int ob = out.offset() + oo;
                for (int i = 0; i < n; i++) {
                    float v = xf[xb + i];
                    o[ob + i] = v < 0 ? v * sf[sb + i * ss] : v;
                }
            } else if (type.isFloatingPoint()) {
                for (int i = 0; i < n; i++) {
                    double v = x.getDouble(xo + i);
                    out.setDouble(oo + i, v < 0 ? v * slope.getDouble(so + i * ss) : v);
                }
            } else if (type.isSignedInteger()) {
                for (int i = 0; i < n; i++) {
                    long v = x.getLong(xo + i);
                    out.setLong(oo + i, v < 0 ? v * slope.getLong(so + i * ss) : v);
                }
            } else {
                // Unsigned values are never negative: PRelu is the identity.
                for (int i = 0; i < n; i++) {
                    out.setLong(oo + i, x.getLong(xo + i));
                }
            }
        }
        return new Tensor[] {out};
    }
}
