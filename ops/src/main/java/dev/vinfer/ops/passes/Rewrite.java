package dev.vinfer.ops.passes;

import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.Node;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.Value;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Collects the edits of one pass over a graph (nodes removed or replaced, uses of one value redirected to another,
 * new constants) and builds the result; {@link Graph.Builder#build} re-sorts the nodes, so a fused node may read a
 * value that used to be produced after it.
 */
final class Rewrite {
    private final Graph graph;
    private final Graph.Builder builder;
    private final Map<Node, Node> replaced = new HashMap<>();
    private final Set<Node> removed = new HashSet<>();
    private final Map<Value, Value> redirected = new HashMap<>();
    private final java.util.List<Node> added = new java.util.ArrayList<>();

    Rewrite(Graph graph) {
        this.graph = graph;
        this.builder = graph.rebuild();
    }

    /** Puts {@code with} where {@code node} was. */
    void replace(Node node, Node with) {
        replaced.put(node, with);
    }

    void remove(Node node) {
        removed.add(node);
    }

    /** Every node input reading {@code from} reads {@code to} instead. */
    void redirect(Value from, Value to) {
        redirected.put(from, to);
    }

    /** A new (non-constant) value named after {@code hint}. */
    Value freshValue(String hint) {
        return builder.freshValue(hint);
    }

    /** Adds a new node (the graph is re-sorted when built). */
    void add(Node node) {
        added.add(node);
    }

    /** A new constant value named after {@code hint}. */
    Value constant(String hint, Tensor t) {
        return builder.constant(builder.freshValue(hint).name(), t);
    }

    boolean changed() {
        return !replaced.isEmpty() || !removed.isEmpty() || !redirected.isEmpty() || !added.isEmpty();
    }

    /** The rewritten graph, or the original when nothing changed. */
    Graph build() {
        if (!changed()) {
            return graph;
        }
        builder.nodes().clear();
        for (Node n : graph.nodes()) {
            if (removed.contains(n)) {
                continue;
            }
            Node m = replaced.getOrDefault(n, n);
            Value[] in = m.inputs();
            boolean renamed = false;
            for (int i = 0; i < in.length; i++) {
                Value to = resolve(in[i]);
                renamed |= to != in[i];
                in[i] = to;
            }
            builder.node(renamed ? m.with(m.op(), in, m.outputs()) : m);
        }
        for (Node n : added) {
            builder.node(n);
        }
        return builder.build();
    }

    private Value resolve(Value v) {
        Value cur = v;
        for (int guard = 0; cur != null && redirected.containsKey(cur); guard++) {
            if (guard > redirected.size()) {
                throw new IllegalStateException("redirection cycle at " + v);
            }
            cur = redirected.get(cur);
        }
        return cur;
    }
}
