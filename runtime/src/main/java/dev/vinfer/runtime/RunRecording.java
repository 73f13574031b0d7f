package dev.vinfer.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * The memory of a recording run: allocates like {@link RunMemory#FRESH} and notes each output request (node,
 * index, dtype, shape, the array handed out) and, per node, the arrays its outputs actually live in, from which
 * {@link MemoryPlan} learns lifetimes and views.
 */
final class RunRecording implements RunMemory {
    /** One {@link OpContext#output} call. */
    record Request(int node, int index, DType dtype, int[] shape, Object storage) {
    }

    final List<Request> requests = new ArrayList<>();
    /** Per node, per output: the backing array of the tensor it returned (null for a missing output). */
    final Object[][] outputStorage;

    RunRecording(int nodeCount) {
        this.outputStorage = new Object[nodeCount][];
    }

    @Override
    public Tensor[] env(int valueCount) {
        return new Tensor[valueCount];
    }

    @Override
    public Tensor[] inputs(int node, int count) {
        return new Tensor[count];
    }

    @Override
    public Tensor output(int node, int index, DType dtype, int[] shape) {
        Tensor t = Tensor.zeros(dtype, shape);
        requests.add(new Request(node, index, dtype, shape.clone(), t.data()));
        return t;
    }

    @Override
    public Tensor[] results(int node) {
        return new Tensor[1];
    }

    @Override
    public void nodeFinished(int node, Node n, Tensor[] outputs) {
        Object[] s = new Object[outputs.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = outputs[i] == null ? null : outputs[i].data();
        }
        outputStorage[node] = s;
    }
}
