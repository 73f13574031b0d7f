package dev.vinfer.ops.quant;

import dev.vinfer.ops.util.Broadcast;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;

/**
 * com.microsoft QLinearAdd and QLinearMul with numpy broadcasting: dequantize A and B, add or multiply in
 * float32, quantize to C. Inputs: A, A_scale, A_zero_point?, B, B_scale, B_zero_point?, C_scale, C_zero_point?.
 */
public final class QLinearBinaryOp implements Operator {

    /** The float operation. */
    public enum Kind {
        ADD, MUL
    }

    private final Kind kind;

    public QLinearBinaryOp(Kind kind) {
        this.kind = kind;
    }

    @Override
    public String opType() {
        return kind == Kind.ADD ? "QLinearAdd" : "QLinearMul";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] in) {
        Tensor a = in[0];
        Tensor b = in[3];
        QScalar.requireByte(a.dtype(), "A");
        QScalar.requireByte(b.dtype(), "B");
        QScalar qa = QScalar.of(in[1], in[2], "A");
        QScalar qb = QScalar.of(in[4], in[5], "B");
        Tensor cZero = in.length > 7 ? in[7] : null;
        QScalar qc = QScalar.of(in[6], cZero, "C");
        DType outType = QScalar.outputType(cZero, a);

        int[] shape = Shapes.broadcast(a.shape(), b.shape());
        int[] aIndex = Broadcast.indexMap(a.shape(), shape);
        int[] bIndex = Broadcast.indexMap(b.shape(), shape);
        Tensor c = ctx.output(0, outType, shape);
        for (int i = 0; i < c.size(); i++) {
            float x = qa.dequantize(QuantMath.intAt(a, aIndex[i]));
            float y = qb.dequantize(QuantMath.intAt(b, bIndex[i]));
            float r = kind == Kind.ADD ? x + y : x * y;
            QuantMath.store(c, i, qc.quantize(r, outType));
        }
        return new Tensor[] {c};
    }
}
