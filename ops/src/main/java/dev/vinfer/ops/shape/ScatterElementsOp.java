package dev.vinfer.ops.shape;

import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;

/**
 * ScatterElements (and Scatter, its name before opset 11): a copy of {@code data} where element i of
 * {@code updates} goes to position i with its {@code axis} coordinate replaced by indices[i], combined by the
 * reduction. Negative indices wrap; elements are applied in row-major order.
 */
public final class ScatterElementsOp implements Operator {
    private final String opType;
    private final long axis;
    private final ScatterReduction reduction;

    public ScatterElementsOp(String opType, long axis, ScatterReduction reduction) {
        this.opType = opType;
        this.axis = axis;
        this.reduction = reduction;
    }

    @Override
    public String opType() {
        return opType;
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor data = inputs[0];
        Tensor indices = inputs[1];
        Tensor updates = inputs[2];
        IndexArgs.requireIntegers(indices, opType + " indices");
        ElementCopy.requireSameDType(data, updates, opType + " updates");
        if (!Arrays.equals(indices.shape(), updates.shape())) {
            throw new VinferException(opType + ": updates " + updates + " and indices " + indices
                    + " must have one shape");
        }
        int[] dst = GatherElementsOp.elementOffsets(opType, data.shape(), indices, axis);
        Tensor y = ctx.output(0, data.dtype(), data.shape());
        ElementCopy.copy(data, 0, y, 0, data.size());
        for (int k = 0; k < dst.length; k++) {
            reduction.apply(y, dst[k], updates, k);
        }
        return new Tensor[] {y};
    }
}
