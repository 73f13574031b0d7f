package dev.vinfer.runtime;

import dev.vinfer.conv.Parallel;

/**
 * Runs, once at open, every node whose inputs are all constants, and replaces its outputs with the results
 * (shape arithmetic on static shapes, ConstantOfShape, weight-side DequantizeLinear, ...). Ops that must not be
 * folded (random generators) say so through {@link Foldable}. Public so that passes which make more values
 * constant (static shape inference) can fold again.
 */
public final class ConstantFolding implements GraphPass {

    @Override
    public String name() {
        return "constant-folding";
    }

    @Override
    public int order() {
        return 10;
    }

    @Override
    public Graph apply(Graph g, SessionOptions options) {
        Graph.Builder b = g.rebuild();
        b.nodes().clear();
        boolean changed = false;
        // Folded values become constants, so they count against the same budget as the weights.
        MemoryBudget budget = new MemoryBudget(options.limits().maxMemoryBytes(), "maxMemoryBytes",
                SessionSetup.constantBytes(g));
        for (Node n : g.nodes()) {
            if (canFold(n)) {
                Tensor[] in = new Tensor[n.inputCount()];
                for (int i = 0; i < in.length; i++) {
                    Value v = n.input(i);
                    in[i] = v == null ? null : v.constant();
                }
                Tensor[] out = fold(n, in, options, budget);
                for (int o = 0; o < n.outputCount(); o++) {
                    if (n.output(o) != null) {
                        n.output(o).setConstant(out[o]);
                    }
                }
                changed = true;
            } else {
                b.node(n);
            }
        }
        return changed ? b.build() : g;
    }

    /** Runs one node on constants; a failure means the model itself is invalid, so it is a ModelException. */
    private static Tensor[] fold(Node n, Tensor[] in, SessionOptions options, MemoryBudget budget) {
        Tensor[] out;
        try {
            out = n.op().run(new FoldContext(n, options, budget), in);
        } catch (RuntimeException e) {
            if (e instanceof VinferException && e.getMessage() != null && e.getMessage().startsWith(n.label())) {
                throw new ModelException(e.getMessage(), e);
            }
            throw new ModelException(n.label() + ": " + (e.getMessage() == null ? e.toString() : e.getMessage())
                    + " (while folding constants)", e);
        }
        int need = 0;
        for (int o = 0; o < n.outputCount(); o++) {
            if (n.output(o) != null) {
                need = o + 1;
            }
        }
        if (out == null || out.length < need) {
            throw new ModelException(n.label() + " returned " + (out == null ? 0 : out.length) + " outputs, expected "
                    + need);
        }
        for (int o = 0; o < need; o++) {
            if (n.output(o) != null && out[o] == null) {
                throw new ModelException(n.label() + " did not produce output '" + n.output(o).name() + "'");
            }
        }
        return out;
    }

    private static boolean canFold(Node n) {
        if (n.op() instanceof Foldable f && !f.foldable()) {
            return false;
        }
        for (Value v : n.inputs()) {
            if (v != null && !v.isConstant()) {
                return false;
            }
        }
        return n.inputCount() > 0 || n.op() instanceof Foldable;
    }

    private record FoldContext(Node node, SessionOptions options, MemoryBudget budget) implements OpContext {
        @Override
        public Tensor output(int index, DType dtype, int... shape) {
            String what = node.label() + " output " + index;
            options.limits().checkShape(what, shape);
            budget.reserve(what + " " + dtype.displayName() + Shapes.toString(shape),
                    Limits.bytesOf(dtype, Shapes.size(shape)));
            return Tensor.zeros(dtype, shape);
        }

        @Override
        public Parallel parallel() {
            return Parallel.SERIAL;
        }

        @Override
        public Tensor[] runSubgraph(Graph graph, Tensor[] inputs) {
            return new Executor(options, Parallel.SERIAL).run(graph, inputs, null);
        }
    }
}
