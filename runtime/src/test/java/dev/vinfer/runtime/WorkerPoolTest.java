package dev.vinfer.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {

    @Test
    void runsEveryTaskOnceAndStopsItsWorkers() throws InterruptedException {
        String before = workerNames();
        try (WorkerPool pool = WorkerPool.start(2)) {
            assertEquals(2, pool.threads());
            AtomicIntegerArray runs = new AtomicIntegerArray(37);
            for (int round = 0; round < 20; round++) {
                pool.forEach(runs.length(), runs::incrementAndGet);
            }
            for (int i = 0; i < runs.length(); i++) {
                assertEquals(20, runs.get(i), "task " + i);
            }
        }
        assertEquals(before, workerNames(), "workers left running after close");
    }

    @Test
    void rejectsNoThreads() {
        assertThrows(IllegalArgumentException.class, () -> WorkerPool.start(0));
    }

    private static String workerNames() {
        // getAllStackTraces lists live threads only.
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.startsWith("vinfer-pool")).sorted().toList().toString();
    }
}
