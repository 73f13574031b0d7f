package dev.vinfer.runtime;

import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The bytes one run holds live, checked against the session's memory budget before every allocation that goes
 * through {@link OpContext#output}.
 *
 * <p>Storage (the backing array) is the unit: views made by Reshape share it, and ops may return an input as an
 * output, so each array counts once, for as long as some value of the run's environment refers to it. The
 * executor {@link #retain}s a tensor when it enters the environment and {@link #release}s it when dropped; storage
 * nobody refers to any more is given back by {@link #sweep} after each node. An allocation made inside a subgraph
 * run is swept no earlier than by that subgraph's executor, so storage an enclosing op is still filling (allocated
 * at a shallower depth) is never given back too early. Tensors the caller feeds and the session's constants are
 * not counted here (constants are counted once, when the session opens).
 */
final class RunMemory {
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

    RunMemory(MemoryBudget budget) {
        this.budget = budget;
    }

    /** A zeroed tensor, after checking the limits and the budget; {@code depth} is the subgraph nesting. */
    synchronized Tensor allocate(String what, Limits limits, DType dtype, int[] shape, int depth) {
        limits.checkShape(what, shape);
        long bytes = Limits.bytesOf(dtype, Shapes.size(shape));
        budget.reserve(what + " " + dtype.displayName() + Shapes.toString(shape), bytes);
        Tensor t;
        try {
            t = Tensor.zeros(dtype, shape);
        } catch (OutOfMemoryError e) {
            // The budget allowed it but the heap is shared with other runs and the application.
            budget.release(bytes);
            throw new VinferException(what + ": the heap has no room for " + bytes + " bytes (" + dtype.displayName()
                    + Shapes.toString(shape) + ")");
        }
        live.put(t.data(), new Allocation(bytes, depth));
        return t;
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
