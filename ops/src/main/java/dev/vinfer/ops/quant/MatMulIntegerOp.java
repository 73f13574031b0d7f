package dev.vinfer.ops.quant;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * MatMulInteger: the int32 numpy-style matrix product of (A - a_zero_point) and (B - b_zero_point). Inputs A, B
 * (int8/uint8), optional zero points: per tensor, per row of A, per column of B.
 */
public final class MatMulIntegerOp implements Operator {

    @Override
    public String opType() {
        return "MatMulInteger";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] in) {
        Tensor a = in[0];
        Tensor b = in[1];
        for (Tensor t : new Tensor[] {a, b}) {
            if (t.dtype() != DType.INT8 && t.dtype() != DType.UINT8) {
                throw new VinferException("MatMulInteger takes int8 or uint8 operands, got "
                        + t.dtype().displayName());
            }
        }
        IntegerMatMul.Plan plan = IntegerMatMul.plan(a.shape(), b.shape());
        int[] ac = IntegerMatMul.centered(a, plan.aShape(), in.length > 2 ? in[2] : null, true, "a_zero_point");
        int[] bc = IntegerMatMul.centered(b, plan.bShape(), in.length > 3 ? in[3] : null, false, "b_zero_point");
        int[] acc = IntegerMatMul.multiply(ac, bc, plan);
        Tensor y = ctx.output(0, DType.INT32, plan.outShape());
        System.arraycopy(acc, 0, y.ints(), y.offset(), acc.length);
        return new Tensor[] {y};
    }
}
