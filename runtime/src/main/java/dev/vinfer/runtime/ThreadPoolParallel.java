package dev.vinfer.runtime;

import dev.vinfer.conv.Parallel;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Parallel} over a pool the session owns. The calling thread runs one share of the tasks itself, so a
 * pool of {@code threads - 1} workers keeps {@code threads} cores busy.
 */
final class ThreadPoolParallel implements Parallel, AutoCloseable {
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final int threads;
    private final ForkJoinPool pool;
    private final String threadNamePrefix;
    // Every worker ever started, so that close() can wait until each has really exited.
    private final java.util.List<Thread> workers = new java.util.ArrayList<>();

    ThreadPoolParallel(int threads) {
        this.threads = threads;
        this.threadNamePrefix = "vinfer-pool" + POOLS.incrementAndGet() + "-worker-";
        this.pool = threads <= 1 ? null : new ForkJoinPool(threads - 1, p -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setDaemon(true);
            t.setName(threadNamePrefix + t.getPoolIndex());
            synchronized (workers) {
                workers.add(t);
            }
            return t;
        }, null, false);
    }

    /** Names of this pool's worker threads start with this (unique per pool; tests look for leftovers). */
    String threadNamePrefix() {
        return threadNamePrefix;
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
        // Tasks are claimed from a shared counter by the calling thread and up to threads - 1 helpers, so every thread
        // keeps working until none is left. (Submitting one pool task per index and joining them in order let a
        // single worker run all but the caller's first task: with 8 tasks on 2 threads the caller ran 1 and waited.)
        AtomicInteger next = new AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<RuntimeException> failure =
                new java.util.concurrent.atomic.AtomicReference<>();
        Runnable claimLoop = () -> {
            for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                try {
                    task.run(i);
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            }
        };
        ForkJoinTask<?>[] helpers = new ForkJoinTask<?>[Math.min(threads, count) - 1];
        for (int h = 0; h < helpers.length; h++) {
            helpers[h] = pool.submit(claimLoop);
        }
        claimLoop.run();
        for (ForkJoinTask<?> f : helpers) {
            f.join();
        }
        RuntimeException first = failure.get();
        if (first != null) {
            throw first;
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
            try {
                pool.awaitTermination(10, TimeUnit.SECONDS);
                // Terminated means no task runs; a worker may still be finishing its exit. Wait for that too.
                java.util.List<Thread> started;
                synchronized (workers) {
                    started = new java.util.ArrayList<>(workers);
                    workers.clear();
                }
                for (Thread t : started) {
                    if (t != Thread.currentThread()) {
                        t.join(10_000);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
