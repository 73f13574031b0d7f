package dev.vinfer.ops.quant;

import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;

/**
 * How the scale and zero point of QuantizeLinear/DequantizeLinear map onto the elements of x: one value for the
 * whole tensor, one per index of {@code axis}, or (blocked) one per run of {@code blockSize} indices along
 * {@code axis} at every other position.
 *
 * <p>x is viewed as [outer, axisLen, inner]. The parameter of element (o, d, i) sits at
 * {@code o * outerStride + (d / block) * axisStride + i * innerStride}; per-tensor has all strides 0, per-axis
 * only {@code axisStride = 1}, blocked all three.
 */
public record QuantLayout(int outer, int axisLen, int inner, int block, int outerStride, int axisStride,
        int innerStride) {

    /**
     * The layout of a parameter of shape {@code paramShape} for x of shape {@code xShape}: per-tensor for a
     * scalar or one-element parameter, per-axis for a 1-D parameter when {@code blockSize} is 0, else blocked.
     */
    public static QuantLayout of(int[] xShape, int[] paramShape, long axisAttr, int blockSize) {
        int n = Shapes.size(xShape);
        int paramCount = Shapes.size(paramShape);
        if (paramShape.length == 0 || paramCount == 1 && blockSize <= 0) {
            return new QuantLayout(1, n, 1, 1, 0, 0, 0);
        }
        int axis = Shapes.axis(axisAttr, xShape.length);
        int outer = 1;
        for (int a = 0; a < axis; a++) {
            outer *= xShape[a];
        }
        int axisLen = xShape[axis];
        int inner = 1;
        for (int a = axis + 1; a < xShape.length; a++) {
            inner *= xShape[a];
        }
        if (blockSize <= 0) {
            if (paramShape.length != 1 || paramShape[0] != axisLen) {
                throw new VinferException("per-axis scale/zero point of shape " + Arrays.toString(paramShape)
                        + " does not match axis " + axis + " of x " + Arrays.toString(xShape));
            }
            return new QuantLayout(outer, axisLen, inner, 1, 0, 1, 0);
        }
        int blocks = (axisLen + blockSize - 1) / blockSize;
        boolean ok = paramShape.length == xShape.length;
        for (int a = 0; ok && a < xShape.length; a++) {
            ok = a == axis ? paramShape[a] == blocks : paramShape[a] == xShape[a];
        }
        if (!ok) {
            throw new VinferException("blocked scale/zero point of shape " + Arrays.toString(paramShape)
                    + " does not match x " + Arrays.toString(xShape) + " with axis " + axis + " and block_size "
                    + blockSize);
        }
        return new QuantLayout(outer, axisLen, inner, blockSize, blocks * inner, inner, 1);
    }

    /** Index into the parameter of the element at (o, d, i). */
    public int paramIndex(int o, int d, int i) {
        return o * outerStride + (d / block) * axisStride + i * innerStride;
    }

    /** Throws unless the zero point (when present) has as many elements as the scale. */
    public static void requireSameSize(Tensor scale, Tensor zeroPoint, String name) {
        if (zeroPoint != null && zeroPoint.size() != scale.size()) {
            throw new VinferException(name + "_zero_point shape " + Arrays.toString(zeroPoint.shape())
                    + " does not match " + name + "_scale shape " + Arrays.toString(scale.shape()));
        }
    }
}
