package dev.vinfer.ops.shape;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;

/** Size: the input's element count as an int64 scalar. */
public final class SizeOp implements Operator {
    @Override
    public String opType() {
        return "Size";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor y = ctx.output(0, DType.INT64);
        y.setLong(0, inputs[0].size());
        return new Tensor[] {y};
    }
}
