package dev.vinfer.quantization.exec;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;

/**
 * A per-tensor DequantizeLinear left after fusion (int8 data leaving the int8 region, e.g. into a float pooling or
 * the graph output) as a 256-entry table lookup; the table holds exactly what the op computes. An input of another
 * dtype runs on the original op.
 */
final class DequantizeOp implements Operator {
    private final QParams x;
    private final Operator original;
    private final float[] table;

    DequantizeOp(QParams x, Operator original) {
        this.x = x;
        this.original = original;
        this.table = x.dequantizeTable();
    }

    @Override
    public String opType() {
        return "DequantizeLinear(int8)";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] in) {
        Tensor q = in[0];
        if (q.dtype() != x.dtype()) {
            return original.run(ctx, in);
        }
        Tensor y = ctx.output(0, DType.FLOAT32, q.shape());
        byte[] src = q.bytes();
        float[] dst = y.floats();
        int so = q.offset();
        int dOff = y.offset();
        int n = q.size();
        for (int i = 0; i < n; i++) {
            dst[dOff + i] = table[src[so + i] & 0xFF];
        }
        return new Tensor[] {y};
    }
}
