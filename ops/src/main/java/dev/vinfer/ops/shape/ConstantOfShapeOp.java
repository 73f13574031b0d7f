package dev.vinfer.ops.shape;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/** ConstantOfShape: a tensor of the shape in input 0 filled with the one-element {@code value} (default float 0). */
public final class ConstantOfShapeOp implements Operator {
    private final Tensor value;

    /** {@code value} null means float32 0. */
    public ConstantOfShapeOp(Tensor value) {
        if (value != null && value.size() != 1) {
            throw new VinferException("ConstantOfShape value must hold one element, got " + value);
        }
        this.value = value == null ? Tensor.zeros(DType.FLOAT32, 1) : value.copy();
    }

    @Override
    public String opType() {
        return "ConstantOfShape";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        long[] dims = IndexArgs.longs(inputs[0], "ConstantOfShape shape");
        for (long d : dims) {
            if (d < 0 || d > Shapes.MAX_ELEMENTS) {
                throw new VinferException("ConstantOfShape: invalid dimension " + d);
            }
        }
        int[] shape = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            shape[i] = (int) dims[i];
        }
        Tensor y = ctx.output(0, value.dtype(), shape);
        ElementCopy.fill(y, value, 0);
        return new Tensor[] {y};
    }
}
