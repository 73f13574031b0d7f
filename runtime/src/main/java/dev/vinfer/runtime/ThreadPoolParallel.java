package dev.vinfer.runtime;

import dev.vinfer.conv.Parallel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link Parallel} over {@code threads - 1} worker threads the session owns; the calling thread runs a share of
 * the tasks itself, so {@code threads} cores are kept busy.
 *
 * <p>Why not a {@code ForkJoinPool}: one inference calls {@code forEach} for every parallel node, often 50 to 200
 * times within a few milliseconds, and many calls last only 50-200 microseconds (small convolutions). A parked
 * worker takes tens of microseconds to wake, so on MobileFaceNet a second thread gained about 10%. Here a worker
 * that has finished a job spins for {@link #SPIN_NANOS} waiting for the next one before it parks, so back-to-back
 * jobs of one run find it awake; between runs it parks and costs nothing.
 *
 * <p>One job at a time: when a second thread calls {@code forEach} while a job is active (two {@code Session.run}
 * calls at once, or a task that itself calls {@code forEach}), that call runs its tasks on its own thread. Results
 * are the same either way; every task runs exactly once.
 */
final class ThreadPoolParallel implements Parallel, AutoCloseable {
    /** How long an idle worker waits, spinning, for the next job before it parks. */
    static final long SPIN_NANOS = 200_000;

    private static final AtomicInteger POOLS = new AtomicInteger();

    private final int threads;
    private final String threadNamePrefix;
    private final Thread[] workers;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile Job job;
    private volatile long posted;
    private volatile boolean closed;

    /**
     * The {@code forEach} call under way: tasks are claimed from {@code next} by the caller and the workers. The pool
     * reuses one (only the thread holding {@code busy} posts a job), so that a run's 50-200 calls allocate nothing;
     * see {@link #workLoop} for how a late worker is kept from claiming from a job being refilled.
     */
    private static final class Job {
        int count;
        Task task;
        final AtomicInteger next = new AtomicInteger();
        /** Workers between joining this job and leaving it; the caller waits for zero. */
        final AtomicInteger inside = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        void claimAll() {
            for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                try {
                    task.run(i);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }
        }
    }

    private final Job reused = new Job();

    ThreadPoolParallel(int threads) {
        this.threads = threads;
        this.threadNamePrefix = "vinfer-pool" + POOLS.incrementAndGet() + "-worker-";
        this.workers = new Thread[Math.max(0, threads - 1)];
        for (int w = 0; w < workers.length; w++) {
            Thread t = new Thread(this::workLoop, threadNamePrefix + w);
            t.setDaemon(true);
            workers[w] = t;
            t.start();
        }
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
        if (workers.length == 0 || count <= 1 || closed || !busy.compareAndSet(false, true)) {
            for (int i = 0; i < count; i++) {
                task.run(i);
            }
            return;
        }
        Job j = reused;
        j.task = task;
        j.count = count;
        j.failure.set(null);
        j.next.set(0); // volatile: publishes task and count to whoever claims an index
        Throwable first;
        try {
            job = j;
            posted++;  // only the thread holding 'busy' writes it
            for (Thread w : workers) {
                LockSupport.unpark(w);
            }
            j.claimAll();
        } finally {
            job = null;
            // Every task is claimed; wait for the workers still running one (or that joined late: they claim
            // nothing, but must leave before the job is refilled).
            while (j.inside.get() != 0) {
                Thread.onSpinWait();
            }
            first = j.failure.getAndSet(null);
            j.task = null;
            busy.set(false);
        }
        if (first instanceof RuntimeException r) {
            throw r;
        }
        if (first instanceof Error e) {
            throw e;
        }
        if (first != null) {
            throw new IllegalStateException(first);
        }
    }

    private void workLoop() {
        long seen = 0;
        while (!closed) {
            long p = posted;
            if (p == seen) {
                waitForPost(seen);
                continue;
            }
            seen = p;
            Job j = job;
            if (j == null) {
                continue;
            }
            j.inside.incrementAndGet();
            try {
                // Still the job posted as p? Once inside, the caller waits for this worker before it refills the
                // job; before that check, the job may have ended (job null) or been refilled and posted anew.
                if (job == j && posted == p) {
                    j.claimAll();
                }
            } finally {
                j.inside.decrementAndGet();
            }
        }
    }

    /** Spins for up to {@link #SPIN_NANOS} for a new job, then parks until one is posted (or the pool closes). */
    private void waitForPost(long seen) {
        long until = System.nanoTime() + SPIN_NANOS;
        while (posted == seen && !closed) {
            if (System.nanoTime() < until) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
        boolean interrupted = false;
        for (Thread w : workers) {
            if (w == Thread.currentThread()) {
                continue;
            }
            try {
                w.join(10_000);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
