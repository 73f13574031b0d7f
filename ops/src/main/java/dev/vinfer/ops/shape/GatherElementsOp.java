package dev.vinfer.ops.shape;

import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;

/**
 * GatherElements: {@code out[i..] = data[i.. with axis coordinate replaced by indices[i..]]}; indices have the
 * data's rank, and every other dimension at most the data's. Negative indices wrap.
 */
public final class GatherElementsOp implements Operator {
    private final long axis;

    public GatherElementsOp(long axis) {
        this.axis = axis;
    }

    @Override
    public String opType() {
        return "GatherElements";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor data = inputs[0];
        Tensor indices = inputs[1];
        IndexArgs.requireIntegers(indices, "GatherElements indices");
        int[] map = elementOffsets("GatherElements", data.shape(), indices, axis);
        Tensor y = ctx.output(0, data.dtype(), indices.shape());
        ElementCopy.gather(data, 0, map, y, 0);
        return new Tensor[] {y};
    }

    /**
     * For each element of {@code indices} (row-major), the row-major offset in a tensor of shape {@code ds} of the
     * element at that position with its {@code axis} coordinate replaced by the index. Shared with
     * ScatterElements, which addresses its target the same way.
     */
    static int[] elementOffsets(String op, int[] ds, Tensor indices, long axis) {
        int r = ds.length;
        int[] is = indices.shape();
        if (r == 0) {
            // The ops need an axis to index along (ONNX: rank >= 1); Shapes.axis accepts axis 0 of a scalar.
            throw new VinferException(op + ": data must have rank >= 1, not a scalar");
        }
        if (is.length != r) {
            throw new VinferException(op + ": indices " + indices + " must have the data's rank " + r);
        }
        int a = Shapes.axis(axis, r);
        for (int i = 0; i < r; i++) {
            if (i != a && is[i] > ds[i]) {
                throw new VinferException(op + ": indices shape " + Arrays.toString(is) + " exceeds data shape "
                        + Arrays.toString(ds) + " on axis " + i);
            }
        }
        int[] dstrides = Shapes.strides(ds);
        int n = indices.size();
        int[] map = new int[n];
        int[] pos = new int[r];
        int base = 0; // offset of pos with the axis coordinate at 0
        for (int k = 0; k < n; k++) {
            map[k] = base + IndexArgs.index(indices.getLong(k), ds[a], op) * dstrides[a];
            for (int d = r - 1; d >= 0; d--) {
                pos[d]++;
                if (d != a) {
                    base += dstrides[d];
                }
                if (pos[d] < is[d]) {
                    break;
                }
                if (d != a) {
                    base -= dstrides[d] * is[d];
                }
                pos[d] = 0;
            }
        }
        return map;
    }
}
