package dev.vinfer.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Drops nodes whose outputs no graph output depends on. */
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
        if (kept.size() == nodes.size()) {
            return g;
        }
        Collections.reverse(kept);
        Graph.Builder b = g.rebuild();
        b.nodes().clear();
        kept.forEach(b::node);
        return b.build();
    }
}
