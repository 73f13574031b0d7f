package dev.vinfer.samples.volume;

import dev.vinfer.conv.Parallel;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * A {@link Parallel} on a pool of its own for the slice kernels (the session's pool is internal to a session); the
 * calling thread runs one share, so {@code threads - 1} workers keep {@code threads} cores busy.
 */
final class PoolParallel implements Parallel, AutoCloseable {
    private final int threads;
    private final ForkJoinPool pool;

    PoolParallel(int threads) {
        this.threads = Math.max(1, threads);
        this.pool = this.threads == 1 ? null : new ForkJoinPool(this.threads - 1, p -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setDaemon(true);
            t.setName("vinfer-volume-" + t.getPoolIndex());
            return t;
        }, null, false);
    }

    @Override
    public int threads() {
        return threads;
    }

    @Override
    public void forEach(int count, Task task) {
        if (pool == null || count <= 1) {
            for (int i = 0; i < count; i++) {
                task.run(i);
            }
            return;
        }
        ForkJoinTask<?>[] forks = new ForkJoinTask<?>[count - 1];
        for (int i = 1; i < count; i++) {
            int idx = i;
            forks[i - 1] = pool.submit(() -> task.run(idx));
        }
        RuntimeException first = null;
        try {
            task.run(0);
        } catch (RuntimeException e) {
            first = e;
        }
        for (ForkJoinTask<?> f : forks) {
            try {
                f.join();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
