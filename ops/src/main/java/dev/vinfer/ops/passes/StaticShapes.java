package dev.vinfer.ops.passes;

import dev.vinfer.ops.passes.ShapeRules.Known;
import dev.vinfer.runtime.ConstantFolding;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.GraphPass;
import dev.vinfer.runtime.Node;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.Value;
import dev.vinfer.runtime.ValueInfo;
import java.util.HashMap;
import java.util.Map;

/**
 * Static shape inference, where the graph's inputs declare fixed shapes: propagates shapes through the graph
 * ({@link ShapeRules}), replaces each {@code Shape} and {@code Size} of a value whose shape is then known by a
 * constant, and folds constants again, so the shape arithmetic PyTorch exports around {@code view}/{@code flatten}
 * (Shape, Gather, Unsqueeze, Concat feeding a Reshape) disappears and the Reshape gets a constant shape. Repeats
 * while that makes more shapes known.
 */
public final class StaticShapes implements GraphPass {
    /**
     * Rounds at most. A round folds the shape arithmetic of the Reshapes whose inputs' shapes it knew, and only then
     * are the shapes after those Reshapes known, so a chain of k such blocks takes k rounds: ShuffleNet v2's 16
     * units each reshape by shape arithmetic (PyTorch's {@code view}), and 8 rounds (the bound until session 39)
     * left the last 8 units with run-time Shape, Gather and Concat nodes and unfused channel shuffles. Each round is
     * one pass over the graph; a round that replaces nothing ends the loop.
     */
    static final int MAX_ROUNDS = 64;

    @Override
    public String name() {
        return "static-shapes";
    }

    @Override
    public int order() {
        return 15;
    }

    @Override
    public Graph apply(Graph g, SessionOptions options) {
        if (!hasShapeNodes(g)) {
            return g; // nothing to replace: skip the inference (it runs some ops on zeros)
        }
        ConstantFolding folding = new ConstantFolding();
        Graph cur = g;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Map<Value, Known> known = infer(cur, options);
            Graph next = replaceShapeNodes(cur, known, options);
            if (next == cur) {
                return cur;
            }
            cur = folding.apply(next, options);
        }
        return cur;
    }

    private static boolean hasShapeNodes(Graph g) {
        for (Node n : g.nodes()) {
            String op = n.op().opType();
            if (op.equals("Shape") || op.equals("Size")) {
                return true;
            }
        }
        return false;
    }

    /** Shapes known before run time: static graph inputs, constants, and what the rules derive from them. */
    static Map<Value, Known> infer(Graph g, SessionOptions options) {
        Map<Value, Known> known = new HashMap<>();
        for (Value v : g.values()) {
            if (v.isConstant()) {
                known.put(v, new Known(v.constant().shape(), v.constant().dtype()));
            }
        }
        for (Value v : g.inputs()) {
            ValueInfo info = v.info();
            if (!v.isConstant() && info != null && info.isStatic() && info.dtype() != null) {
                int[] shape = new int[info.dims().length];
                boolean fits = true;
                for (int i = 0; i < shape.length; i++) {
                    fits &= info.dims()[i] <= Integer.MAX_VALUE;
                    shape[i] = (int) info.dims()[i];
                }
                if (fits) {
                    known.put(v, new Known(shape, info.dtype()));
                }
            }
        }
        for (Node n : g.nodes()) {
            Known[] out = ShapeRules.infer(n, known, options);
            for (int o = 0; o < out.length; o++) {
                if (out[o] != null && n.output(o) != null) {
                    known.put(n.output(o), out[o]);
                }
            }
        }
        return known;
    }

    private static Graph replaceShapeNodes(Graph g, Map<Value, Known> known, SessionOptions options) {
        GraphIndex index = new GraphIndex(g);
        Rewrite rw = new Rewrite(g);
        for (Node n : g.nodes()) {
            String op = n.op().opType();
            if (!(op.equals("Shape") || op.equals("Size")) || n.inputCount() < 1 || n.output(0) == null
                    || index.isGraphOutput(n.output(0))) {
                continue;
            }
            Known k = known.get(n.input(0));
            if (k == null) {
                continue;
            }
            // Shape and Size read only the shape: a one-byte-per-element stand-in is enough.
            Tensor[] y = Probe.run(n.op(), options, Tensor.zeros(DType.BOOL, k.shape()));
            if (y == null || y[0] == null) {
                continue;
            }
            rw.redirect(n.output(0), rw.constant(n.output(0).name() + "_static", y[0]));
            rw.remove(n);
        }
        return rw.build();
    }
}
