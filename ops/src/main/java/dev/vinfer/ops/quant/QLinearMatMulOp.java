package dev.vinfer.ops.quant;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * QLinearMatMul: the integer numpy-style product of (a - a_zero_point) and (b - b_zero_point), requantized as
 * {@code saturate(rint(acc * (a_scale * b_scale / y_scale)) + y_zero_point)}. Inputs: a, a_scale, a_zero_point,
 * b, b_scale, b_zero_point, y_scale, y_zero_point; a/b parameters per tensor, per row of a, per column of b. The
 * multiplier is float32 arithmetic applied in double, as the ONNX reference does.
 */
public final class QLinearMatMulOp implements Operator {

    @Override
    public String opType() {
        return "QLinearMatMul";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] in) {
        Tensor a = in[0];
        Tensor b = in[3];
        Tensor yZeroPoint = in.length > 7 ? in[7] : null;
        for (Tensor t : new Tensor[] {a, b}) {
            if (t.dtype() != DType.INT8 && t.dtype() != DType.UINT8) {
                throw new VinferException("QLinearMatMul takes int8 or uint8 operands, got "
                        + t.dtype().displayName());
            }
        }
        DType outType = yZeroPoint == null ? a.dtype() : yZeroPoint.dtype();
        if (outType != DType.INT8 && outType != DType.UINT8) {
            throw new VinferException("y_zero_point must be int8 or uint8, got " + outType.displayName());
        }
        IntegerMatMul.Plan plan = IntegerMatMul.plan(a.shape(), b.shape());
        int[] ac = IntegerMatMul.centered(a, plan.aShape(), in[2], true, "a_zero_point");
        int[] bc = IntegerMatMul.centered(b, plan.bShape(), in[5], false, "b_zero_point");
        int[] acc = IntegerMatMul.multiply(ac, bc, plan);

        int[] full = plan.fullShape();
        Tensor aScale = in[1];
        Tensor bScale = in[4];
        int[] aScaleIndex = IntegerMatMul.paramIndex(aScale, full, true, "a_scale");
        int[] bScaleIndex = IntegerMatMul.paramIndex(bScale, full, false, "b_scale");
        float yScale = QuantMath.scalarScale(in[6], "y_scale");
        int yZero = QuantMath.scalarZeroPoint(yZeroPoint, "y_zero_point");
        int qmin = QuantMath.qmin(outType);
        int qmax = QuantMath.qmax(outType);
        Tensor y = ctx.output(0, outType, plan.outShape());
        for (int i = 0; i < acc.length; i++) {
            float multiplier = QuantMath.scaleAt(aScale, aScaleIndex[i], "a_scale")
                    * QuantMath.scaleAt(bScale, bScaleIndex[i], "b_scale") / yScale;
            QuantMath.store(y, i, QuantMath.quantize((double) acc[i] * multiplier, yZero, qmin, qmax));
        }
        return new Tensor[] {y};
    }
}
