package dev.vinfer.ops.quant;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;

/**
 * com.microsoft QLinearConcat: inputs Y_scale, Y_zero_point, then (X, X_scale, X_zero_point) per tensor. Each
 * input is dequantized and requantized to Y's parameters, then concatenated along {@code axis}.
 */
public final class QLinearConcatOp implements Operator {
    private final long axis;

    public QLinearConcatOp(long axis) {
        this.axis = axis;
    }

    public long axis() {
        return axis;
    }

    @Override
    public String opType() {
        return "QLinearConcat";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] in) {
        if (in.length < 5 || (in.length - 2) % 3 != 0) {
            throw new VinferException("QLinearConcat needs Y_scale, Y_zero_point and (X, scale, zero point) triples, got "
                    + in.length + " inputs");
        }
        int count = (in.length - 2) / 3;
        Tensor first = in[2];
        QScalar qy = QScalar.of(in[0], in[1], "Y");
        DType outType = QScalar.outputType(in[1], first);
        int rank = first.rank();
        int ax = Shapes.axis(axis, rank);
        int[] outShape = first.shape();
        outShape[ax] = 0;
        for (int t = 0; t < count; t++) {
            Tensor x = in[2 + 3 * t];
            QScalar.requireByte(x.dtype(), "input " + t);
            int[] s = x.shape();
            for (int a = 0; a < rank; a++) {
                if (s.length != rank || a != ax && s[a] != first.dim(a)) {
                    throw new VinferException("QLinearConcat input " + t + " of shape " + Arrays.toString(s)
                            + " does not match " + Arrays.toString(first.shape()) + " off axis " + ax);
                }
            }
            outShape[ax] += s[ax];
        }
        Tensor y = ctx.output(0, outType, outShape);
        int outer = 1;
        for (int a = 0; a < ax; a++) {
            outer *= outShape[a];
        }
        int outRow = y.size() / Math.max(1, outer);
        int start = 0;
        for (int t = 0; t < count; t++) {
            Tensor x = in[2 + 3 * t];
            QScalar qx = QScalar.of(in[3 + 3 * t], in[4 + 3 * t], "input " + t);
            int row = x.size() / Math.max(1, outer);
            for (int o = 0; o < outer; o++) {
                for (int j = 0; j < row; j++) {
                    float v = qx.dequantize(QuantMath.intAt(x, o * row + j));
                    QuantMath.store(y, o * outRow + start + j, qy.quantize(v, outType));
                }
            }
            start += row;
        }
        return new Tensor[] {y};
    }
}
