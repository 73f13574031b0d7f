package dev.vinfer.ops.shape;

import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;

/**
 * GatherND: each index tuple (the last axis of {@code indices}, of length k) selects a slice data[b.., tuple, :]
 * after {@code batchDims} leading batch axes shared by data and indices. Output shape:
 * indices.shape[:-1] + data.shape[batchDims + k:].
 */
public final class GatherNDOp implements Operator {
    private final int batchDims;

    public GatherNDOp(int batchDims) {
        this.batchDims = batchDims;
    }

    @Override
    public String opType() {
        return "GatherND";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor data = inputs[0];
        Tensor indices = inputs[1];
        IndexArgs.requireIntegers(indices, "GatherND indices");
        int[] ds = data.shape();
        int[] is = indices.shape();
        Plan p = Plan.of("GatherND", ds, is, batchDims);
        int[] out = new int[is.length - 1 + ds.length - batchDims - p.k];
        System.arraycopy(is, 0, out, 0, is.length - 1);
        System.arraycopy(ds, batchDims + p.k, out, is.length - 1, ds.length - batchDims - p.k);
        int[] src = p.sliceOffsets(indices);
        Tensor y = ctx.output(0, data.dtype(), out);
        for (int t = 0; t < src.length; t++) {
            ElementCopy.copy(data, src[t], y, t * p.slice, p.slice);
        }
        return new Tensor[] {y};
    }

    /**
     * The addressing shared by GatherND and ScatterND: {@code k} index components per tuple, {@code slice}
     * elements per addressed slice, and for each tuple the offset of its slice in the data.
     */
    record Plan(String op, int[] ds, int batchDims, int k, int batches, int tuplesPerBatch, int slice,
            int batchStride) {

        static Plan of(String op, int[] ds, int[] is, int batchDims) {
            int r = ds.length;
            int q = is.length;
            if (r < 1 || q < 1) {
                throw new VinferException(op + ": data and indices need rank >= 1");
            }
            if (batchDims < 0 || batchDims >= Math.min(r, q)) {
                throw new VinferException(op + ": batch_dims " + batchDims + " must be in [0, " + Math.min(r, q)
                        + ")");
            }
            for (int i = 0; i < batchDims; i++) {
                if (ds[i] != is[i]) {
                    throw new VinferException(op + ": batch dimensions of data " + Arrays.toString(ds)
                            + " and indices " + Arrays.toString(is) + " differ");
                }
            }
            int k = is[q - 1];
            if (k < 1 || k > r - batchDims) {
                throw new VinferException(op + ": index tuples of length " + k + " for data of rank " + r
                        + " with " + batchDims + " batch dims");
            }
            int batches = IndexArgs.product(ds, 0, batchDims);
            int tuples = IndexArgs.product(is, batchDims, q - 1);
            int slice = IndexArgs.product(ds, batchDims + k, r);
            int batchStride = IndexArgs.product(ds, batchDims, r);
            return new Plan(op, ds, batchDims, k, batches, tuples, slice, batchStride);
        }

        /** For each index tuple, row-major, the data offset of its slice; every component is range-checked. */
        int[] sliceOffsets(Tensor indices) {
            int[] strides = Shapes.strides(ds);
            int[] offsets = new int[batches * tuplesPerBatch];
            int t = 0;
            for (int b = 0; b < batches; b++) {
                for (int j = 0; j < tuplesPerBatch; j++, t++) {
                    int off = b * batchStride;
                    for (int c = 0; c < k; c++) {
                        int axis = batchDims + c;
                        off += IndexArgs.index(indices.getLong(t * k + c), ds[axis], op) * strides[axis];
                    }
                    offsets[t] = off;
                }
            }
            return offsets;
        }
    }
}
