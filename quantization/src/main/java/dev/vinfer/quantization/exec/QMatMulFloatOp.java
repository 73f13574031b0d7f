package dev.vinfer.quantization.exec;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;

/**
 * {@code DequantizeLinear -> MatMul/Gemm(DQ(constant B)[, bias])} whose float result leaves the int8 region (a
 * classifier feeding the graph output): the exact integer products of {@link QMatMulOp}, dequantized once per
 * output, {@code y = acc * alpha * a_scale * b_scale[n] + bias[n]}. More accurate than the unfused path (which
 * rounds every dequantized operand and partial sum to float32), so it agrees with it to float32 rounding, not bit
 * for bit.
 */
final class QMatMulFloatOp implements Operator {
    private final QMatMulOp products;
    private final int n;
    private final float[] scale;
    private final float[] bias;
    private final String name;

    QMatMulFloatOp(QMatMulOp products, int n, float[] scale, float[] bias, String name) {
        this.products = products;
        this.n = n;
        this.scale = scale;
        this.bias = bias;
        this.name = name;
    }

    @Override
    public String opType() {
        return name;
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] in) {
        Tensor at = in[0];
        int[] shape = products.outputShape(at);
        Tensor y = ctx.output(0, DType.FLOAT32, shape);
        float[] acc = products.accumulate(at, ctx.parallel());
        float[] out = y.floats();
        int off = y.offset();
        int rows = y.size() / n;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < n; c++) {
                out[off + r * n + c] = acc[r * n + c] * scale[c] + bias[c];
            }
        }
        return new Tensor[] {y};
    }
}
