package dev.vinfer.ops.quant;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * DequantizeLinear: {@code y = (x - x_zero_point) * x_scale} per tensor, per axis or per block (see
 * {@link QuantLayout}). x is int8/uint8/int16/uint16/int32; the output is float32.
 */
public final class DequantizeLinearOp implements Operator {
    private final long axis;
    private final int blockSize;

    /**
     * @param axis      quantization axis for per-axis and blocked parameters (may be negative)
     * @param blockSize block length along {@code axis}, or 0 when not blocked
     */
    public DequantizeLinearOp(long axis, int blockSize) {
        this.axis = axis;
        this.blockSize = blockSize;
    }

    /** The quantization axis attribute (meaningful for per-axis and blocked parameters). */
    public long axis() {
        return axis;
    }

    /** The block size, 0 when not blocked. */
    public int blockSize() {
        return blockSize;
    }

    @Override
    public String opType() {
        return "DequantizeLinear";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        Tensor scale = inputs[1];
        Tensor zeroPoint = inputs.length > 2 ? inputs[2] : null;
        if (!QuantMath.isQuantizedType(x.dtype()) && x.dtype() != DType.INT32) {
            throw new VinferException("DequantizeLinear x must be int8, uint8, int16, uint16 or int32, got "
                    + x.dtype().displayName());
        }
        if (zeroPoint != null && zeroPoint.dtype() != x.dtype()) {
            throw new VinferException("x_zero_point is " + zeroPoint.dtype().displayName() + " but x is "
                    + x.dtype().displayName());
        }
        QuantLayout layout = QuantLayout.of(x.shape(), scale.shape(), axis, blockSize);
        QuantLayout.requireSameSize(scale, zeroPoint, "x");
        Tensor y = ctx.output(0, DType.FLOAT32, x.shape());
        dequantize(x, scale, zeroPoint, layout, y.floats(), y.offset());
        return new Tensor[] {y};
    }

    /**
     * The arithmetic. The difference is exact in a long and the product is taken in double then rounded once to
     * float32, which equals float32 arithmetic for 8/16-bit x and stays exact-then-rounded for int32 x.
     */
    static void dequantize(Tensor x, Tensor scale, Tensor zeroPoint, QuantLayout layout, float[] y, int yOff) {
        float[] scales = new float[scale.size()];
        for (int p = 0; p < scales.length; p++) {
            scales[p] = QuantMath.scaleAt(scale, p, "x_scale");
        }
        int[] zeroPoints = zeroPoint == null ? new int[scales.length] : QuantMath.ints(zeroPoint);
        int k = 0;
        for (int o = 0; o < layout.outer(); o++) {
            for (int d = 0; d < layout.axisLen(); d++) {
                for (int i = 0; i < layout.inner(); i++, k++) {
                    int p = layout.paramIndex(o, d, i);
                    long diff = x.getLong(k) - zeroPoints[p];
                    y[yOff + k] = (float) ((double) diff * scales[p]);
                }
            }
        }
    }
}
