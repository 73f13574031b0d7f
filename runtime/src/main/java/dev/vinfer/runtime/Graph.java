package dev.vinfer.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A closed dataflow graph: inputs fed by the caller, constants, nodes in an order where every node comes after
 * the producers of its inputs, and outputs. A subgraph (a branch of If) is also a closed graph: the importer
 * turns the outer values it reads into explicit inputs.
 *
 * <p>Graphs are immutable once built; optimization passes build new ones with {@link #rebuild()}.
 */
public final class Graph {
    private final String name;
    private final List<Value> values;
    private final List<Value> inputs;
    private final List<Value> outputs;
    private final List<Node> nodes;

    private Graph(String name, List<Value> values, List<Value> inputs, List<Value> outputs, List<Node> nodes) {
        this.name = name;
        this.values = List.copyOf(values);
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.nodes = List.copyOf(nodes);
    }

    /** The graph's name as the model gives it (may be empty). */
    public String name() {
        return name;
    }

    /** Every value, indexed by {@link Value#id()}. */
    public List<Value> values() {
        return values;
    }

    /** The number of values; their ids run from 0 to this count minus one. */
    public int valueCount() {
        return values.size();
    }

    /**
     * The graph inputs in model order; in models of IR version below 4 these include constants (weights listed as
     * inputs), which callers do not feed.
     */
    public List<Value> inputs() {
        return inputs;
    }

    /** The graph outputs in model order. */
    public List<Value> outputs() {
        return outputs;
    }

    /** Nodes in execution order. */
    public List<Node> nodes() {
        return nodes;
    }

    /** A builder that starts from this graph's values, inputs, outputs and nodes (for passes). */
    public Builder rebuild() {
        Builder b = new Builder(name);
        b.values.addAll(values);
        for (Value v : values) {
            b.byName.put(v.name(), v);
        }
        b.inputs.addAll(inputs);
        b.outputs.addAll(outputs);
        b.nodes.addAll(nodes);
        return b;
    }

    /** A readable listing: inputs, constants (shape only), nodes, outputs. Used to print pipeline stages. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append("graph ").append(name).append('\n');
        for (Value v : inputs) {
            sb.append("  input ").append(v.info() != null ? v.info() : v.name()).append('\n');
        }
        int consts = 0;
        for (Value v : values) {
            if (v.isConstant()) {
                consts++;
            }
        }
        sb.append("  ").append(consts).append(" constants\n");
        for (Node n : nodes) {
            sb.append("  ").append(n).append('\n');
        }
        for (Value v : outputs) {
            sb.append("  output ").append(v.name()).append('\n');
        }
        return sb.toString();
    }

    /** Builds a graph, checking names, definitions and order. */
    public static final class Builder {
        private final String name;
        private final List<Value> values = new ArrayList<>();
        private final Map<String, Value> byName = new HashMap<>();
        private final List<Value> inputs = new ArrayList<>();
        private final List<Value> outputs = new ArrayList<>();
        private final List<Node> nodes = new ArrayList<>();

        public Builder(String name) {
            this.name = name == null ? "" : name;
        }

        /** The value of this name, created if new. */
        public Value value(String valueName) {
            return byName.computeIfAbsent(valueName, n -> {
                Value v = new Value(n, values.size());
                values.add(v);
                return v;
            });
        }

        /** A fresh value whose name does not clash with any existing one. */
        public Value freshValue(String hint) {
            String n = hint;
            int k = 1;
            while (byName.containsKey(n)) {
                n = hint + "_" + k++;
            }
            return value(n);
        }

        public Value find(String valueName) {
            return byName.get(valueName);
        }

        public boolean has(String valueName) {
            return byName.containsKey(valueName);
        }

        public Value constant(String valueName, Tensor t) {
            Value v = value(valueName);
            v.setConstant(t);
            return v;
        }

        public Builder input(Value v) {
            inputs.add(v);
            return this;
        }

        public Builder output(Value v) {
            outputs.add(v);
            return this;
        }

        public Builder node(Node n) {
            nodes.add(n);
            return this;
        }

        public List<Node> nodes() {
            return nodes;
        }

        public List<Value> outputs() {
            return outputs;
        }

        public List<Value> inputs() {
            return inputs;
        }

        /**
         * Checks that every value is defined once (input, constant or one node output), orders nodes so each
         * comes after its producers (rejecting cycles, naming a node on the cycle) and drops values no longer
         * referenced by renumbering nothing: ids stay as they are.
         */
        public Graph build() {
            // A set, not the list: a hostile model may declare very many inputs, and this is checked per edge.
            java.util.Set<Value> inputs = new java.util.HashSet<>(this.inputs);
            Map<Value, Node> producer = new HashMap<>();
            for (Node n : nodes) {
                for (Value o : n.outputs()) {
                    if (o == null) {
                        continue;
                    }
                    if (o.isConstant() || inputs.contains(o)) {
                        throw new ModelException(n.label() + " writes '" + o.name()
                                + "', which is already a graph input or constant");
                    }
                    Node prev = producer.put(o, n);
                    if (prev != null) {
                        throw new ModelException("value '" + o.name() + "' is produced twice, by " + prev.label()
                                + " and " + n.label());
                    }
                }
            }
            for (Node n : nodes) {
                for (Value in : n.inputs()) {
                    if (in != null && !in.isConstant() && !inputs.contains(in) && !producer.containsKey(in)) {
                        throw new ModelException(n.label() + " reads '" + in.name()
                                + "', which no node, input or initializer defines");
                    }
                }
            }
            for (Value o : outputs) {
                if (!o.isConstant() && !inputs.contains(o) && !producer.containsKey(o)) {
                    throw new ModelException("graph output '" + o.name() + "' is never computed");
                }
            }
            List<Node> ordered = topologicalOrder(producer);
            return new Graph(name, values, this.inputs, outputs, ordered);
        }

        private List<Node> topologicalOrder(Map<Value, Node> producer) {
            // Kahn's algorithm, stable: nodes keep their model order when that order is already valid.
            Map<Node, Integer> pending = new LinkedHashMap<>();
            Map<Node, List<Node>> consumers = new HashMap<>();
            for (Node n : nodes) {
                int deps = 0;
                for (Value in : n.inputs()) {
                    Node p = in == null ? null : producer.get(in);
                    if (p != null) {
                        deps++;
                        consumers.computeIfAbsent(p, k -> new ArrayList<>()).add(n);
                    }
                }
                pending.put(n, deps);
            }
            List<Node> order = new ArrayList<>(nodes.size());
            java.util.ArrayDeque<Node> ready = new java.util.ArrayDeque<>();
            for (Node n : nodes) {
                if (pending.get(n) == 0) {
                    ready.add(n);
                }
            }
            while (!ready.isEmpty()) {
                Node n = ready.poll();
                order.add(n);
                for (Node c : consumers.getOrDefault(n, Collections.emptyList())) {
                    int left = pending.merge(c, -1, Integer::sum);
                    if (left == 0) {
                        ready.add(c);
                    }
                }
            }
            if (order.size() != nodes.size()) {
                for (Node n : nodes) {
                    if (pending.get(n) > 0) {
                        throw new ModelException("the graph has a cycle through " + n.label());
                    }
                }
            }
            return order;
        }
    }
}
