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
        for (Node n : g.nodes()) {
            if (canFold(n)) {
                Tensor[] in = new Tensor[n.inputCount()];
                for (int i = 0; i < in.length; i++) {
                    Value v = n.input(i);
                    in[i] = v == null ? null : v.constant();
                }
                Tensor[] out = n.op().run(new FoldContext(n, options), in);
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

    private record FoldContext(Node node, SessionOptions options) implements OpContext {
        @Override
        public Tensor output(int index, DType dtype, int... shape) {
            options.limits().checkShape(node.label() + " output " + index, shape);
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
