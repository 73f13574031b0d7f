package dev.vinfer.ops.nn;

import dev.vinfer.conv.Parallel;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;

/** A minimal {@link OpContext} for running one operator in a unit test. */
public final class TestContext implements OpContext {
    @Override
    public Tensor output(int index, DType dtype, int... shape) {
        return Tensor.zeros(dtype, shape);
    }

    @Override
    public Parallel parallel() {
        return Parallel.SERIAL;
    }

    @Override
    public SessionOptions options() {
        return new SessionOptions();
    }

    @Override
    public Tensor[] runSubgraph(Graph graph, Tensor[] inputs) {
        throw new UnsupportedOperationException();
    }
}
