package dev.vinfer.ops.shape;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;

/** Shape: the input's dimensions as int64, optionally only axes [start, end) (opset 15), clamped to [0, rank]. */
public final class ShapeOp implements Operator {
    private final long start;
    private final Long end;

    /** {@code end} null: up to the last axis. */
    public ShapeOp(long start, Long end) {
        this.start = start;
        this.end = end;
    }

    @Override
    public String opType() {
        return "Shape";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        int[] s = inputs[0].shape();
        int r = s.length;
        int from = clamp(start, r);
        int to = end == null ? r : clamp(end, r);
        int n = Math.max(0, to - from);
        Tensor y = ctx.output(0, DType.INT64, n);
        long[] d = y.longs();
        for (int i = 0; i < n; i++) {
            d[y.offset() + i] = s[from + i];
        }
        return new Tensor[] {y};
    }

    private static int clamp(long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        return (int) Math.max(0, Math.min(rank, a));
    }
}
