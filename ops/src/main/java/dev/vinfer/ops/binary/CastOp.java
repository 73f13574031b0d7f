package dev.vinfer.ops.binary;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;

/**
 * Cast to a fixed dtype, or CastLike (the dtype of the second input, read at run time).
 *
 * <p>Conversions follow C/numpy: floats to integers truncate toward zero and then wrap to the width (NaN becomes
 * 0), anything to bool is "nonzero" (NaN is true), bool is 0 or 1. A cast to the input's own dtype returns the
 * input unchanged.
 */
public final class CastOp implements Operator {
    private final DType to;

    private CastOp(DType to) {
        this.to = to;
    }

    /** Cast to {@code to}. */
    public static CastOp to(DType to) {
        return new CastOp(to);
    }

    /** CastLike: the target dtype is that of input 1. */
    public static CastOp like() {
        return new CastOp(null);
    }

    @Override
    public String opType() {
        return to == null ? "CastLike" : "Cast";
    }

    @Override
    public String describe() {
        return to == null ? "" : "to " + to.displayName();
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        DType target = to != null ? to : inputs[1].dtype();
        if (x.dtype() == target) {
            return new Tensor[] {x};
        }
        Tensor out = ctx.output(0, target, x.shape());
        convert(x, out);
        return new Tensor[] {out};
    }

    /** Converts every element of {@code x} into {@code out} (same size, another dtype). */
    static void convert(Tensor x, Tensor out) {
        DType from = x.dtype();
        DType target = out.dtype();
        int n = x.size();
        if (target == DType.FLOAT32) {
            float[] o = out.floats();
            int oo = out.offset();
            if (from == DType.INT64) {
                // Direct long-to-float rounding; going through double could round twice.
                for (int i = 0; i < n; i++) {
                    o[oo + i] = (float) x.getLong(i);
                }
            } else {
                for (int i = 0; i < n; i++) {
                    o[oo + i] = (float) x.getDouble(i);
                }
            }
        } else if (target == DType.BOOL) {
            byte[] o = out.bytes();
            int oo = out.offset();
            for (int i = 0; i < n; i++) {
                o[oo + i] = (byte) (x.getBool(i) ? 1 : 0);
            }
        } else if (from.isFloatingPoint() || target.isFloatingPoint()) {
            // setDouble truncates toward zero and wraps for integer targets; getDouble reads unsigned values.
            for (int i = 0; i < n; i++) {
                out.setDouble(i, x.getDouble(i));
            }
        } else {
            for (int i = 0; i < n; i++) {
                out.setLong(i, x.getLong(i));
            }
        }
    }
}
