package dev.vinfer.quantization.exec;

import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;

/**
 * com.microsoft QLinearConcat on bytes: each input already in the output's parameters is copied row by row, the
 * others go through a 256-entry requantization table holding exactly the reference's dequantize-then-quantize
 * result (float32 {@code (q - zx) * sx}, float32 division by the output scale, round half to even, saturate).
 */
final class QConcatOp implements Operator {
    private final long axis;
    private final QParams[] inputs;
    private final QParams y;
    /** Per input: null when the bytes pass through unchanged, else the table. */
    private final byte[][] tables;

    QConcatOp(long axis, QParams[] inputs, QParams y) {
        this.axis = axis;
        this.inputs = inputs;
        this.y = y;
        this.tables = new byte[inputs.length][];
        for (int t = 0; t < inputs.length; t++) {
            if (!inputs[t].equals(y)) {
                byte[] table = new byte[256];
                for (int b = 0; b < 256; b++) {
                    table[b] = (byte) y.quantize(inputs[t].dequantize(inputs[t].valueOf((byte) b)));
                }
                tables[t] = table;
            }
        }
    }

    @Override
    public String opType() {
        return "QLinearConcat(int8)";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] in) {
        Tensor first = in[0];
        int rank = first.rank();
        int ax = Shapes.axis(axis, rank);
        int[] outShape = first.shape();
        outShape[ax] = 0;
        for (int t = 0; t < in.length; t++) {
            Tensor x = in[t];
            if (x.dtype() != inputs[t].dtype()) {
                throw new VinferException("QLinearConcat(int8) input " + t + " should be "
                        + inputs[t].dtype().displayName() + ", got " + x);
            }
            int[] s = x.shape();
            for (int a = 0; a < rank; a++) {
                if (s.length != rank || a != ax && s[a] != first.dim(a)) {
                    throw new VinferException("QLinearConcat input " + t + " of shape " + Arrays.toString(s)
                            + " does not match " + Arrays.toString(first.shape()) + " off axis " + ax);
                }
            }
            outShape[ax] += s[ax];
        }
        Tensor out = ctx.output(0, y.dtype(), outShape);
        int outer = 1;
        for (int a = 0; a < ax; a++) {
            outer *= outShape[a];
        }
        int outRow = out.size() / Math.max(1, outer);
        byte[] yb = out.bytes();
        int yo = out.offset();
        int start = 0;
        for (int t = 0; t < in.length; t++) {
            Tensor x = in[t];
            byte[] xb = x.bytes();
            int row = x.size() / Math.max(1, outer);
            byte[] table = tables[t];
            for (int o = 0; o < outer; o++) {
                int src = x.offset() + o * row;
                int dst = yo + o * outRow + start;
                if (table == null) {
                    System.arraycopy(xb, src, yb, dst, row);
                } else {
                    for (int j = 0; j < row; j++) {
                        yb[dst + j] = table[xb[src + j] & 0xFF];
                    }
                }
            }
            start += row;
        }
        return new Tensor[] {out};
    }
}
