package dev.vinfer.ops.reduce;

import dev.vinfer.conv.Parallel;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;

/** A minimal context for running one operator in a unit test: fresh outputs, no threads, no subgraphs. */
public final class TestOpContext implements OpContext {
    @Override
    public Tensor output(int index, DType dtype, int... shape) {
        return Tensor.zeros(dtype, shape);
    }

    @Override
    public Parallel parallel() {
        throw new UnsupportedOperationException("not needed by these ops");
    }

    @Override
    public SessionOptions options() {
        return new SessionOptions();
    }

    @Override
    public Tensor[] runSubgraph(Graph graph, Tensor[] inputs) {
        throw new UnsupportedOperationException("not needed by these ops");
    }
}
