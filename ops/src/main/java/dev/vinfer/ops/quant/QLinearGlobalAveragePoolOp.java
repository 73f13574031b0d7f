package dev.vinfer.ops.quant;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * com.microsoft QLinearGlobalAveragePool: the mean over all spatial positions of each (n, c), of the dequantized
 * input, quantized to y. Inputs X, x_scale, x_zero_point, y_scale, y_zero_point; NCHW... or, with channels_last,
 * NHWC... layout (the output keeps the layout with spatial dims 1). As in onnxruntime, which defines this op, the
 * exact integer sum is requantized with the float32 multiplier {@code x_scale / (y_scale * count)}.
 */
public final class QLinearGlobalAveragePoolOp implements Operator {
    private final boolean channelsLast;

    public QLinearGlobalAveragePoolOp(boolean channelsLast) {
        this.channelsLast = channelsLast;
    }

    public boolean channelsLast() {
        return channelsLast;
    }

    @Override
    public String opType() {
        return "QLinearGlobalAveragePool";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] in) {
        Tensor x = in[0];
        QScalar.requireByte(x.dtype(), "X");
        if (x.rank() < 3) {
            throw new VinferException("QLinearGlobalAveragePool needs rank >= 3, got " + x);
        }
        QScalar qx = QScalar.of(in[1], in[2], "x");
        Tensor yZero = in.length > 4 ? in[4] : null;
        QScalar qy = QScalar.of(in[3], yZero, "y");
        DType outType = QScalar.outputType(yZero, x);
        int n = x.dim(0);
        int c = channelsLast ? x.dim(-1) : x.dim(1);
        int spatial = x.size() / Math.max(1, n * c);
        int[] outShape = new int[x.rank()];
        java.util.Arrays.fill(outShape, 1);
        outShape[0] = n;
        outShape[channelsLast ? x.rank() - 1 : 1] = c;
        Tensor y = ctx.output(0, outType, outShape);
        // Element (b, ch, s) sits at b*C*S + ch*S + s (NC...) or b*S*C + s*C + ch (N...C).
        int channelStride = channelsLast ? 1 : spatial;
        int spatialStride = channelsLast ? c : 1;
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                long sum = 0;
                int base = b * c * spatial + ch * channelStride;
                for (int s = 0; s < spatial; s++) {
                    sum += QuantMath.intAt(x, base + s * spatialStride) - qx.zeroPoint();
                }
                float multiplier = spatial == 0 ? 0f : qx.scale() / (qy.scale() * spatial);
                QuantMath.store(y, b * c + ch, QuantMath.quantize((float) sum * multiplier, qy.zeroPoint(),
                        QuantMath.qmin(outType), QuantMath.qmax(outType)));
            }
        }
        return new Tensor[] {y};
    }
}
