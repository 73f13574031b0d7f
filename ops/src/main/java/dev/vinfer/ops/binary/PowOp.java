package dev.vinfer.ops.binary;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * Pow(X, Y): X raised to Y with broadcasting. Since opset 12 the exponent may have another dtype than the base;
 * the output has the base's dtype.
 *
 * <p>Integer base with integer exponent: exact repeated multiplication wrapping to the dtype (as numpy). Integer
 * base with a floating exponent: computed in double and truncated toward zero. Floating base: {@link Math#pow}.
 */
public final class PowOp implements Operator {
    private final int legacyAxis;

    private PowOp(int legacyAxis) {
        this.legacyAxis = legacyAxis;
    }

    public PowOp() {
        this(LegacyBroadcast.NONE);
    }

    /** Pow of an opset before 7 whose exponent aligns with the base at {@code axis}. */
    public static PowOp legacy(int axis) {
        return new PowOp(axis);
    }

    @Override
    public String opType() {
        return "Pow";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        Tensor y = LegacyBroadcast.align(x, inputs[1], legacyAxis);
        DType type = x.dtype();
        if (type == DType.BOOL) {
            throw new VinferException("Pow does not take a bool base");
        }
        int[] shape = Shapes.broadcast(x.shape(), y.shape());
        Tensor out = ctx.output(0, type, shape);
        BroadcastRows rows = BroadcastRows.of(shape, x.shape(), y.shape());
        int n = rows.rowLength;
        int xs = rows.innerStride[0];
        int ys = rows.innerStride[1];
        boolean integerPower = !type.isFloatingPoint() && !y.dtype().isFloatingPoint();
        for (int r = 0; r < rows.rows; r++) {
            int xo = rows.rowStart[0][r];
            int yo = rows.rowStart[1][r];
            int oo = r * n;
            if (type == DType.FLOAT32 && y.dtype() == DType.FLOAT32) {
                floatRow(x.floats(), x.offset() + xo, xs, y.floats(), y.offset() + yo, ys, out.floats(),
                        out.offset() + oo, n);
            } else if (integerPower) {
                for (int i = 0; i < n; i++) {
                    out.setLong(oo + i, integerPow(x.getLong(xo + i * xs), y.getLong(yo + i * ys)));
                }
            } else {
                for (int i = 0; i < n; i++) {
                    out.setDouble(oo + i, Math.pow(x.getDouble(xo + i * xs), y.getDouble(yo + i * ys)));
                }
            }
        }
        return new Tensor[] {out};
    }

    private static void floatRow(float[] x, int xo, int xs, float[] y, int yo, int ys, float[] o, int oo, int n) {
        if (ys == 0 && y[yo] == 2f) {
            // Squaring is common (variance, L2 norms) and x*x equals pow(x, 2) rounded to float.
            for (int i = 0; i < n; i++) {
                float v = x[xo + i * xs];
                o[oo + i] = v * v;
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            o[oo + i] = (float) Math.pow(x[xo + i * xs], y[yo + i * ys]);
        }
    }

    /** base^exp in wrapping 64-bit arithmetic; negative exponents truncate 1/base^|exp| toward zero. */
    static long integerPow(long base, long exp) {
        if (exp < 0) {
            if (base == 1) {
                return 1;
            }
            if (base == -1) {
                return (exp & 1) == 0 ? 1 : -1;
            }
            if (base == 0) {
                throw new VinferException("Pow: zero to a negative integer power");
            }
            return 0;
        }
        long result = 1;
        long b = base;
        long e = exp;
        while (e != 0) {
            if ((e & 1) != 0) {
                result *= b;
            }
            b *= b;
            e >>>= 1;
        }
        return result;
    }
}
