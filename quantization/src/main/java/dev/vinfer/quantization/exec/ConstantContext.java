package dev.vinfer.quantization.exec;

import dev.vinfer.conv.Parallel;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;

/** A serial context for running an op on constants while rewriting a graph. */
final class ConstantContext implements OpContext {
    static final ConstantContext INSTANCE = new ConstantContext();
    private static final SessionOptions OPTIONS = new SessionOptions().threads(1);

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
        return OPTIONS;
    }

    @Override
    public Tensor[] runSubgraph(Graph graph, Tensor[] inputs) {
        throw new UnsupportedOperationException("no subgraphs while rewriting");
    }
}
