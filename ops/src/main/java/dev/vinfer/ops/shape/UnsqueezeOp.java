package dev.vinfer.ops.shape;

import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * Unsqueeze: a view with size-1 axes inserted at the listed positions of the output. Axes come from the attribute
 * (before opset 13, given here as {@code fixedAxes}) or from input 1, and may be in any order.
 */
public final class UnsqueezeOp implements Operator {
    private final long[] fixedAxes;

    /** {@code fixedAxes} null: read the axes from input 1. */
    public UnsqueezeOp(long[] fixedAxes) {
        this.fixedAxes = fixedAxes == null ? null : fixedAxes.clone();
    }

    @Override
    public String opType() {
        return "Unsqueeze";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        long[] axes = fixedAxes;
        if (axes == null) {
            if (inputs.length < 2 || inputs[1] == null) {
                throw new VinferException("Unsqueeze needs axes");
            }
            axes = IndexArgs.longs(inputs[1], "Unsqueeze axes");
        }
        int outRank = x.rank() + axes.length;
        boolean[] inserted = new boolean[outRank];
        for (int a : IndexArgs.axes(axes, outRank, "Unsqueeze")) {
            inserted[a] = true;
        }
        int[] in = x.shape();
        int[] out = new int[outRank];
        int j = 0;
        for (int i = 0; i < outRank; i++) {
            out[i] = inserted[i] ? 1 : in[j++];
        }
        ctx.options().limits().checkShape("Unsqueeze output", out);
        return new Tensor[] {x.reshape(out)};
    }
}
