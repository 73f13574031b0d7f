package dev.vinfer.ops.control;

import dev.vinfer.runtime.ExecutionException;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.Limits;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Loop: runs a body graph while the trip count and the condition allow. Inputs are (M, cond, carried...,
 * captured...): M and cond may be null (absent); the captured outer values come last, as the body graph takes them
 * after its own inputs (iteration number, condition, carried values). Body outputs are (condition, carried...,
 * scan...); Loop outputs the final carried values, then each scan output stacked along a new first axis.
 */
public final class LoopOp implements Operator {
    private final Graph body;
    private final int carried;
    private final long maxIterations;

    /**
     * @param carried        number of loop-carried values
     * @param maxIterations  a safety bound on iterations when neither M nor a condition stops the loop
     */
    public LoopOp(Graph body, int carried, long maxIterations) {
        this.body = body;
        this.carried = carried;
        this.maxIterations = maxIterations;
    }

    @Override
    public String opType() {
        return "Loop";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor m = inputs[0];
        Tensor condIn = inputs.length > 1 ? inputs[1] : null;
        for (Tensor t : new Tensor[] {m, condIn}) {
            if (t != null && t.size() != 1) {
                throw new ExecutionException("Loop trip count and condition must hold one element, got " + t);
            }
        }
        if (body.outputs().size() < 1 + carried) {
            throw new ExecutionException("Loop body has " + body.outputs().size() + " outputs, needs the condition and "
                    + carried + " carried values");
        }
        long trips = m == null ? Long.MAX_VALUE : m.getLong(0);
        boolean cond = condIn == null || condIn.getBool(0);
        Tensor[] state = Arrays.copyOfRange(inputs, 2, 2 + carried);
        Tensor[] captured = Arrays.copyOfRange(inputs, 2 + carried, inputs.length);
        int scanCount = body.outputs().size() - 1 - carried;
        List<List<Tensor>> scans = new ArrayList<>();
        for (int s = 0; s < scanCount; s++) {
            scans.add(new ArrayList<>());
        }
        long i = 0;
        while (i < trips && cond) {
            if (i >= maxIterations) {
                throw new ExecutionException("Loop ran " + maxIterations + " iterations without stopping (limit)");
            }
            Tensor[] bodyIn = new Tensor[2 + carried + captured.length];
            bodyIn[0] = Tensor.scalar(i);
            bodyIn[1] = Tensor.of(new boolean[] {cond});
            System.arraycopy(state, 0, bodyIn, 2, carried);
            System.arraycopy(captured, 0, bodyIn, 2 + carried, captured.length);
            Tensor[] out = ctx.runSubgraph(body, bodyIn);
            if (out[0].size() != 1) {
                throw new ExecutionException("Loop body condition must hold one element, got " + out[0]);
            }
            cond = out[0].getBool(0);
            System.arraycopy(out, 1, state, 0, carried);
            for (int s = 0; s < scanCount; s++) {
                Tensor part = out[1 + carried + s];
                scans.get(s).add(part);
                // The stacked scan output will need (i + 1) times this; refuse now, not after filling the heap.
                long elements = (i + 1) * (long) part.size();
                Limits limits = ctx.options().limits();
                if (elements > limits.maxTensorElements()
                        || elements * part.dtype().byteSize() > limits.maxMemoryBytes()) {
                    throw new ExecutionException("Loop scan output " + s + " would stack " + (i + 1) + " x "
                            + part + ", over the limits (maxTensorElements " + limits.maxTensorElements()
                            + ", maxMemoryBytes " + limits.maxMemoryBytes() + ")");
                }
            }
            i++;
        }
        Tensor[] result = new Tensor[carried + scanCount];
        for (int c = 0; c < carried; c++) {
            result[c] = state[c];
        }
        for (int s = 0; s < scanCount; s++) {
            result[carried + s] = stack(ctx, carried + s, scans.get(s));
        }
        return result;
    }

    private static Tensor stack(OpContext ctx, int index, List<Tensor> parts) {
        if (parts.isEmpty()) {
            throw new ExecutionException("Loop ran no iteration, so the shape of scan output " + index
                    + " is unknown");
        }
        Tensor first = parts.get(0);
        int[] shape = new int[first.rank() + 1];
        shape[0] = parts.size();
        System.arraycopy(first.shape(), 0, shape, 1, first.rank());
        Tensor out = ctx.output(index, first.dtype(), shape);
        int n = first.size();
        for (int k = 0; k < parts.size(); k++) {
            Tensor p = parts.get(k);
            if (!Arrays.equals(p.shape(), first.shape()) || p.dtype() != first.dtype()) {
                throw new ExecutionException("Loop scan output " + index + " changes shape between iterations: "
                        + Shapes.toString(first.shape()) + " then " + Shapes.toString(p.shape()));
            }
            System.arraycopy(p.data(), p.offset(), out.data(), out.offset() + k * n, n);
        }
        return out;
    }
}
