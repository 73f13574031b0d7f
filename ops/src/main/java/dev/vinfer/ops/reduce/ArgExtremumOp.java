package dev.vinfer.ops.reduce;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * ArgMax and ArgMin: the int64 index of the largest (smallest) element along one axis. Ties go to the first
 * index, or the last with {@code selectLastIndex}. A NaN counts as the extreme (numpy's rule), its first occurrence
 * winning.
 */
public final class ArgExtremumOp implements Operator {
    private final boolean max;
    private final long axis;
    private final boolean keepDims;
    private final boolean selectLastIndex;

    public ArgExtremumOp(boolean max, long axis, boolean keepDims, boolean selectLastIndex) {
        this.max = max;
        this.axis = axis;
        this.keepDims = keepDims;
        this.selectLastIndex = selectLastIndex;
    }

    @Override
    public String opType() {
        return max ? "ArgMax" : "ArgMin";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        int rank = x.rank();
        int a = Shapes.axis(axis, rank);
        int[] shape = x.shape();
        int len = rank == 0 ? 1 : shape[a];
        if (len == 0) {
            throw new VinferException(opType() + " over an empty axis " + a + " of " + x);
        }
        int outer = 1;
        int inner = 1;
        for (int d = 0; d < rank; d++) {
            if (d < a) {
                outer *= shape[d];
            } else if (d > a) {
                inner *= shape[d];
            }
        }
        int[] outShape;
        if (rank == 0) {
            outShape = new int[0];
        } else if (keepDims) {
            outShape = shape.clone();
            outShape[a] = 1;
        } else {
            outShape = new int[rank - 1];
            for (int d = 0, o = 0; d < rank; d++) {
                if (d != a) {
                    outShape[o++] = shape[d];
                }
            }
        }
        Tensor out = ctx.output(0, DType.INT64, outShape);
        long[] res = out.longs();
        int resOff = out.offset();
        boolean floating = x.dtype().isFloatingPoint();
        boolean unsigned64 = x.dtype() == DType.UINT64;
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * len * inner + i;
                int best = 0;
                if (floating) {
                    double bestValue = x.getDouble(base);
                    for (int k = 1; k < len && !Double.isNaN(bestValue); k++) {
                        double v = x.getDouble(base + k * inner);
                        if (Double.isNaN(v) || wins(v > bestValue ? 1 : v < bestValue ? -1 : 0)) {
                            best = k;
                            bestValue = v;
                        }
                    }
                } else {
                    long bestValue = x.getLong(base);
                    for (int k = 1; k < len; k++) {
                        long v = x.getLong(base + k * inner);
                        int cmp = unsigned64 ? Long.compareUnsigned(v, bestValue) : Long.compare(v, bestValue);
                        if (wins(cmp)) {
                            best = k;
                            bestValue = v;
                        }
                    }
                }
                res[resOff + o * inner + i] = best;
            }
        }
        return new Tensor[] {out};
    }

    /** Whether a candidate that compares {@code cmp} to the best so far replaces it. */
    private boolean wins(int cmp) {
        int directed = max ? cmp : -cmp;
        return directed > 0 || directed == 0 && selectLastIndex;
    }
}
