package dev.vinfer.runtime;

import dev.vinfer.conv.Parallel;

/**
 * The thread pool a {@link Session} runs its kernels on, for code that calls the kernels of {@code dev.vinfer.conv}
 * directly (outside a session) and wants the same behaviour: {@code threads - 1} daemon workers that spin briefly
 * between back-to-back jobs, the calling thread running a share itself. Close it to stop the workers.
 *
 * <p>One job at a time: a {@code forEach} issued while another is running (from another thread, or from inside a
 * task) runs its tasks on the calling thread.
 *
 * <p>Sessions can share one ({@link SessionOptions#pool}): an application with several models then keeps one set of
 * worker threads, whose spinning between jobs no longer competes with another pool's for the same cores.
 */
public final class WorkerPool implements Parallel, AutoCloseable {
    private final ThreadPoolParallel pool;

    private WorkerPool(int threads) {
        this.pool = new ThreadPoolParallel(threads);
    }

    /**
     * Starts a pool for {@code threads} cores ({@code threads - 1} workers; 1 means the caller alone).
     *
     * @throws IllegalArgumentException if {@code threads < 1}
     */
    public static WorkerPool start(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        return new WorkerPool(threads);
    }

    /** The pool itself, for a session that runs on it ({@link SessionOptions#pool}). */
    ThreadPoolParallel parallel() {
        return pool;
    }

    @Override
    public int threads() {
        return pool.threads();
    }

    @Override
    public void forEach(int count, Task task) {
        pool.forEach(count, task);
    }

    /** Stops the workers (waiting for them to leave); later calls run on the caller. */
    @Override
    public void close() {
        pool.close();
    }
}
