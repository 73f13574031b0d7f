package dev.vinfer.ops.shape;

import dev.vinfer.ops.util.Broadcast;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/** Expand: broadcasts the input against the shape in input 1 (both ways, like numpy: a 1 there keeps the input's). */
public final class ExpandOp implements Operator {
    @Override
    public String opType() {
        return "Expand";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        long[] requested = IndexArgs.longs(inputs[1], "Expand shape");
        int[] target = new int[requested.length];
        for (int i = 0; i < requested.length; i++) {
            if (requested[i] < 0 || requested[i] > Shapes.MAX_ELEMENTS) {
                throw new VinferException("Expand: invalid dimension " + requested[i] + " in shape input");
            }
            target[i] = (int) requested[i];
        }
        int[] out = Shapes.broadcast(x.shape(), target);
        Tensor y = ctx.output(0, x.dtype(), out);
        ElementCopy.copyStrided(x, 0, Broadcast.strides(x.shape(), out), y, out);
        return new Tensor[] {y};
    }
}
