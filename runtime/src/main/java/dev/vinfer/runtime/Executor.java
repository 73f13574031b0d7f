package dev.vinfer.runtime;

import dev.vinfer.conv.Parallel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs a graph's nodes in order, keeping run-time tensors in an array indexed by value id and dropping each one
 * after its last reader so memory is returned as the run proceeds. Holds no per-run state: one executor serves
 * concurrent runs. Where the memory comes from is the {@link RunMemory}'s business (fresh allocations, or a
 * planned {@link Arena}); with an arena the loop itself allocates nothing.
 */
final class Executor {
    private final SessionOptions options;
    private final Parallel parallel;
    private final Map<Graph, int[]> lastUseCache = new ConcurrentHashMap<>();
    private final Map<Graph, int[]> outputSlotCache = new ConcurrentHashMap<>();
    /**
     * Per calling thread: the caller's tensors to compute the top-level graph's outputs into (by output index, null
     * entries for outputs not wanted), or null; set by {@code Session.runInto} around its run.
     */
    static final ThreadLocal<Tensor[]> DESTINATIONS = new ThreadLocal<>();

    Executor(SessionOptions options, Parallel parallel) {
        this.options = options;
        this.parallel = parallel;
    }

    /** Runs {@code graph} with tensors for its inputs, in input order; returns its outputs in output order. */
    Tensor[] run(Graph graph, Tensor[] inputs, NodeListener listener) {
        return run(graph, inputs, listener, RunMemory.FRESH);
    }

    /** As {@link #run(Graph, Tensor[], NodeListener)}, with memory from {@code memory}. */
    Tensor[] run(Graph graph, Tensor[] inputs, NodeListener listener, RunMemory memory) {
        return run(graph, inputs, listener, memory,
                new LiveBytes(new MemoryBudget(options.limits().maxMemoryBytes(), "maxMemoryBytes", 0)));
    }

    /**
     * As {@link #run(Graph, Tensor[], NodeListener, RunMemory)}, counting the run's fresh allocations in
     * {@code live} (an arena is counted whole, here, before the run).
     */
    Tensor[] run(Graph graph, Tensor[] inputs, NodeListener listener, RunMemory memory, LiveBytes live) {
        if (memory instanceof Arena a) {
            live.reserveFixed("the run's memory arena", a.bytes());
        }
        RunContext ctx = memory instanceof Arena a ? a.context(this, listener) : new RunContext(listener, memory);
        ctx.live = live;
        ctx.depth = 0;
        // Taken, not just read: a session run nested in this one on the same thread (from inside an op) must not
        // write into this run's destinations. A fallback rerun then computes fresh outputs, which runInto copies.
        ctx.destinations = DESTINATIONS.get();
        if (ctx.destinations != null) {
            DESTINATIONS.set(null);
        }
        ctx.outputSlots = ctx.destinations == null ? null
                : outputSlotCache.computeIfAbsent(graph, Executor::outputSlots);
        try {
            return run(graph, inputs, memory, ctx);
        } finally {
            ctx.node = null;
            ctx.live = null;
            ctx.destinations = null;
        }
    }

    /**
     * The preparation run of a session that opens (see {@link OpContext#preparing()}): runs {@code graph} on
     * {@code inputs} with memory from {@code memory}, collecting the ops' queued preparations in {@code tasks}.
     */
    Tensor[] prepare(Graph graph, Tensor[] inputs, RunMemory memory, LiveBytes live,
            java.util.List<Runnable> tasks) {
        RunContext ctx = new RunContext(null, memory);
        ctx.live = live;
        ctx.depth = 0;
        ctx.preparations = tasks;
        return run(graph, inputs, memory, ctx);
    }

    private Tensor[] run(Graph graph, Tensor[] inputs, RunMemory memory, RunContext ctx) {
        if (inputs.length != graph.inputs().size()) {
            throw new VinferException("graph '" + graph.name() + "' takes " + graph.inputs().size() + " inputs, got "
                    + inputs.length);
        }
        NodeListener listener = ctx.listener;
        LiveBytes live = ctx.live;
        Tensor[] env = memory.env(graph.valueCount());
        List<Value> values = graph.values();
        for (Value v : values) {
            if (v.isConstant()) {
                env[v.id()] = v.constant();
            }
        }
        List<Value> ins = graph.inputs();
        for (int i = 0; i < ins.size(); i++) {
            if (!ins.get(i).isConstant()) {
                env[ins.get(i).id()] = inputs[i];
                if (inputs[i] != null) {
                    live.retain(inputs[i]);
                }
            }
        }
        int[] lastUse = lastUseCache.computeIfAbsent(graph, Executor::lastUses);
        List<Node> nodes = graph.nodes();
        for (int k = 0; k < nodes.size(); k++) {
            Node node = nodes.get(k);
            Tensor[] in = memory.inputs(k, node.inputCount());
            for (int i = 0; i < in.length; i++) {
                Value v = node.input(i);
                in[i] = v == null ? null : env[v.id()];
            }
            ctx.node = node;
            ctx.nodeIndex = k;
            long t0 = listener == null ? 0 : System.nanoTime();
            Tensor[] out;
            try {
                out = node.op().run(ctx, in);
            } catch (ExecutionException e) {
                throw e;
            } catch (VinferException | ArithmeticException | IndexOutOfBoundsException | ClassCastException
                    | IllegalArgumentException | IllegalStateException | NegativeArraySizeException
                    | UnsupportedOperationException | NullPointerException e) {
                throw new ExecutionException(node.label() + ": " + describe(e), e);
            }
            if (listener != null) {
                listener.nodeFinished(node, in, out, System.nanoTime() - t0);
            }
            if (out == null || out.length < countOutputs(node)) {
                throw new ExecutionException(node.label() + " returned " + (out == null ? 0 : out.length)
                        + " outputs, expected " + node.outputCount());
            }
            memory.nodeFinished(k, node, out);
            for (int o = 0; o < node.outputCount(); o++) {
                Value v = node.output(o);
                if (v != null) {
                    if (out[o] == null) {
                        throw new ExecutionException(node.label() + " did not produce output '" + v.name() + "'");
                    }
                    env[v.id()] = out[o];
                    live.retain(out[o]);
                }
            }
            for (int i = 0; i < node.inputCount(); i++) {
                Value v = node.input(i);
                if (v != null && lastUse[v.id()] == k && env[v.id()] != null && !v.isConstant()) {
                    live.release(env[v.id()]);
                    env[v.id()] = null;
                }
            }
            live.sweep(ctx.depth);
        }
        List<Value> outs = graph.outputs();
        Tensor[] result = new Tensor[outs.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = env[outs.get(i).id()];
        }
        for (Value v : values) {
            Tensor t = env[v.id()];
            if (t != null && !v.isConstant()) {
                live.release(t);
            }
        }
        return result;
    }

