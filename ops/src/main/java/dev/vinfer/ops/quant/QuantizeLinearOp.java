package dev.vinfer.ops.quant;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * QuantizeLinear: {@code y = saturate(rint(x / y_scale) + y_zero_point)} per tensor, per axis or per block (see
 * {@link QuantLayout}). Inputs: x (float32, float64 or int32), y_scale, optional y_zero_point. The output dtype is
 * the zero point's, else {@code outputDtype}, else uint8.
 */
public final class QuantizeLinearOp implements Operator {
    private final long axis;
    private final int blockSize;
    private final DType outputDtype;

    /**
     * @param axis        quantization axis for per-axis and blocked parameters (may be negative)
     * @param blockSize   block length along {@code axis}, or 0 when not blocked
     * @param outputDtype the output dtype when there is no zero point, or null for uint8
     */
    public QuantizeLinearOp(long axis, int blockSize, DType outputDtype) {
        if (outputDtype != null && !QuantMath.isQuantizedType(outputDtype)) {
            throw new VinferException("QuantizeLinear cannot output " + outputDtype.displayName());
        }
        this.axis = axis;
        this.blockSize = blockSize;
        this.outputDtype = outputDtype;
    }

    /** The quantization axis attribute (meaningful for per-axis and blocked parameters). */
    public long axis() {
        return axis;
    }

    /** The block size, 0 when not blocked. */
    public int blockSize() {
        return blockSize;
    }

    /** The output dtype attribute, or null (then the zero point's type, else uint8). */
    public DType outputDtype() {
        return outputDtype;
    }

    @Override
    public String opType() {
        return "QuantizeLinear";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        Tensor scale = inputs[1];
        Tensor zeroPoint = inputs.length > 2 ? inputs[2] : null;
        DType outType = outputType(zeroPoint);
        if (!x.dtype().isFloatingPoint() && x.dtype() != DType.INT32) {
            throw new VinferException("QuantizeLinear x must be float32 or int32, got " + x.dtype().displayName());
        }
        QuantLayout layout = QuantLayout.of(x.shape(), scale.shape(), axis, blockSize);
        QuantLayout.requireSameSize(scale, zeroPoint, "y");
        Tensor y = ctx.output(0, outType, x.shape());
        quantize(x, scale, zeroPoint, layout, y);
        return new Tensor[] {y};
    }

    private DType outputType(Tensor zeroPoint) {
        if (zeroPoint == null) {
            return outputDtype == null ? DType.UINT8 : outputDtype;
        }
        QuantMath.requireQuantized(zeroPoint, "y_zero_point");
        if (outputDtype != null && outputDtype != zeroPoint.dtype()) {
            throw new VinferException("output_dtype " + outputDtype.displayName() + " differs from y_zero_point type "
                    + zeroPoint.dtype().displayName());
        }
        return zeroPoint.dtype();
    }

    /**
     * The arithmetic. With a float32 scale the division is float32 (x converted to float32 first), since the
     * spec makes the scale's type the precision of {@code x / y_scale}; a float64 scale divides in double.
     */
    static void quantize(Tensor x, Tensor scale, Tensor zeroPoint, QuantLayout layout, Tensor y) {
        int qmin = QuantMath.qmin(y.dtype());
        int qmax = QuantMath.qmax(y.dtype());
        boolean floatDivision = scale.dtype() == DType.FLOAT32;
        if (!scale.dtype().isFloatingPoint()) {
            throw new VinferException("y_scale must be float32, got " + scale.dtype().displayName());
        }
        double[] scales = scale.toDoubleArray();
        int[] zeroPoints = zeroPoint == null ? new int[scales.length] : QuantMath.ints(zeroPoint);
        int k = 0;
        for (int o = 0; o < layout.outer(); o++) {
            for (int d = 0; d < layout.axisLen(); d++) {
                for (int i = 0; i < layout.inner(); i++, k++) {
                    int p = layout.paramIndex(o, d, i);
                    double v = floatDivision ? x.getFloat(k) / (float) scales[p] : x.getDouble(k) / scales[p];
                    QuantMath.store(y, k, QuantMath.quantize(v, zeroPoints[p], qmin, qmax));
                }
            }
        }
    }
}
