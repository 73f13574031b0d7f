package dev.vinfer.ops.binary;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;

/** Not: logical negation of a bool tensor. */
public final class NotOp implements Operator {
    @Override
    public String opType() {
        return "Not";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        Operands.requireBool(x, "input X");
        Tensor out = ctx.output(0, DType.BOOL, x.shape());
        byte[] in = x.bytes();
        byte[] o = out.bytes();
        int xo = x.offset();
        int oo = out.offset();
        for (int i = 0; i < x.size(); i++) {
            o[oo + i] = (byte) (in[xo + i] == 0 ? 1 : 0);
        }
        return new Tensor[] {out};
    }
}
