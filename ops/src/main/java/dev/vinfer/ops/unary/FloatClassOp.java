package dev.vinfer.ops.unary;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/** IsNaN and IsInf: a bool tensor telling which floating-point elements are NaN, or +inf / -inf. */
public final class FloatClassOp implements Operator {
    private enum Test { NAN, INF }

    private final Test test;
    private final boolean positiveInf;
    private final boolean negativeInf;

    private FloatClassOp(Test test, boolean positiveInf, boolean negativeInf) {
        this.test = test;
        this.positiveInf = positiveInf;
        this.negativeInf = negativeInf;
    }

    public static FloatClassOp isNaN() {
        return new FloatClassOp(Test.NAN, false, false);
    }

    /** IsInf, detecting +inf and/or -inf as the attributes detect_positive / detect_negative ask. */
    public static FloatClassOp isInf(boolean positive, boolean negative) {
        return new FloatClassOp(Test.INF, positive, negative);
    }

    @Override
    public String opType() {
        return test == Test.NAN ? "IsNaN" : "IsInf";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        if (!x.dtype().isFloatingPoint()) {
            throw new VinferException(opType() + " takes a floating-point tensor, not " + x.dtype().displayName());
        }
        Tensor y = ctx.output(0, DType.BOOL, x.shape());
        byte[] out = y.bytes();
        int oo = y.offset();
        for (int i = 0; i < x.size(); i++) {
            out[oo + i] = (byte) (matches(x.getDouble(i)) ? 1 : 0);
        }
        return new Tensor[] {y};
    }

    private boolean matches(double v) {
        if (test == Test.NAN) {
            return Double.isNaN(v);
        }
        return v == Double.POSITIVE_INFINITY ? positiveInf : v == Double.NEGATIVE_INFINITY && negativeInf;
    }
}
