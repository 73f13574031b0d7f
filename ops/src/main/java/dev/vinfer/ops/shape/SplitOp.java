package dev.vinfer.ops.shape;

import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;

/**
 * Split along {@code axis} into {@code parts} outputs. The part lengths come from the attribute (before opset 13,
 * given as {@code fixedSplit}), else from optional input 1, else the axis is cut into equal chunks of
 * ceil(dim / parts) with a smaller last chunk (opset 18 num_outputs; earlier opsets expect an even split, which
 * this rule gives too). Where the axis has no outer dims above 1 (a batch of one split on channels), the parts
 * are views of the input, not copies.
 */
public final class SplitOp implements Operator {
    private final long axis;
    private final long[] fixedSplit;
    private final int parts;

    public SplitOp(long axis, long[] fixedSplit, int parts) {
        if (parts < 1) {
            throw new VinferException("Split needs at least one output");
        }
        this.axis = axis;
        this.fixedSplit = fixedSplit == null ? null : fixedSplit.clone();
        this.parts = parts;
    }

    @Override
    public String opType() {
        return "Split";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        int[] in = x.shape();
        if (in.length == 0) {
            throw new VinferException("Split: a scalar has no axis to split");
        }
        int a = Shapes.axis(axis, in.length);
        int dim = in[a];
        long[] split = fixedSplit;
        if (split == null && inputs.length > 1 && inputs[1] != null) {
            split = IndexArgs.longs(inputs[1], "Split split");
        }
        int[] lengths = split == null ? equalChunks(dim, parts) : checkedLengths(split, dim, parts);
        int outer = IndexArgs.product(in, 0, a);
        int inner = IndexArgs.product(in, a + 1, in.length);
        int inRow = dim * inner;
        Tensor[] outs = new Tensor[parts];
        int at = 0;
        for (int p = 0; p < parts; p++) {
            int[] s = in.clone();
            s[a] = lengths[p];
            if (outer == 1) {
                // one row: each part is a contiguous range of the input, so a view of it (ShuffleNet's channel
                // halves at batch 1); the memory plan keeps the input alive while a part is read
                outs[p] = Tensor.wrap(x.dtype(), x.data(), x.offset() + at, s);
                at += lengths[p] * inner;
                continue;
            }
            Tensor y = ctx.output(p, x.dtype(), s);
            int row = lengths[p] * inner;
            for (int o = 0; o < outer; o++) {
                ElementCopy.copy(x, o * inRow + at, y, o * row, row);
            }
            at += row;
            outs[p] = y;
        }
        return outs;
    }

    static int[] equalChunks(int dim, int parts) {
        int chunk = (int) ((dim + (long) parts - 1) / parts);
        long beforeLast = (long) chunk * (parts - 1);
        if (beforeLast > dim) {
            throw new VinferException("Split: an axis of " + dim + " cannot be cut into " + parts + " parts");
        }
        int[] lengths = new int[parts];
        Arrays.fill(lengths, chunk);
        lengths[parts - 1] = (int) (dim - beforeLast);
        return lengths;
    }

    private static int[] checkedLengths(long[] split, int dim, int parts) {
        if (split.length != parts) {
            throw new VinferException("Split: " + split.length + " lengths " + Arrays.toString(split) + " for "
                    + parts + " outputs");
        }
        int[] lengths = new int[parts];
        long sum = 0;
        for (int i = 0; i < parts; i++) {
            if (split[i] < 0 || split[i] > dim) {
                throw new VinferException("Split: invalid length " + split[i] + " in " + Arrays.toString(split));
            }
            lengths[i] = (int) split[i];
            sum += split[i];
        }
        if (sum != dim) {
            throw new VinferException("Split: lengths " + Arrays.toString(split) + " do not add up to " + dim);
        }
        return lengths;
    }
}
