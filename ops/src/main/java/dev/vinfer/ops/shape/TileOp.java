package dev.vinfer.ops.shape;

import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/** Tile: repeats the input {@code repeats[i]} times along each axis i. */
public final class TileOp implements Operator {
    @Override
    public String opType() {
        return "Tile";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        long[] repeats = IndexArgs.longs(inputs[1], "Tile repeats");
        int[] in = x.shape();
        int r = in.length;
        if (repeats.length != r) {
            throw new VinferException("Tile: " + repeats.length + " repeats for rank " + r);
        }
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            if (repeats[i] < 0) {
                throw new VinferException("Tile: negative repeat " + repeats[i] + " on axis " + i);
            }
            // Both factors below 2^31 cannot overflow a long.
            long d = in[i] == 0 ? 0 : repeats[i] > Shapes.MAX_ELEMENTS ? Long.MAX_VALUE : in[i] * repeats[i];
            if (d > Shapes.MAX_ELEMENTS) {
                throw new VinferException("Tile: axis " + i + " of size " + in[i] + " repeated " + repeats[i]
                        + " times is too large");
            }
            out[i] = (int) d;
        }
        Tensor y = ctx.output(0, x.dtype(), out);
        // View the output as [rep0, d0, rep1, d1, ...]: its row-major order is the output's, and the
        // repeat axes read the input with stride 0.
        int[] inStrides = Shapes.strides(in);
        int[] shape2 = new int[2 * r];
        int[] strides2 = new int[2 * r];
        for (int i = 0; i < r; i++) {
            shape2[2 * i] = in[i] == 0 ? 0 : out[i] / in[i];
            shape2[2 * i + 1] = in[i];
            strides2[2 * i + 1] = inStrides[i];
        }
        ElementCopy.copyStrided(x, 0, strides2, y, shape2);
        return new Tensor[] {y};
    }
}
