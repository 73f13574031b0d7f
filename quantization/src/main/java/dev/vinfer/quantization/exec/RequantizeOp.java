package dev.vinfer.quantization.exec;

import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * {@code QuantizeLinear(DequantizeLinear(q))} from one per-tensor quantization to another, as a 256-entry table
 * computed with the exact float path (so bit-exact with the two ops). Inserted where a data-movement op moves
 * quantized values between differently quantized tensors.
 */
public final class RequantizeOp implements Operator {
    private final QParams from;
    private final QParams to;
    private final byte[] table = new byte[256];

    public RequantizeOp(QParams from, QParams to) {
        this.from = from;
        this.to = to;
        for (int b = 0; b < 256; b++) {
            table[b] = (byte) to.quantize(from.dequantize(from.valueOf((byte) b)));
        }
    }

    @Override
    public String opType() {
        return "Requantize";
    }

    @Override
    public String describe() {
        return from + " -> " + to;
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] in) {
        Tensor x = in[0];
        if (x.dtype() != from.dtype()) {
            throw new VinferException("Requantize expects " + from.dtype().displayName() + ", got " + x);
        }
        Tensor y = ctx.output(0, to.dtype(), x.shape());
        byte[] xb = x.bytes();
        byte[] yb = y.bytes();
        int xo = x.offset();
        int yo = y.offset();
        for (int i = 0; i < x.size(); i++) {
            yb[yo + i] = table[xb[xo + i] & 0xFF];
        }
        return new Tensor[] {y};
    }
}
