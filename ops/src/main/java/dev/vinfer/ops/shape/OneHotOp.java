package dev.vinfer.ops.shape;

import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * OneHot: inserts an axis of size {@code depth} at {@code axis} holding values[1] (on) where the coordinate equals
 * the index and values[0] (off) elsewhere. Indices in [-depth, -1] wrap; indices outside [-depth, depth-1] give an
 * all-off row, as the spec says. Non-integer indices and depth are truncated to integers.
 */
public final class OneHotOp implements Operator {
    private final long axis;

    public OneHotOp(long axis) {
        this.axis = axis;
    }

    @Override
    public String opType() {
        return "OneHot";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor indices = inputs[0];
        Tensor values = inputs[2];
        if (values.size() != 2) {
            throw new VinferException("OneHot: values must hold [off, on], got " + values);
        }
        if (inputs[1].size() != 1) {
            throw new VinferException("OneHot: depth must hold one element, got " + inputs[1]);
        }
        double depthValue = inputs[1].getDouble(0);
        if (!(depthValue >= 1) || depthValue >= Shapes.MAX_ELEMENTS + 1.0) {
            throw new VinferException("OneHot: invalid depth " + depthValue);
        }
        int depth = (int) depthValue;
        int[] is = indices.shape();
        int r = is.length;
        long a0 = axis < 0 ? axis + r + 1 : axis;
        if (a0 < 0 || a0 > r) {
            throw new VinferException("OneHot: axis " + axis + " out of range [" + (-r - 1) + ", " + r + "]");
        }
        int a = (int) a0;
        int[] out = new int[r + 1];
        System.arraycopy(is, 0, out, 0, a);
        out[a] = depth;
        System.arraycopy(is, a, out, a + 1, r - a);
        Tensor y = ctx.output(0, values.dtype(), out);
        ElementCopy.fill(y, values, 0);
        int inner = IndexArgs.product(is, a, r);
        int n = indices.size();
        for (int k = 0; k < n; k++) {
            long idx = indices.getLong(k);
            if (idx < 0) {
                idx += depth;
            }
            if (idx < 0 || idx >= depth) {
                continue;
            }
            int o = k / inner;
            int in = k % inner;
            ElementCopy.copy(values, 1, y, (int) ((o * (long) depth + idx) * inner + in), 1);
        }
        return new Tensor[] {y};
    }
}
