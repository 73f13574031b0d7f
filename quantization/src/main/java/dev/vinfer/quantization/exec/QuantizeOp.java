package dev.vinfer.quantization.exec;

import dev.vinfer.quantization.simd.QuantKernels;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;

/**
 * A per-tensor QuantizeLinear with constant parameters (typically the model input entering the int8 region),
 * vectorized for float32 input and bit-exact with the op: float32 division, round half to even, zero point,
 * saturation. Other input types go to the original op.
 */
public final class QuantizeOp implements Operator {
    private final QParams y;
    private final Operator original;

    public QuantizeOp(QParams y, Operator original) {
        this.y = y;
        this.original = original;
    }

    @Override
    public String opType() {
        return "QuantizeLinear(int8)";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] in) {
        Tensor x = in[0];
        if (x.dtype() != DType.FLOAT32) {
            return original.run(ctx, in);
        }
        Tensor out = ctx.output(0, y.dtype(), x.shape());
        int n = x.size();
        float[] src = x.floats();
        byte[] dst = out.bytes();
        QuantKernels k = QuantKernels.get();
        int chunk = 1 << 15;
        int pieces = (n + chunk - 1) / chunk;
        ctx.parallel().forRange(pieces, 2, (p0, p1) -> {
            int a = p0 * chunk;
            int b = Math.min(n, p1 * chunk);
            k.quantize(src, x.offset() + a, y.scale(), y.zeroPoint(), y.qmin(), y.qmax(), dst, out.offset() + a,
                    b - a);
        });
        return new Tensor[] {out};
    }
}
