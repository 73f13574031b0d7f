package dev.vinfer.ops.quant;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;

/**
 * com.microsoft QLinearAveragePool: AveragePool over the dequantized input, quantized to y. Inputs X, x_scale,
 * x_zero_point?, y_scale, y_zero_point?. Explicit pads or auto padding, floor or ceil output size; NC... or N...C
 * layout. As in onnxruntime, which defines this op: sums are float32 over dequantized values, and with
 * count_include_pad the divisor is the whole kernel size (even where a ceil-mode window overhangs the pads).
 */
public final class QLinearAveragePoolOp implements Operator {
    private final int[] kernel;
    private final int[] strides;
    private final int[] pads;
    private final ConvGeometry.PadMode padMode;
    private final boolean ceilMode;
    private final boolean countIncludePad;
    private final boolean channelsLast;

    /** {@code strides}/{@code pads} may be null (1s, 0s); pads are [begin..., end...] and used when EXPLICIT. */
    public QLinearAveragePoolOp(int[] kernel, int[] strides, int[] pads, ConvGeometry.PadMode padMode,
            boolean ceilMode, boolean countIncludePad, boolean channelsLast) {
        int r = kernel.length;
        if ((strides != null && strides.length != r) || (pads != null && pads.length != 2 * r)) {
            throw new VinferException("QLinearAveragePool strides/pads do not match kernel_shape of rank " + r);
        }
        this.kernel = kernel.clone();
        this.strides = strides == null ? ones(r) : strides.clone();
        this.pads = pads == null ? new int[2 * r] : pads.clone();
        this.padMode = padMode;
        this.ceilMode = ceilMode;
        this.countIncludePad = countIncludePad;
        this.channelsLast = channelsLast;
    }

    private static int[] ones(int r) {
        int[] a = new int[r];
        Arrays.fill(a, 1);
        return a;
    }

    @Override
    public String opType() {
        return "QLinearAveragePool";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] in) {
        Tensor x = in[0];
        QScalar.requireByte(x.dtype(), "X");
        int r = kernel.length;
        if (x.rank() != r + 2) {
            throw new VinferException("QLinearAveragePool with a rank-" + r + " kernel needs rank " + (r + 2)
                    + " input, got " + x);
        }
        QScalar qx = QScalar.of(in[1], in[2], "x");
        Tensor yZero = in.length > 4 ? in[4] : null;
        QScalar qy = QScalar.of(in[3], yZero, "y");
        DType outType = QScalar.outputType(yZero, x);

        int[] shape = x.shape();
        int n = shape[0];
        int c = channelsLast ? shape[r + 1] : shape[1];
        int[] inDims = Arrays.copyOfRange(shape, channelsLast ? 1 : 2, channelsLast ? r + 1 : r + 2);
        int[] padBegin = new int[r];
        int[] padEnd = new int[r];
        int[] outDims = outputDims(inDims, padBegin, padEnd);
        int[] outShape = new int[r + 2];
        outShape[0] = n;
        outShape[channelsLast ? r + 1 : 1] = c;
        System.arraycopy(outDims, 0, outShape, channelsLast ? 1 : 2, r);
        Tensor y = ctx.output(0, outType, outShape);

        int inSpatial = Shapes.size(inDims);
        int outSpatial = Shapes.size(outDims);
        int[] inStrides = Shapes.strides(inDims);
        int[] outIdx = new int[r];
        int[] lo = new int[r];
        int[] hi = new int[r];
        for (int o = 0; o < outSpatial; o++) {
            long divisor = 1;
            for (int a = 0; a < r; a++) {
                int start = outIdx[a] * strides[a] - padBegin[a];
                int end = start + kernel[a];
                lo[a] = Math.max(0, start);
                hi[a] = Math.min(inDims[a], end);
                divisor *= countIncludePad ? kernel[a] : Math.max(0, hi[a] - lo[a]);
            }
            for (int b = 0; b < n; b++) {
                for (int ch = 0; ch < c; ch++) {
                    float sum = windowSum(x, b, ch, c, inSpatial, inStrides, lo, hi, qx);
                    float mean = divisor == 0 ? 0f : sum / divisor;
                    // As onnxruntime (which defines this op): the zero point is added in float before rounding.
                    float shifted = mean / qy.scale() + qy.zeroPoint();
                    QuantMath.store(y, index(b, ch, o, c, outSpatial), QuantMath.quantize(shifted, 0,
                            QuantMath.qmin(outType), QuantMath.qmax(outType)));
                }
            }
            increment(outIdx, outDims);
        }
        return new Tensor[] {y};
    }

    /** Output spatial dims; fills the pads actually applied. */
    private int[] outputDims(int[] inDims, int[] padBegin, int[] padEnd) {
        int r = inDims.length;
        int[] out = new int[r];
        for (int a = 0; a < r; a++) {
            int in = inDims[a];
            int k = kernel[a];
            int s = strides[a];
            long o;
            switch (padMode) {
                case SAME_UPPER, SAME_LOWER -> {
                    o = (in + s - 1L) / s;
                    int total = (int) Math.max(0, (o - 1) * s + k - in);
                    padBegin[a] = padMode == ConvGeometry.PadMode.SAME_UPPER ? total / 2 : total - total / 2;
                    padEnd[a] = total - padBegin[a];
                }
                case VALID -> o = in < k ? 0 : (in - k) / s + 1;
                default -> {
                    padBegin[a] = pads[a];
                    padEnd[a] = pads[a + r];
                    long span = (long) in + padBegin[a] + padEnd[a] - k;
                    if (span < 0) {
                        o = 0;
                    } else {
                        o = (ceilMode ? (span + s - 1) / s : span / s) + 1;
                        // In ceil mode the last window must still start inside the input or its leading pad.
                        if (ceilMode && (o - 1) * s >= (long) in + padBegin[a]) {
                            o--;
                        }
                    }
                }
            }
            out[a] = (int) o;
        }
        return out;
    }

    /** Float32 sum of the dequantized values in the window [lo, hi) of one (batch, channel), row-major order. */
    private float windowSum(Tensor x, int b, int ch, int c, int inSpatial, int[] inStrides, int[] lo, int[] hi,
            QScalar qx) {
        int r = lo.length;
        for (int a = 0; a < r; a++) {
            if (hi[a] <= lo[a]) {
                return 0;
            }
        }
        int[] idx = lo.clone();
        float sum = 0;
        while (true) {
            int s = 0;
            for (int a = 0; a < r; a++) {
                s += idx[a] * inStrides[a];
            }
            sum += qx.dequantize(QuantMath.intAt(x, index(b, ch, s, c, inSpatial)));
            int a = r - 1;
            while (a >= 0 && ++idx[a] >= hi[a]) {
                idx[a] = lo[a];
                a--;
            }
            if (a < 0) {
                return sum;
            }
        }
    }

    /** Flat index of (batch, channel, spatial position) in NC... or N...C layout. */
    private int index(int b, int ch, int spatialIndex, int c, int spatial) {
        return channelsLast
                ? (b * spatial + spatialIndex) * c + ch
                : (b * c + ch) * spatial + spatialIndex;
    }

    private static void increment(int[] idx, int[] dims) {
        for (int a = idx.length - 1; a >= 0; a--) {
            if (++idx[a] < dims[a]) {
                return;
            }
            idx[a] = 0;
        }
    }
}
