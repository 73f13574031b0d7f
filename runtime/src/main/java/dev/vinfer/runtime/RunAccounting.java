package dev.vinfer.runtime;

/**
 * A session's per-run byte accounting: the memory limit, the constants every run starts from, and the peak of the
 * last finished run. Made once per session, so that starting a run allocates no accounting objects (an arena keeps
 * its own reusable {@link LiveBytes}; runs without an arena get a fresh one).
 */
final class RunAccounting {
    private final long limit;
    private final long constantBytes;
    private volatile long lastPeak;

    RunAccounting(long limit, long constantBytes) {
        this.limit = limit;
        this.constantBytes = constantBytes;
    }

    long limit() {
        return limit;
    }

    long constantBytes() {
        return constantBytes;
    }

    /** A new count for a run without an arena. */
    LiveBytes fresh() {
        return new LiveBytes(new MemoryBudget(limit, "maxMemoryBytes", constantBytes));
    }

    /** Notes the peak of a finished run. */
    void finished(LiveBytes live) {
        lastPeak = live.peak();
    }

    /** Runs {@code graph} with fresh memory and a fresh count. */
    Tensor[] runFresh(Executor executor, Graph graph, Tensor[] feed, Executor.NodeListener listener) {
        LiveBytes live = fresh();
        Tensor[] out = executor.run(graph, feed, listener, RunMemory.FRESH, live);
        finished(live);
        return out;
    }

    long lastPeak() {
        return lastPeak;
    }
}
