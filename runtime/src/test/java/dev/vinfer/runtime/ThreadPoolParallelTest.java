package dev.vinfer.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The session pool's task distribution: every index exactly once, work shared, failures reported. */
class ThreadPoolParallelTest {

    @Test
    void runsEveryTaskOnceAndSharesThem() {
        try (ThreadPoolParallel p = new ThreadPoolParallel(2)) {
            for (int count : new int[] {0, 1, 2, 3, 8, 101}) {
                AtomicIntegerArray runs = new AtomicIntegerArray(Math.max(1, count));
                p.forEach(count, runs::incrementAndGet);
                for (int i = 0; i < count; i++) {
                    assertEquals(1, runs.get(i), "task " + i + " of " + count);
                }
            }
            // Many slow-ish tasks: both threads must keep taking them. (The old pool let the caller run only its
            // first task and one worker all the others: 1 + 15.) Retried, as a loaded machine may stall a thread.
            boolean shared = false;
            for (int attempt = 0; attempt < 20 && !shared; attempt++) {
                java.util.concurrent.ConcurrentHashMap<Thread, Integer> ran = new java.util.concurrent.ConcurrentHashMap<>();
                p.forEach(16, i -> {
                    ran.merge(Thread.currentThread(), 1, Integer::sum);
                    long until = System.nanoTime() + 1_000_000;
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                });
                int caller = ran.getOrDefault(Thread.currentThread(), 0);
                shared = ran.size() == 2 && caller >= 4 && caller <= 12;
            }
            assertTrue(shared, "caller and helper each ran a fair share of the tasks");
        }
    }

    /**
     * The pool refills one job object for every call: back-to-back calls of different sizes (workers still leaving
     * the previous job while the next is posted) must each run every index exactly once.
     */
    @Test
    void backToBackCallsEachRunEveryTaskOnce() {
        try (ThreadPoolParallel p = new ThreadPoolParallel(3)) {
            for (int call = 0; call < 20_000; call++) {
                int count = 2 + call % 9;
                AtomicIntegerArray runs = new AtomicIntegerArray(count);
                int c = call;
                p.forEach(count, i -> {
                    runs.incrementAndGet(i);
                    if (c % 7 == 0) {
                        Thread.yield(); // let a worker fall behind now and then
                    }
                });
                for (int i = 0; i < count; i++) {
                    assertEquals(1, runs.get(i), "call " + call + ", task " + i + " of " + count);
                }
            }
        }
    }

    @Test
    void firstFailureIsRethrownAfterAllTasksRan() {
        try (ThreadPoolParallel p = new ThreadPoolParallel(2)) {
            AtomicIntegerArray runs = new AtomicIntegerArray(10);
            IllegalStateException boom = new IllegalStateException("boom");
            IllegalStateException got = assertThrows(IllegalStateException.class, () -> p.forEach(10, i -> {
                runs.incrementAndGet(i);
                if (i == 3) {
                    throw boom;
                }
            }));
            assertSame(boom, got);
            for (int i = 0; i < 10; i++) {
                assertEquals(1, runs.get(i), "task " + i);
            }
        }
    }
}
