package dev.vinfer.ops.shape;

import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * Slice with starts, ends, optional axes and steps: from attributes before opset 10 (given to the constructor),
 * from inputs 1-4 after. Negative starts/ends count from the end, then are clamped as the spec says: to [0, dim]
 * for positive steps and to [0, dim-1] (starts) / [-1, dim-1] (ends) for negative steps.
 */
public final class SliceOp implements Operator {
    private final long[] fixedStarts;
    private final long[] fixedEnds;
    private final long[] fixedAxes;

    /** Slice reading starts, ends, axes and steps from its inputs (opset 10+). */
    public SliceOp() {
        this(null, null, null);
    }

    /** Slice with attribute starts/ends/axes (opset 1-9); {@code axes} may be null. */
    public SliceOp(long[] starts, long[] ends, long[] axes) {
        this.fixedStarts = starts == null ? null : starts.clone();
        this.fixedEnds = ends == null ? null : ends.clone();
        this.fixedAxes = axes == null ? null : axes.clone();
    }

    @Override
    public String opType() {
        return "Slice";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        long[] starts;
        long[] ends;
        long[] axes;
        long[] steps = null;
        if (fixedStarts != null) {
            starts = fixedStarts;
            ends = fixedEnds;
            axes = fixedAxes;
        } else {
            if (inputs.length < 3 || inputs[1] == null || inputs[2] == null) {
                throw new VinferException("Slice needs starts and ends");
            }
            starts = IndexArgs.longs(inputs[1], "Slice starts");
            ends = IndexArgs.longs(inputs[2], "Slice ends");
            axes = optional(inputs, 3, "Slice axes");
            steps = optional(inputs, 4, "Slice steps");
        }
        int[] in = x.shape();
        int r = in.length;
        int n = starts.length;
        if (ends.length != n || axes != null && axes.length != n || steps != null && steps.length != n) {
            throw new VinferException("Slice: starts, ends, axes and steps must have one length");
        }
        if (axes == null) {
            if (n > r) {
                throw new VinferException("Slice: " + n + " starts for rank " + r);
            }
            axes = new long[n];
            for (int i = 0; i < n; i++) {
                axes[i] = i;
            }
        }
        int[] ax = IndexArgs.axes(axes, r, "Slice");
        int[] inStrides = Shapes.strides(in);
        int[] out = in.clone();
        int[] srcStrides = inStrides.clone();
        long base = 0;
        for (int i = 0; i < n; i++) {
            int a = ax[i];
            long step = steps == null ? 1 : steps[i];
            if (step == 0) {
                throw new VinferException("Slice: step 0 on axis " + a);
            }
            long dim = in[a];
            long start = starts[i] < 0 ? starts[i] + dim : starts[i];
            long end = ends[i] < 0 ? ends[i] + dim : ends[i];
            long count;
            if (step > 0) {
                start = clamp(start, 0, dim);
                end = clamp(end, 0, dim);
                count = end > start ? (end - start - 1) / step + 1 : 0;
            } else {
                start = clamp(start, 0, dim - 1);
                end = clamp(end, -1, dim - 1);
                long back = step == Long.MIN_VALUE ? Long.MAX_VALUE : -step;
                count = start > end ? (start - end - 1) / back + 1 : 0;
            }
            out[a] = (int) count;
            if (count > 0) {
                base += start * inStrides[a];
            }
            // With at most one element the stride is never applied; 0 also keeps a huge step from overflowing.
            srcStrides[a] = count > 1 ? Math.toIntExact(step * inStrides[a]) : 0;
        }
        Tensor y = ctx.output(0, x.dtype(), out);
        if (y.size() > 0) {
            ElementCopy.copyStrided(x, (int) base, srcStrides, y, out);
        }
        return new Tensor[] {y};
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    private static long[] optional(Tensor[] inputs, int i, String what) {
        return inputs.length > i && inputs[i] != null ? IndexArgs.longs(inputs[i], what) : null;
    }
}
