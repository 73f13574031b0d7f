package dev.vinfer.ops.rnn;

import dev.vinfer.conv.Parallel;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.Limits;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;

/** A minimal OpContext for running one operator in a unit test, enforcing the given limits like a session does. */
final class TestContext implements OpContext {
    private final SessionOptions options;

    TestContext() {
        this(Limits.defaults());
    }

    TestContext(Limits limits) {
        this.options = new SessionOptions().limits(limits);
    }

    /** Limits allowing at most {@code maxElements} elements per tensor. */
    static TestContext withMaxElements(long maxElements) {
        Limits d = Limits.defaults();
        return new TestContext(new Limits(maxElements, d.maxModelBytes(), d.maxRank(), d.maxNodes(),
                d.maxSubgraphDepth(), d.maxExternalDataBytes()));
    }

    @Override
    public Tensor output(int index, DType dtype, int... shape) {
        options.limits().checkShape("output " + index, shape);
        return Tensor.zeros(dtype, shape);
    }

    @Override
    public Parallel parallel() {
        return Parallel.SERIAL;
    }

    @Override
    public SessionOptions options() {
        return options;
    }

    @Override
    public Tensor[] runSubgraph(Graph graph, Tensor[] inputs) {
        throw new UnsupportedOperationException();
    }
}
