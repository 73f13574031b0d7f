package dev.vinfer.ops.quant;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * DynamicQuantizeLinear: picks a uint8 scale and zero point from the data range (widened to include 0) and
 * quantizes x with them. Outputs y (uint8, shape of x), y_scale (float32 scalar), y_zero_point (uint8 scalar).
 * Every step is float32 arithmetic in the order of the spec's function body, so results match it bit for bit.
 */
public final class DynamicQuantizeLinearOp implements Operator {
    private static final float QMAX = 255f;

    @Override
    public String opType() {
        return "DynamicQuantizeLinear";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        if (x.dtype() != DType.FLOAT32) {
            throw new VinferException("DynamicQuantizeLinear x must be float32, got " + x.dtype().displayName());
        }
        float[] xs = x.floats();
        int off = x.offset();
        float min = 0f;
        float max = 0f;
        for (int i = 0; i < x.size(); i++) {
            min = Math.min(min, xs[off + i]);
            max = Math.max(max, xs[off + i]);
        }
        float scale = (max - min) / QMAX;
        int zeroPoint = zeroPoint(min, scale);

        Tensor y = ctx.output(0, DType.UINT8, x.shape());
        for (int i = 0; i < x.size(); i++) {
            QuantMath.store(y, i, QuantMath.quantize(xs[off + i] / scale, zeroPoint, 0, 255));
        }
        Tensor yScale = ctx.output(1, DType.FLOAT32);
        yScale.setFloat(0, scale);
        Tensor yZeroPoint = ctx.output(2, DType.UINT8);
        QuantMath.store(yZeroPoint, 0, zeroPoint);
        return new Tensor[] {y, yScale, yZeroPoint};
    }

    /**
     * The scale and zero point (as a float) for an input whose range, widened to contain 0, is [min, max]: what
     * {@link #run} computes, for faster kernels that scan the range themselves.
     */
    public static float[] parameters(float min, float max) {
        float scale = (max - min) / QMAX;
        return new float[] {scale, zeroPoint(min, scale)};
    }

    /** {@code rint(clip(0 - min / scale, 0, 255))}; an all-zero input (scale 0) gets zero point 0. */
    static int zeroPoint(float min, float scale) {
        float initial = 0f - min / scale;
        if (Float.isNaN(initial)) {
            return 0;
        }
        float clipped = Math.max(0f, Math.min(QMAX, initial));
        return (int) Math.rint(clipped);
    }
}
