package dev.vinfer.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Drops nodes whose outputs no graph output depends on, then drops values nothing refers to any more (constants
 * replaced by folding or fusion, such as the weights a BatchNormalization was folded out of), so that a session
 * does not hold them. Dropping values renumbers them: the result is a fresh graph with the same value names.
 */
final class DeadCodeElimination implements GraphPass {
    @Override
    public String name() {
        return "dead-code-elimination";
    }

    @Override
    public int order() {
        return 1000;
    }

    @Override
    public Graph apply(Graph g, SessionOptions options) {
        Set<Value> live = new HashSet<>(g.outputs());
        List<Node> kept = new ArrayList<>();
        List<Node> nodes = g.nodes();
        for (int k = nodes.size() - 1; k >= 0; k--) {
            Node n = nodes.get(k);
            boolean used = false;
            for (Value o : n.outputs()) {
                used |= o != null && live.contains(o);
            }
            if (used) {
                kept.add(n);
                for (Value in : n.inputs()) {
                    if (in != null) {
                        live.add(in);
                    }
                }
            }
        }
        Collections.reverse(kept);
        Set<Value> referenced = new HashSet<>(g.inputs());
        referenced.addAll(g.outputs());
        for (Node n : kept) {
            for (Value v : n.inputs()) {
                if (v != null) {
                    referenced.add(v);
                }
            }
            for (Value v : n.outputs()) {
                if (v != null) {
                    referenced.add(v);
                }
            }
        }
        if (kept.size() == nodes.size() && referenced.size() == g.valueCount()) {
            return g;
        }
        return compact(g, kept, referenced);
    }

    /** A new graph with only {@code referenced} values (names, constants and declared infos kept). */
    private static Graph compact(Graph g, List<Node> kept, Set<Value> referenced) {
        Graph.Builder b = new Graph.Builder(g.name());
        Value[] map = new Value[g.valueCount()];
        for (Value v : g.values()) {
            if (referenced.contains(v)) {
                Value nv = v.isConstant() ? b.constant(v.name(), v.constant()) : b.value(v.name());
                nv.setInfo(v.info());
                map[v.id()] = nv;
            }
        }
        for (Value v : g.inputs()) {
            b.input(map[v.id()]);
        }
        for (Node n : kept) {
            b.node(n.with(n.op(), remap(n.inputs(), map), remap(n.outputs(), map)));
        }
        for (Value v : g.outputs()) {
            b.output(map[v.id()]);
        }
        return b.build();
    }

    private static Value[] remap(Value[] vs, Value[] map) {
        Value[] out = new Value[vs.length];
        for (int i = 0; i < vs.length; i++) {
            out[i] = vs[i] == null ? null : map[vs[i].id()];
        }
        return out;
    }
}
