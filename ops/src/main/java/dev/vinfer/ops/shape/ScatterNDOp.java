package dev.vinfer.ops.shape;

import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;

/**
 * ScatterND: a copy of {@code data} where each index tuple (last axis of {@code indices}) addresses a slice that
 * receives the matching slice of {@code updates}, combined by the reduction. Updates have shape
 * indices.shape[:-1] + data.shape[k:]. Tuples are applied in row-major order (the last repeat wins for none).
 */
public final class ScatterNDOp implements Operator {
    private final ScatterReduction reduction;

    public ScatterNDOp(ScatterReduction reduction) {
        this.reduction = reduction;
    }

    @Override
    public String opType() {
        return "ScatterND";
    }

    @Override
    public String describe() {
        return reduction == ScatterReduction.NONE ? "" : "reduction " + reduction.name().toLowerCase();
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor data = inputs[0];
        Tensor indices = inputs[1];
        Tensor updates = inputs[2];
        IndexArgs.requireIntegers(indices, "ScatterND indices");
        ElementCopy.requireSameDType(data, updates, "ScatterND updates");
        int[] ds = data.shape();
        int[] is = indices.shape();
        GatherNDOp.Plan p = GatherNDOp.Plan.of("ScatterND", ds, is, 0);
        int[] expected = new int[is.length - 1 + ds.length - p.k()];
        System.arraycopy(is, 0, expected, 0, is.length - 1);
        System.arraycopy(ds, p.k(), expected, is.length - 1, ds.length - p.k());
        if (!Arrays.equals(expected, updates.shape())) {
            throw new VinferException("ScatterND: updates " + updates + " must have shape "
                    + Arrays.toString(expected));
        }
        int[] dst = p.sliceOffsets(indices);
        Tensor y = ctx.output(0, data.dtype(), ds);
        ElementCopy.copy(data, 0, y, 0, data.size());
        int slice = p.slice();
        for (int t = 0; t < dst.length; t++) {
            if (reduction == ScatterReduction.NONE) {
                ElementCopy.copy(updates, t * slice, y, dst[t], slice);
            } else {
                for (int e = 0; e < slice; e++) {
                    reduction.apply(y, dst[t] + e, updates, t * slice + e);
                }
            }
        }
        return new Tensor[] {y};
    }
}
