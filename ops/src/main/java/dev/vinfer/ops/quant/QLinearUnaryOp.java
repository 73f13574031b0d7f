package dev.vinfer.ops.quant;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;

/**
 * com.microsoft QLinearSigmoid and QLinearLeakyRelu: dequantize X, apply the float function, quantize to Y.
 * Inputs: X, X_scale, X_zero_point?, Y_scale, Y_zero_point?.
 */
public final class QLinearUnaryOp implements Operator {

    /** A float32 function of one value. */
    @FunctionalInterface
    public interface FloatFunction {
        float apply(float v);
    }

    private final String opType;
    private final FloatFunction function;

    private QLinearUnaryOp(String opType, FloatFunction function) {
        this.opType = opType;
        this.function = function;
    }

    public static QLinearUnaryOp sigmoid() {
        return new QLinearUnaryOp("QLinearSigmoid", v -> (float) (1.0 / (1.0 + Math.exp(-v))));
    }

    public static QLinearUnaryOp leakyRelu(float alpha) {
        return new QLinearUnaryOp("QLinearLeakyRelu", v -> v < 0 ? alpha * v : v);
    }

    @Override
    public String opType() {
        return opType;
    }

    /**
     * The output byte for every input byte (indexed by the unsigned byte), computed exactly as {@link #run} computes
     * each element: a per-tensor unary op on bytes is a 256-entry table lookup.
     */
    public byte[] lookupTable(DType xType, float xScale, int xZero, float yScale, int yZero, DType yType) {
        QScalar qx = new QScalar(xScale, xZero);
        QScalar qy = new QScalar(yScale, yZero);
        byte[] table = new byte[256];
        for (int b = 0; b < 256; b++) {
            int q = xType == DType.UINT8 ? b : (byte) b;
            table[b] = (byte) qy.quantize(function.apply(qx.dequantize(q)), yType);
        }
        return table;
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] in) {
        Tensor x = in[0];
        QScalar.requireByte(x.dtype(), "X");
        QScalar qx = QScalar.of(in[1], in[2], "X");
        Tensor yZero = in.length > 4 ? in[4] : null;
        QScalar qy = QScalar.of(in[3], yZero, "Y");
        DType outType = QScalar.outputType(yZero, x);
        Tensor y = ctx.output(0, outType, x.shape());
        for (int i = 0; i < x.size(); i++) {
            float v = function.apply(qx.dequantize(QuantMath.intAt(x, i)));
            QuantMath.store(y, i, qy.quantize(v, outType));
        }
        return new Tensor[] {y};
    }
}
