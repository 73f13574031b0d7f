package dev.vinfer.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
            // Many slow-ish tasks: the helper thread must take part, not only the caller (or only the worker).
            Set<Thread> seen = ConcurrentHashMap.newKeySet();
            for (int attempt = 0; attempt < 20 && seen.size() < 2; attempt++) {
                p.forEach(16, i -> {
                    seen.add(Thread.currentThread());
                    long until = System.nanoTime() + 2_000_000;
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                });
            }
            assertTrue(seen.contains(Thread.currentThread()), "the caller runs tasks");
            assertEquals(2, seen.size(), "both threads ran tasks");
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
