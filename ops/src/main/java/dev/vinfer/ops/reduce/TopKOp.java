package dev.vinfer.ops.reduce;

import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;
import java.util.Comparator;

/**
 * TopK: the k largest (or smallest) elements along an axis, with their int64 indices. Results are always sorted
 * (also when the model allows any order); equal values keep the lower index first. NaN ranks above every number.
 */
public final class TopKOp implements Operator {
    private final long fixedK;
    private final long axis;
    private final boolean largest;

    /** @param fixedK k from the node's attribute (opset 1), or -1 to read it from input 1 at run time */
    public TopKOp(long fixedK, long axis, boolean largest) {
        this.fixedK = fixedK;
        this.axis = axis;
        this.largest = largest;
    }

    @Override
    public String opType() {
        return "TopK";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        long k = fixedK;
        if (k < 0) {
            if (inputs.length < 2 || inputs[1] == null || inputs[1].size() != 1) {
                throw new VinferException("TopK needs K as a tensor of one element");
            }
            k = inputs[1].getLong(0);
        }
        int rank = x.rank();
        if (rank == 0) {
            throw new VinferException("TopK needs an input of rank 1 or more");
        }
        int a = Shapes.axis(axis, rank);
        int[] shape = x.shape();
        int len = shape[a];
        if (k < 0 || k > len) {
            throw new VinferException("TopK k=" + k + " is outside [0, " + len + "] for axis " + a + " of " + x);
        }
        int kk = (int) k;
        int outer = 1;
        int inner = 1;
        for (int d = 0; d < rank; d++) {
            if (d < a) {
                outer *= shape[d];
            } else if (d > a) {
                inner *= shape[d];
            }
        }
        int[] outShape = shape.clone();
        outShape[a] = kk;
        Tensor values = ctx.output(0, x.dtype(), outShape);
        Tensor indices = ctx.output(1, DType.INT64, outShape);
        Comparator<Integer> order = orderFor(x);
        Integer[] slice = new Integer[len];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * len * inner + i;
                for (int j = 0; j < len; j++) {
                    slice[j] = base + j * inner;
                }
                // Arrays.sort on objects is stable: ties stay in index order.
                Arrays.sort(slice, order);
                int outBase = o * kk * inner + i;
                for (int j = 0; j < kk; j++) {
                    int src = slice[j];
                    int dst = outBase + j * inner;
                    copyElement(x, src, values, dst);
                    indices.setLong(dst, (src - base) / inner);
                }
            }
        }
        return new Tensor[] {values, indices};
    }

    /** Orders flat element indices of {@code x} best first. */
    private Comparator<Integer> orderFor(Tensor x) {
        Comparator<Integer> ascending;
        if (x.dtype().isFloatingPoint()) {
            ascending = (p, q) -> compareFloating(x.getDouble(p), x.getDouble(q));
        } else if (x.dtype() == DType.UINT64) {
            ascending = (p, q) -> Long.compareUnsigned(x.getLong(p), x.getLong(q));
        } else {
            ascending = (p, q) -> Long.compare(x.getLong(p), x.getLong(q));
        }
        return largest ? ascending.reversed() : ascending;
    }

    /** Numeric order with -0 equal to 0 and NaN above everything. */
    private static int compareFloating(double p, double q) {
        if (p < q) {
            return -1;
        }
        if (p > q) {
            return 1;
        }
        boolean pn = Double.isNaN(p);
        boolean qn = Double.isNaN(q);
        return pn == qn ? 0 : pn ? 1 : -1;
    }

    private static void copyElement(Tensor src, int from, Tensor dst, int to) {
        if (src.dtype().isFloatingPoint()) {
            dst.setDouble(to, src.getDouble(from));
        } else {
            dst.setLong(to, src.getLong(from));
        }
    }
}
