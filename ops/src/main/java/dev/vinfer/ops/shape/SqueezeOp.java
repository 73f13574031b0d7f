package dev.vinfer.ops.shape;

import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;

/**
 * Squeeze: a view without the listed size-1 axes, or without every size-1 axis when none are listed. The axes come
 * from the attribute (before opset 13, given here as {@code fixedAxes}) or from optional input 1.
 */
public final class SqueezeOp implements Operator {
    private final long[] fixedAxes;

    /** {@code fixedAxes} null: read the axes from input 1 (absent: squeeze all size-1 axes). */
    public SqueezeOp(long[] fixedAxes) {
        this.fixedAxes = fixedAxes == null ? null : fixedAxes.clone();
    }

    @Override
    public String opType() {
        return "Squeeze";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        long[] axes = fixedAxes;
        if (axes == null && inputs.length > 1 && inputs[1] != null) {
            axes = IndexArgs.longs(inputs[1], "Squeeze axes");
        }
        int[] in = x.shape();
        boolean[] drop = new boolean[in.length];
        if (axes == null) {
            for (int i = 0; i < in.length; i++) {
                drop[i] = in[i] == 1;
            }
        } else {
            for (int a : IndexArgs.axes(axes, in.length, "Squeeze")) {
                if (in[a] != 1) {
                    throw new VinferException("Squeeze: axis " + a + " of shape " + Arrays.toString(in)
                            + " is not 1");
                }
                drop[a] = true;
            }
        }
        int[] out = new int[in.length];
        int n = 0;
        for (int i = 0; i < in.length; i++) {
            if (!drop[i]) {
                out[n++] = in[i];
            }
        }
        return new Tensor[] {x.reshape(Arrays.copyOf(out, n))};
    }
}
