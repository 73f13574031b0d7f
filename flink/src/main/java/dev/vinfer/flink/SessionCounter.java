package dev.vinfer.flink;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the sessions {@link InferenceFunction}s open and close in this JVM. A test hook: on a MiniCluster all
 * task managers share the test's JVM, so the counts cover the whole job (on a real cluster each task manager has
 * its own; use the {@link InferenceFunction#SESSIONS_ACCUMULATOR} accumulator there).
 */
public final class SessionCounter {
    private static final AtomicInteger OPENED = new AtomicInteger();
    private static final AtomicInteger CLOSED = new AtomicInteger();
    private static final List<Integer> THREADS = new CopyOnWriteArrayList<>();

    private SessionCounter() {
    }

    public static int opened() {
        return OPENED.get();
    }

    public static int closed() {
        return CLOSED.get();
    }

    /** The intra-op thread count of each session opened, in opening order. */
    public static List<Integer> threads() {
        return List.copyOf(THREADS);
    }

    /** Sessions opened and not yet closed. */
    public static int live() {
        return OPENED.get() - CLOSED.get();
    }

    public static void reset() {
        OPENED.set(0);
        CLOSED.set(0);
        THREADS.clear();
    }

    static void countOpened(int threads) {
        OPENED.incrementAndGet();
        THREADS.add(threads);
    }

    static void countClosed() {
        CLOSED.incrementAndGet();
    }
}
