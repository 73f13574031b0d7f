package dev.vinfer.ops.quant;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * QLinearConv: integer convolution of (x - x_zero_point) and (w - w_zero_point), plus the optional int32 bias
 * (quantized with scale x_scale * w_scale, zero point 0), requantized per output channel m as
 * {@code saturate(rint(acc * (x_scale * w_scale[m] / y_scale)) + y_zero_point)}.
 *
 * <p>Inputs: x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, B (optional). x, w and y
 * are int8 or uint8; w's scale and zero point are per tensor or per output channel. The multiplier is computed in
 * float32 and applied in double, as the ONNX reference does.
 */
public final class QLinearConvOp implements Operator {
    private final ConvGeometry geometry;

    public QLinearConvOp(ConvGeometry geometry) {
        this.geometry = geometry;
    }

    /** The convolution attributes (for graph passes that rewrite this op). */
    public ConvGeometry geometry() {
        return geometry;
    }

    @Override
    public String opType() {
        return "QLinearConv";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] in) {
        Tensor x = in[0];
        Tensor w = in[3];
        Tensor yZeroPoint = in.length > 7 ? in[7] : null;
        Tensor bias = in.length > 8 ? in[8] : null;
        requireByte(x, "x");
        requireByte(w, "w");
        DType outType = yZeroPoint == null ? x.dtype() : yZeroPoint.dtype();
        requireByteType(outType, "y_zero_point");

        IntegerConv.Shape shape = IntegerConv.shape(x.shape(), w.shape(), geometry);
        int channels = shape.outChannels();
        float xScale = QuantMath.scalarScale(in[1], "x_scale");
        int xZeroPoint = QuantMath.scalarZeroPoint(in[2], "x_zero_point");
        float[] wScales = Centering.channelScales(in[4], channels, "w_scale");
        int[] wZeroPoints = Centering.channelZeroPoints(in[5], channels, "w_zero_point");
        float yScale = QuantMath.scalarScale(in[6], "y_scale");
        int yZero = QuantMath.scalarZeroPoint(yZeroPoint, "y_zero_point");
        if (bias != null && (bias.dtype() != DType.INT32 || bias.size() != channels)) {
            throw new VinferException("B must be int32 with " + channels + " values, got " + bias);
        }

        int[] acc = IntegerConv.convolve(Centering.centered(x, xZeroPoint),
                Centering.centeredPerChannel(w, wZeroPoints), shape);

        float[] multipliers = new float[channels];
        int[] biases = new int[channels];
        for (int m = 0; m < channels; m++) {
            multipliers[m] = xScale * wScales[wScales.length == 1 ? 0 : m] / yScale;
            biases[m] = bias == null ? 0 : QuantMath.intAt(bias, m);
        }
        Tensor y = ctx.output(0, outType, shape.outputShape());
        requantize(acc, shape.batch(), biases, multipliers, yZero, y);
        return new Tensor[] {y};
    }

    /** {@code y = saturate(rint((acc + bias[m]) * multiplier[m]) + yZero)} over [batch, channel, spatial] acc. */
    static void requantize(int[] acc, int batch, int[] biases, float[] multipliers, int yZero, Tensor y) {
        int channels = multipliers.length;
        int spatial = acc.length / Math.max(1, batch * channels);
        int qmin = QuantMath.qmin(y.dtype());
        int qmax = QuantMath.qmax(y.dtype());
        int i = 0;
        for (int b = 0; b < batch; b++) {
            for (int m = 0; m < channels; m++) {
                for (int s = 0; s < spatial; s++, i++) {
                    int sum = acc[i] + biases[m];
                    QuantMath.store(y, i, QuantMath.quantize((double) sum * multipliers[m], yZero, qmin, qmax));
                }
            }
        }
    }

    private static void requireByte(Tensor t, String what) {
        requireByteType(t.dtype(), what);
    }

    private static void requireByteType(DType t, String what) {
        if (t != DType.INT8 && t != DType.UINT8) {
            throw new VinferException(what + " must be int8 or uint8, got " + t.displayName());
        }
    }
}
