package dev.vinfer.ops.tensor;

import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;

/** Identity (and Dropout in inference): the output is the input, shared without a copy. */
public final class IdentityOp implements Operator {
    private final String opType;

    public IdentityOp(String opType) {
        this.opType = opType;
    }

    @Override
    public String opType() {
        return opType;
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        return new Tensor[] {inputs[0]};
    }
}
