package dev.vinfer.runtime;

import dev.vinfer.conv.Parallel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
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
     * The {@code forEach} call under way. The pool reuses one (only the thread holding {@code busy} posts a job), so
     * that a run's 50-200 calls allocate nothing; see {@link #workLoop} for how a late worker is kept from claiming
     * from a job being refilled.
     *
     * <p>Tasks are dealt in contiguous blocks, one per thread (the caller is thread 0, worker w is thread w + 1):
     * each thread runs its own block front to back, then helps with the others'. Kernels number their tasks in
     * memory order (pixel tiles, tile-row strips, channel ranges), so with blocks thread t works on the same part of
     * the tensors in every node and, where consecutive nodes split alike, reads the part of a node's input that it
     * wrote itself as the previous node's output. Claimed from one shared counter instead, task i went to whichever
     * thread came first, differently in every node and run. Reading what the other core wrote is what costs on
     * this VM when the host puts its two vCPUs on cores that share no L3 (a cache line from the other core takes
     * about 310 ns instead of 70): ResNet-18 at two threads 16.4 ms near, 20.3-20.7 ms far (ONNX Runtime 16.7 /
     * 17.3). Blocks took the far case to 20.1-20.4 ms; most of the rest is data both threads read inside a node
     * (bench/README.md, "Two threads, session 4").
     */
    private static final class Job {
        /** Ints between two threads' cursors: one 64-byte cache line, so claiming in one's own block stays local. */
        private static final int PAD = 16;

        int count;
        Task task;
        /** The next unclaimed index of block b at {@code cursor[b * PAD]}; block b ends where block b + 1 starts. */
        final AtomicIntegerArray cursor;
        final int blocks;
        /** Workers between joining this job and leaving it; the caller waits for zero. */
        final AtomicInteger inside = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Job(int threads) {
            this.blocks = threads;
            this.cursor = new AtomicIntegerArray((threads + 1) * PAD);
        }

        /**
         * Deals out {@code count} tasks (before the job is posted: the volatile writes of {@code job} and
         * {@code posted} that follow publish task, count and cursors to the workers).
         */
        void deal(int count, Task task) {
            this.task = task;
            this.count = count;
            for (int b = 0; b < blocks; b++) {
                cursor.set(b * PAD, blockStart(b));
            }
        }

        int blockStart(int b) {
            return (int) ((long) count * b / blocks);
        }

        /** Runs the tasks of thread {@code self}'s block, then whatever is left of the others'. */
        void claimAll(int self) {
            for (int k = 0; k < blocks; k++) {
                int b = (self + k) % blocks;
                int end = blockStart(b + 1);
                for (int i = cursor.getAndIncrement(b * PAD); i < end; i = cursor.getAndIncrement(b * PAD)) {
                    try {
                        task.run(i);
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    }
                }
            }
        }
    }

    private final Job reused;

    ThreadPoolParallel(int threads) {
        this.threads = threads;
        this.threadNamePrefix = "vinfer-pool" + POOLS.incrementAndGet() + "-worker-";
        this.workers = new Thread[Math.max(0, threads - 1)];
        this.reused = new Job(Math.max(1, threads));
        for (int w = 0; w < workers.length; w++) {
            int self = w + 1;
            Thread t = new Thread(() -> workLoop(self), threadNamePrefix + w);
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
        j.failure.set(null);
        j.deal(count, task);
        Throwable first;
        try {
            job = j;
            posted++;  // only the thread holding 'busy' writes it
            for (Thread w : workers) {
                LockSupport.unpark(w);
            }
            j.claimAll(0);
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

    /** The loop of worker thread {@code self} (1 to threads - 1; the caller is 0). */
    private void workLoop(int self) {
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
                    j.claimAll(self);
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
