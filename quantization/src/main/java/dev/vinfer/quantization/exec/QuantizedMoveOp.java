package dev.vinfer.quantization.exec;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * A data-movement or selection op (Reshape, Transpose, Concat, Split, Slice, MaxPool, ...) run directly on
 * quantized bytes in place of {@code DequantizeLinear -> op -> QuantizeLinear}. That is exact because each output
 * element is one input element and the quantizations agree (the pass inserts a {@link RequantizeOp} where they do
 * not); for MaxPool because dequantization is monotone, so the max commutes with it. If the wrapped op turns out
 * not to handle byte tensors, this falls back to the unfused float path (dequantize, run, quantize), still exact.
 */
public final class QuantizedMoveOp implements Operator {
    private final Operator inner;
    private final QParams params;
    private final boolean[] dataInputs;
    private volatile boolean bytesUnsupported;

    /** {@code dataInputs[i]} is true for the inputs that carry quantized data (the others are constants). */
    public QuantizedMoveOp(Operator inner, QParams params, boolean[] dataInputs) {
        this.inner = inner;
        this.params = params;
        this.dataInputs = dataInputs.clone();
    }

    @Override
    public String opType() {
        return inner.opType() + "(int8)";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] in) {
        if (!bytesUnsupported) {
            try {
                Tensor[] out = inner.run(ctx, in);
                boolean ok = true;
                for (Tensor t : out) {
                    ok &= t == null || t.dtype() == params.dtype();
                }
                if (ok) {
                    return out;
                }
            } catch (VinferException | ClassCastException | UnsupportedOperationException e) {
                // fall through to the float path below
            }
            bytesUnsupported = true;
        }
        Tensor[] fin = in.clone();
        float[] table = params.dequantizeTable();
        for (int i = 0; i < fin.length; i++) {
            if (i < dataInputs.length && dataInputs[i] && in[i] != null) {
                Tensor q = in[i];
                float[] f = new float[q.size()];
                byte[] qb = q.bytes();
                for (int j = 0; j < f.length; j++) {
                    f[j] = table[qb[q.offset() + j] & 0xFF];
                }
                fin[i] = Tensor.of(f, q.shape());
            }
        }
        Tensor[] fout = inner.run(ctx, fin);
        Tensor[] out = new Tensor[fout.length];
        for (int o = 0; o < fout.length; o++) {
            Tensor f = fout[o];
            if (f == null || f.dtype() != DType.FLOAT32) {
                out[o] = f;
                continue;
            }
            Tensor q = ctx.output(o, params.dtype(), f.shape());
            byte[] qb = q.bytes();
            for (int j = 0; j < f.size(); j++) {
                qb[q.offset() + j] = (byte) params.quantize(f.getFloat(j));
            }
            out[o] = q;
        }
        return out;
    }
}
