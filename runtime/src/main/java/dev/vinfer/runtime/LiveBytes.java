package dev.vinfer.runtime;

import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The bytes one run holds live, checked against the session's memory budget before every fresh allocation that
 * goes through {@link OpContext#output} (a planned {@link Arena} is counted whole, once per run, instead).
 *
 * <p>Storage (the backing array) is the unit: views made by Reshape share it, and ops may return an input as an
 * output, so each array counts once, for as long as some value of the run's environment refers to it. The
 * executor {@link #retain}s a tensor when it enters the environment and {@link #release}s it when dropped; storage
 * nobody refers to any more is given back by {@link #sweep} after each node. An allocation made inside a subgraph
 * run is swept no earlier than by that subgraph's executor, so storage an enclosing op is still filling (allocated
 * at a shallower depth) is never given back too early. Tensors the caller feeds and the session's constants are
 * not counted here (constants are counted once, when the session opens).
 */
final class LiveBytes {
    private final MemoryBudget budget;
    private final Map<Object, Allocation> live = new IdentityHashMap<>();

    private static final class Allocation {
        final long bytes;
        final int depth;
        int refs;

        Allocation(long bytes, int depth) {
            this.bytes = bytes;
            this.depth = depth;
        }
    }

    LiveBytes(MemoryBudget budget) {
        this.budget = budget;
    }

    /**
     * A new tensor for output {@code index} of node {@code k} ({@code node}) from {@code memory}, after checking the
     * budget; {@code depth} is the subgraph nesting. The shape has passed the limits already. The message naming
     * the node is built only when the budget says no, so a run under a plan allocates no string here.
     */
    Tensor allocate(Node node, int index, DType dtype, int[] shape, int depth, RunMemory memory, int k) {
        long bytes = Limits.bytesOf(dtype, Shapes.size(shape));
        if (!budget.tryReserve(bytes)) {
            budget.reserve(node.label() + " output " + index + " " + dtype.displayName() + Shapes.toString(shape),
                    bytes); // throws, with the message
        }
        Tensor t;
        try {
            t = memory.output(k, index, dtype, shape);
        } catch (OutOfMemoryError e) {
            // The budget allowed it but the heap is shared with other runs and the application.
            budget.release(bytes);
            throw new VinferException(node.label() + " output " + index + ": the heap has no room for " + bytes
                    + " bytes (" + dtype.displayName() + Shapes.toString(shape) + ")");
        }
        synchronized (this) {
            live.put(t.data(), new Allocation(bytes, depth));
        }
        return t;
    }

    /** Starts counting a new run from {@code used} bytes (the session's constants), reusing this object. */
    synchronized void reset(long used) {
        live.clear();
        budget.reset(used);
    }

    /** Whether this accounting counts against a budget of {@code limit} bytes. */
    boolean hasLimit(long limit) {
        return budget.limit() == limit;
    }

    /** Counts memory the run holds outside this accounting (a planned arena) for the rest of the run. */
    void reserveFixed(String what, long bytes) {
        budget.reserve(what, bytes);
    }

    /** A value of the environment now refers to {@code t}. */
    synchronized void retain(Tensor t) {
        Allocation a = live.get(t.data());
        if (a != null) {
            a.refs++;
        }
    }

    /** A value of the environment no longer refers to {@code t}. */
    synchronized void release(Tensor t) {
        Allocation a = live.get(t.data());
        if (a != null) {
            a.refs--;
        }
    }

    /** Gives back storage allocated at {@code depth} or deeper that no value refers to any more. */
    synchronized void sweep(int depth) {
        if (live.isEmpty()) {
            return; // the usual case under a plan: no iterator per node
        }
        Iterator<Allocation> it = live.values().iterator();
        while (it.hasNext()) {
            Allocation a = it.next();
            if (a.refs <= 0 && a.depth >= depth) {
                budget.release(a.bytes);
                it.remove();
            }
        }
    }

    /** Bytes held now, constants included. */
    long used() {
        return budget.used();
    }

    /** The most held at once during the run, constants included. */
    long peak() {
        return budget.peak();
    }
}
