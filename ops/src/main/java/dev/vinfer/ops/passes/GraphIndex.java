package dev.vinfer.ops.passes;

import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.Node;
import dev.vinfer.runtime.Value;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Who produces and who reads each value of a graph, for pattern matching. */
final class GraphIndex {
    private final Map<Value, Node> producer = new HashMap<>();
    private final Map<Value, Integer> uses = new HashMap<>();
    private final Map<Value, Node> reader = new HashMap<>();
    private final Set<Value> outputs;

    GraphIndex(Graph g) {
        for (Node n : g.nodes()) {
            for (Value o : n.outputs()) {
                if (o != null) {
                    producer.put(o, n);
                }
            }
            for (Value in : n.inputs()) {
                if (in != null) {
                    uses.merge(in, 1, Integer::sum);
                    reader.put(in, n);
                }
            }
        }
        outputs = new HashSet<>(g.outputs());
    }

    /** The node writing {@code v}, or null for inputs and constants. */
    Node producer(Value v) {
        return v == null ? null : producer.get(v);
    }

    /** A node that reads {@code v} (the last in graph order), or null: its one reader where {@link #fusible}. */
    Node reader(Value v) {
        return v == null ? null : reader.get(v);
    }

    /** How many node input slots read {@code v}. */
    int uses(Value v) {
        return uses.getOrDefault(v, 0);
    }

    boolean isGraphOutput(Value v) {
        return outputs.contains(v);
    }

    /**
     * True when {@code v} may disappear into a fusion: read by exactly one input slot and not a graph output.
     */
    boolean fusible(Value v) {
        return v != null && !isGraphOutput(v) && uses(v) == 1;
    }

    /** True when no node reads {@code v} and it is not a graph output (an optional output nobody wants). */
    boolean unused(Value v) {
        return v == null || (!isGraphOutput(v) && uses(v) == 0);
    }
}
