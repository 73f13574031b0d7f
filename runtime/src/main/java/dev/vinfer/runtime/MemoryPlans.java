package dev.vinfer.runtime;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A session's memory plans, one per input-shape signature (up to {@link #MAX_PLANS}), each with a pool of arenas.
 * The first run of a signature records (allocating as usual) and makes the plan; later runs borrow an arena from
 * the pool (or make one when all are in use by concurrent runs) and return it afterwards. Graph outputs are never
 * in an arena, so what a run returns stays valid after later runs.
 */
final class MemoryPlans {
    static final int MAX_PLANS = 8;

    /**
     * Test knob: plan graph outputs too and return copies of them. Then even a one-node model runs its op on
     * poisoned arena memory, which is how the conformance suite checks that no op relies on zero-filled outputs.
     */
    static final String PLAN_OUTPUTS_PROPERTY = "vinfer.arena.planOutputs";

    private final Graph graph;
    private final Executor executor;
    private final CopyOnWriteArrayList<Entry> entries = new CopyOnWriteArrayList<>();
    private final boolean planOutputs = Boolean.getBoolean(PLAN_OUTPUTS_PROPERTY);

    private static final class Entry {
        final MemoryPlan plan;
        final ConcurrentLinkedQueue<Arena> pool = new ConcurrentLinkedQueue<>();
        volatile boolean disabled;
        volatile int arenas;

        Entry(MemoryPlan plan) {
            this.plan = plan;
        }
    }

    MemoryPlans(Graph graph, Executor executor) {
        this.graph = graph;
        this.executor = executor;
    }

    /** Runs the graph, counting each run attempt's bytes in {@code acc} (a fallback rerun starts a new count). */
    Tensor[] run(Tensor[] feed, Executor.NodeListener listener, RunAccounting acc) {
        Entry e = find(feed);
        if (e == null) {
            if (entries.size() >= MAX_PLANS) {
                return acc.runFresh(executor, graph, feed, listener);
            }
            RunRecording rec = new RunRecording(graph.nodes().size());
            LiveBytes live = acc.fresh();
            Tensor[] out = executor.run(graph, feed, listener, rec, live);
            acc.finished(live);
            MemoryPlan plan = MemoryPlan.build(graph, feed, rec, planOutputs);
            synchronized (entries) {
                if (find(feed) == null && entries.size() < MAX_PLANS) {
                    entries.add(new Entry(plan));
                }
            }
            return out;
        }
        if (e.disabled) {
            return acc.runFresh(executor, graph, feed, listener);
        }
        Arena a = e.pool.poll();
        if (a == null) {
            a = new Arena(e.plan);
            synchronized (e) {
                e.arenas++;
            }
        }
        try {
            LiveBytes live = a.liveBytes(acc.limit(), acc.constantBytes());
            Tensor[] out = executor.run(graph, feed, listener, a, live);
            acc.finished(live);
            if (planOutputs) {
                for (int i = 0; i < out.length; i++) {
                    out[i] = out[i].copy();
                }
            }
            return out;
        } catch (Arena.Mismatch m) {
            e.disabled = true;
            return acc.runFresh(executor, graph, feed, listener);
        } finally {
            a.clear();
            e.pool.offer(a);
        }
    }

    /**
     * The session's preparation run (see {@link Executor#prepare}): records it and makes the plan for
     * {@code feed}'s shapes, so that the first real run already uses an arena.
     */
    void prepare(Tensor[] feed, RunAccounting acc, java.util.List<Runnable> tasks) {
        RunRecording rec = new RunRecording(graph.nodes().size());
        executor.prepare(graph, feed, rec, acc.fresh(), tasks);
        MemoryPlan plan = MemoryPlan.build(graph, feed, rec, planOutputs);
        synchronized (entries) {
            if (find(feed) == null && entries.size() < MAX_PLANS) {
                entries.add(new Entry(plan));
            }
        }
    }

    private Entry find(Tensor[] feed) {
        for (int i = 0; i < entries.size(); i++) { // indexed: an iterator would be an allocation per run
            Entry e = entries.get(i);
            if (e.plan.matches(feed)) {
                return e;
            }
        }
        return null;
    }

    /** Bytes of all arenas made so far. */
    long arenaBytes() {
        long b = 0;
        for (Entry e : entries) {
            b += e.plan.arenaBytes() * e.arenas;
        }
        return b;
    }

    int arenaCount() {
        int n = 0;
        for (Entry e : entries) {
            n += e.arenas;
        }
        return n;
    }

    int planCount() {
        return entries.size();
    }

    /** Every plan made so far as text ({@link MemoryPlan#describe}), oldest first. */
    String describe() {
        StringBuilder b = new StringBuilder();
        for (Entry e : entries) {
            b.append(e.plan.describe(graph));
        }
        return b.toString();
    }

    /** Bytes one arena of the most recent plan takes, and what its outputs would take unplanned. */
    long[] lastPlanBytes() {
        if (entries.isEmpty()) {
            return new long[] {0, 0};
        }
        MemoryPlan p = entries.get(entries.size() - 1).plan;
        return new long[] {p.arenaBytes(), p.requestedBytes()};
    }
}
