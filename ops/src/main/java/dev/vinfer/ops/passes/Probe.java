package dev.vinfer.ops.passes;

import dev.vinfer.conv.Parallel;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;

/**
 * Runs an operator once, at optimization time, on small tensors: how a pass learns what an op computes (a
 * BatchNormalization's per-channel scale and shift, a LeakyRelu's slope) without depending on its class. A probe
 * that throws means "do not rewrite".
 */
final class Probe {
    private Probe() {
    }

    /** Runs {@code op}; returns its outputs, or null if it threw. */
    static Tensor[] run(Operator op, SessionOptions options, Tensor... inputs) {
        try {
            return op.run(new Context(options), inputs);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** A context that allocates fresh tensors on the calling thread. */
    record Context(SessionOptions options) implements OpContext {
        @Override
        public Tensor output(int index, DType dtype, int... shape) {
            options.limits().checkShape("probe output " + index, shape);
            return Tensor.zeros(dtype, shape);
        }

        @Override
        public Parallel parallel() {
            return Parallel.SERIAL;
        }

        @Override
        public Tensor[] runSubgraph(Graph graph, Tensor[] inputs) {
            throw new UnsupportedOperationException("probes do not run subgraphs");
        }
    }
}
