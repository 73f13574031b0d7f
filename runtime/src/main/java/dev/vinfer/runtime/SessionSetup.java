package dev.vinfer.runtime;

import dev.vinfer.conv.Parallel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a {@link Session} does with its graph when it opens, apart from running it: count the constants' bytes,
 * prepare every kernel on a run over zeros, and release the constants the kernels have packed.
 */
final class SessionSetup {
    /** Set to false to leave weight packing and planning to the first run (for measurements). */
    static final String PREPARE_AT_OPEN_PROPERTY = "vinfer.prepareAtOpen";

    private static final System.Logger LOG = System.getLogger("dev.vinfer");

    private SessionSetup() {
    }

    /** Bytes of the graph's constant tensors, each backing array counted once. */
    static long constantBytes(Graph g) {
        Map<Object, Boolean> seen = new java.util.IdentityHashMap<>();
        long sum = 0;
        for (Value v : g.values()) {
            Tensor t = v.constant();
            if (t != null && seen.put(t.data(), Boolean.TRUE) == null) {
                sum += (long) java.lang.reflect.Array.getLength(t.data()) * t.dtype().byteSize();
            }
        }
        return sum;
    }

    /**
     * When every input has a declared static shape: one preparation run on zeros (see {@link OpContext#preparing()}),
     * in which the convolutions only compute their output shapes and queue the packing of their weights; the
     * packing then runs on the session's threads, and the run's recording becomes the memory plan. So the first
     * real run neither packs weights nor records. Skipped for graphs with loops (on zeros a loop's condition could
     * hold forever); any failure only leaves the work to the first run, which reports errors as usual.
     *
     * @param plans the session's memory plans, or null to prepare on fresh memory
     * @return whether the preparation run took place
     */
    static boolean prepareAtOpen(Graph graph, SessionOptions options, MemoryPlans plans, Executor executor,
            RunAccounting accounting, Parallel parallel, long constantBytes) {
        Tensor[] feed = Boolean.parseBoolean(System.getProperty(PREPARE_AT_OPEN_PROPERTY, "true"))
                ? staticZeroFeed(graph, options, constantBytes) : null;
        if (feed == null) {
            return false;
        }
        for (Node n : graph.nodes()) {
            String op = n.op().opType();
            if (op.equals("Loop") || op.equals("Scan")) {
                return false;
            }
        }
        long t0 = System.nanoTime();
        List<Runnable> tasks = new ArrayList<>();
        try {
            if (plans != null) {
                plans.prepare(feed, accounting, tasks);
            } else {
                executor.prepare(graph, feed, RunMemory.FRESH, accounting.fresh(), tasks);
            }
        } catch (RuntimeException | StackOverflowError e) {
            LOG.log(System.Logger.Level.DEBUG, "vinfer: preparation run failed ({0}); the first run prepares", e);
        }
        long t1 = System.nanoTime();
        // Largest preparations are not known; tasks are handed out in graph order, one at a time.
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        parallel.forEach(Math.max(1, Math.min(options.threads(), tasks.size())), worker -> {
            for (int i = next.getAndIncrement(); i < tasks.size(); i = next.getAndIncrement()) {
                try {
                    tasks.get(i).run();
                } catch (RuntimeException e) {
                    // The op's first run prepares again and reports the problem with the node's name.
                }
            }
        });
        if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
            LOG.log(System.Logger.Level.DEBUG, "vinfer session: preparation run {0} ms, then {1} preparations {2} ms",
                    (t1 - t0) / 1_000_000, tasks.size(), (System.nanoTime() - t1) / 1_000_000);
        }
        return true;
    }

    /**
     * Releases the storage of each constant that every node reading it has packed for good
     * ({@link PackedConstants}): convolution weights once their kernel for the one (static) input shape exists, a
     * Gemm's packed B. The session then holds those weights once, packed; the graph keeps their dtype and shape.
     * Called while no run is under way (at open, or by the only run in flight, holding the session's lifecycle lock).
     *
     * @return the bytes released
     */
    static long releasePackedConstants(Graph graph) {
        Map<Tensor, Boolean> verdict = new java.util.IdentityHashMap<>();
        for (Value v : graph.outputs()) {
            if (v.isConstant()) {
                verdict.put(v.constant(), Boolean.FALSE);
            }
        }
        for (Node n : graph.nodes()) {
            for (int i = 0; i < n.inputCount(); i++) {
                Value v = n.input(i);
                if (v != null && v.isConstant()) {
                    Tensor t = v.constant();
                    boolean packed = n.op() instanceof PackedConstants p && p.packedInput(i, t);
                    verdict.merge(t, packed, Boolean::logicalAnd);
                }
            }
        }
        long bytes = 0;
        for (Map.Entry<Tensor, Boolean> e : verdict.entrySet()) {
            Tensor t = e.getKey();
            if (e.getValue() && !t.isReleased()) {
                bytes += (long) java.lang.reflect.Array.getLength(t.data()) * t.dtype().byteSize();
                t.release();
            }
        }
        if (bytes > 0 && LOG.isLoggable(System.Logger.Level.DEBUG)) {
            LOG.log(System.Logger.Level.DEBUG, "vinfer session: released {0} bytes of packed constants", bytes);
        }
        return bytes;
    }

    /** Zero tensors for every input if all have a declared dtype and static shape, else null. */
    private static Tensor[] staticZeroFeed(Graph graph, SessionOptions options, long constantBytes) {
        List<Value> ins = graph.inputs();
        Tensor[] feed = new Tensor[ins.size()];
        long bytes = 0;
        for (int i = 0; i < ins.size(); i++) {
            Value v = ins.get(i);
            if (v.isConstant()) {
                continue;
            }
            ValueInfo info = v.info();
            if (info == null || info.dtype() == null || info.dims() == null) {
                return null;
            }
            long[] dims = info.dims();
            int[] shape = new int[dims.length];
            for (int d = 0; d < dims.length; d++) {
                if (dims[d] < 0 || dims[d] > Integer.MAX_VALUE) {
                    return null;
                }
                shape[d] = (int) dims[d];
            }
            if (!options.limits().fits(shape)) {
                return null;
            }
            bytes += Limits.bytesOf(info.dtype(), Shapes.size(shape));
            if (bytes > options.limits().maxMemoryBytes() - constantBytes) {
                return null; // the inputs alone would pass the memory limit: leave it to the caller's run
            }
            feed[i] = Tensor.zeros(info.dtype(), shape);
        }
        return feed;
    }
}
