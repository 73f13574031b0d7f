package dev.vinfer.ops.testing;

import dev.vinfer.conv.Parallel;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.Limits;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;

/**
 * The ops tests' {@link OpContext} for running one operator: fresh outputs checked against the given limits like a
 * session does, one thread ({@link Parallel#SERIAL}), no subgraphs. (Two-thread runs: {@code nn.TwoThreadContext}.)
 */
public final class TestContext implements OpContext {
    private final SessionOptions options;

    public TestContext() {
        this(Limits.defaults());
    }

    public TestContext(Limits limits) {
        this.options = new SessionOptions().limits(limits);
    }

    /** Limits allowing at most {@code maxElements} elements per tensor. */
    public static TestContext withMaxElements(long maxElements) {
        Limits d = Limits.defaults();
        return new TestContext(new Limits(maxElements, d.maxModelBytes(), d.maxRank(), d.maxNodes(),
                d.maxSubgraphDepth(), d.maxExternalDataBytes()));
    }

    /** Runs {@code op} on {@code inputs} in a fresh context and returns its first output. */
    public static Tensor run(Operator op, Tensor... inputs) {
        return op.run(new TestContext(), inputs)[0];
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
        throw new UnsupportedOperationException("no subgraphs in operator unit tests");
    }
}