    private static int countOutputs(Node n) {
        int last = 0;
        for (int o = 0; o < n.outputCount(); o++) {
            if (n.output(o) != null) {
                last = o + 1;
            }
        }
        return last;
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    /** For each value id, the index of the last node reading it; graph outputs and constants are never freed. */
    static int[] lastUses(Graph g) {
        int[] last = new int[g.valueCount()];
        java.util.Arrays.fill(last, -1);
        List<Node> nodes = g.nodes();
        for (int k = 0; k < nodes.size(); k++) {
            for (Value v : nodes.get(k).inputs()) {
                if (v != null) {
                    last[v.id()] = k;
                }
            }
        }
        for (Value v : g.outputs()) {
            last[v.id()] = Integer.MAX_VALUE;
        }
        for (Value v : g.values()) {
            if (v.isConstant()) {
                last[v.id()] = Integer.MAX_VALUE;
            }
        }
        return last;
    }

    /** For each value id, the index of the graph output it is (the first, if listed twice), else -1. */
    static int[] outputSlots(Graph g) {
        int[] slot = new int[g.valueCount()];
        java.util.Arrays.fill(slot, -1);
        List<Value> outs = g.outputs();
        for (int i = outs.size() - 1; i >= 0; i--) {
            slot[outs.get(i).id()] = i;
        }
        return slot;
    }

    /** Receives per-node timings (profiling) and outputs (debugging). */
    interface NodeListener {
        void nodeFinished(Node node, Tensor[] inputs, Tensor[] outputs, long nanos);
    }

    /** The context of one run; an arena keeps one to reuse. */
    final class RunContext implements OpContext {
        final NodeListener listener;
        private final RunMemory memory;
        Node node;
        int nodeIndex;
        // Set for each run (an arena reuses its context): the run's byte accounting and the subgraph depth.
        LiveBytes live;
        int depth;
        // Non-null only in a session's preparation run: the preparations ops queued.
        java.util.List<Runnable> preparations;
        // Non-null only in a run into the caller's output tensors (see DESTINATIONS), with the graph's output slots.
        Tensor[] destinations;
        int[] outputSlots;

        RunContext(NodeListener listener, RunMemory memory) {
            this.listener = listener;
            this.memory = memory;
        }

        Executor executor() {
            return Executor.this;
        }

        @Override
        public Tensor output(int index, DType dtype, int... shape) {
            if (!options.limits().fits(shape)) {
                options.limits().checkShape(node.label() + " output " + index, shape);
            }
            if (destinations != null && depth == 0) {
                Tensor d = destination(index, dtype, shape);
                if (d != null) {
                    return d; // the caller's own tensor: neither planned nor counted
                }
            }
            if (memory instanceof Arena a) {
                Tensor planned = a.planned(nodeIndex, index, dtype, shape);
                if (planned != null) {
                    return planned; // counted with the arena
                }
            }
            return live.allocate(node, index, dtype, shape, depth, memory, nodeIndex);
        }

        /** The caller's tensor for this node's output {@code index} if it is a wanted graph output and fits. */
        private Tensor destination(int index, DType dtype, int[] shape) {
            Value v = node.output(index);
            int slot = v == null ? -1 : outputSlots[v.id()];
            Tensor d = slot < 0 || slot >= destinations.length ? null : destinations[slot];
            if (d == null || d.dtype() != dtype || d.rank() != shape.length) {
                return null;
            }
            for (int i = 0; i < shape.length; i++) {
                if (d.dim(i) != shape[i]) {
                    return null;
                }
            }
            return d;
        }

        @Override
        public boolean preparing() {
            return preparations != null;
        }

        @Override
        public void preparation(Runnable task) {
            if (preparations != null) {
                preparations.add(task);
            } else {
                task.run();
            }
        }

        @Override
        public Tensor[] result(Tensor output) {
            Tensor[] r = memory.results(nodeIndex);
            r[0] = output;
            return r;
        }

        @Override
        public Parallel parallel() {
            return parallel;
        }

        @Override
        public SessionOptions options() {
            return options;
        }

        @Override
        public Tensor[] runSubgraph(Graph graph, Tensor[] inputs) {
            if (depth >= options.limits().maxSubgraphDepth()) {
                throw new VinferException("subgraphs nested more than " + depth + " deep (limit)");
            }
            // Fresh memory for the body, counted in this run's budget one level deeper.
            RunContext inner = new RunContext(listener, RunMemory.FRESH);
            inner.live = live;
            inner.depth = depth + 1;
            return Executor.this.run(graph, inputs, RunMemory.FRESH, inner);
        }
    }
}
