package dev.vinfer.quantization.exec;

import dev.vinfer.ops.quant.DynamicQuantizeLinearOp;
import dev.vinfer.quantization.simd.QuantKernels;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;

/**
 * DynamicQuantizeLinear with the range scan in a plain loop and the quantization on the vectorized QuantizeLinear
 * kernel (same float32 division and rounding as the reference op). Scale and zero point come from
 * {@link DynamicQuantizeLinearOp#parameters}, so they are the reference's; an input whose scale is not a positive
 * finite number (all zeros, NaN, infinities) runs on the reference op.
 */
final class FastDynamicQuantizeOp implements Operator {
    private final DynamicQuantizeLinearOp reference;

    FastDynamicQuantizeOp(DynamicQuantizeLinearOp reference) {
        this.reference = reference;
    }

    @Override
    public String opType() {
        return "DynamicQuantizeLinear(int8)";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] in) {
        Tensor x = in[0];
        if (x.dtype() != DType.FLOAT32) {
            return reference.run(ctx, in);
        }
        float[] xs = x.floats();
        int off = x.offset();
        int n = x.size();
        float min = 0f;
        float max = 0f;
        for (int i = 0; i < n; i++) {
            float v = xs[off + i];
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        float[] params = DynamicQuantizeLinearOp.parameters(min, max);
        float scale = params[0];
        if (!(scale > 0) || !Float.isFinite(scale)) {
            return reference.run(ctx, in);
        }
        int zero = (int) params[1];
        Tensor y = ctx.output(0, DType.UINT8, x.shape());
        QuantKernels.get().quantize(xs, off, scale, zero, 0, 255, y.bytes(), y.offset(), n);
        Tensor yScale = ctx.output(1, DType.FLOAT32);
        yScale.setFloat(0, scale);
        Tensor yZero = ctx.output(2, DType.UINT8);
        yZero.bytes()[yZero.offset()] = (byte) zero;
        return new Tensor[] {y, yScale, yZero};
    }
}
