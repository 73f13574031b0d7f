package dev.vinfer.runtime;

import static dev.vinfer.runtime.SessionLifecycleTest.input;
import static dev.vinfer.runtime.SessionLifecycleTest.liveThreads;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Sessions on one caller-owned pool ({@link SessionOptions#pool}): they run on its worker, closing a session leaves
 * the pool running, closing the pool leaves the sessions running on their calling threads, and sessions run at the
 * same time from two threads on one pool give the results they give alone.
 */
class SharedPoolTest {

    /** y = x * k in 16 chunks on the session's pool, noting the names of the threads that ran a chunk. */
    private static final class ScaleOp implements Operator {
        final float k;
        final Set<String> threads = ConcurrentHashMap.newKeySet();

        ScaleOp(float k) {
            this.k = k;
        }

        @Override
        public String opType() {
            return "Scale";
        }

        @Override
        public Tensor[] run(OpContext ctx, Tensor[] inputs) {
            Tensor x = inputs[0];
            Tensor y = ctx.output(0, DType.FLOAT32, x.shape());
            int chunks = 16;
            int n = x.size();
            ctx.parallel().forEach(chunks, c -> {
                threads.add(Thread.currentThread().getName());
                // enough work per chunk that the worker, spinning or just woken, takes part
                for (int rep = 0; rep < 200; rep++) {
                    for (int i = c * n / chunks; i < (c + 1) * n / chunks; i++) {
                        y.floats()[i] = k * x.getFloat(i);
                    }
                }
            });
            return new Tensor[] {y};
        }
    }

    private static Session session(ScaleOp op, WorkerPool pool) {
        Graph.Builder b = new Graph.Builder("g");
        Value x = b.value("x");
        Value y = b.value("y");
        b.input(x).output(y).node(new Node("scale", "", op, new Value[] {x}, new Value[] {y}));
        return new Session(b.build(), new SessionOptions().threads(7).pool(pool));
    }

    private static boolean ranOnWorker(ScaleOp op, String prefix) {
        return op.threads.stream().anyMatch(name -> name.startsWith(prefix));
    }

    @Test
    void sessionsRunOnTheSharedPoolAndOutliveIt() {
        WorkerPool pool = WorkerPool.start(2);
        String prefix = pool.parallel().threadNamePrefix();
        ScaleOp twice = new ScaleOp(2f);
        ScaleOp thrice = new ScaleOp(3f);
        Session a = session(twice, pool);
        Session b = session(thrice, pool);
        try {
            assertEquals(prefix, a.workerThreadPrefix());
            assertEquals(prefix, b.workerThreadPrefix());
            assertEquals(1, liveThreads(prefix), "one worker for both sessions");
            for (int i = 0; i < 200 && !(ranOnWorker(twice, prefix) && ranOnWorker(thrice, prefix)); i++) {
                assertEquals(2f * 4095, a.run(input(4096)).get("y").toFloatArray()[4095]);
                assertEquals(3f * 4095, b.run(input(4096)).get("y").toFloatArray()[4095]);
            }
            assertTrue(ranOnWorker(twice, prefix) && ranOnWorker(thrice, prefix),
                    "both sessions ran chunks on the shared worker: " + twice.threads + " " + thrice.threads);

            a.close();
            assertEquals(1, liveThreads(prefix), "closing a session leaves the shared pool running");
            assertEquals(3f * 10, b.run(input(64)).get("y").toFloatArray()[10]);

            pool.close();
            assertEquals(0, liveThreads(prefix), "the pool's worker stops when the pool closes");
            thrice.threads.clear();
            assertEquals(3f * 63, b.run(input(64)).get("y").toFloatArray()[63], "a session after its pool closed");
            assertEquals(Set.of(Thread.currentThread().getName()), thrice.threads, "runs on the calling thread");
        } finally {
            a.close();
            b.close();
            pool.close();
        }
    }

    @Test
    void sessionsOnOnePoolRunAtOnceFromTwoThreads() throws Exception {
        WorkerPool pool = WorkerPool.start(2);
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try (Session a = session(new ScaleOp(2f), pool); Session b = session(new ScaleOp(-1f), pool)) {
            Future<?> fa = callers.submit(() -> {
                for (int i = 0; i < 300; i++) {
                    float[] y = a.run(input(1000)).get("y").toFloatArray();
                    assertEquals(2f * 999, y[999]);
                    assertEquals(2f * 500, y[500]);
                }
            });
            Future<?> fb = callers.submit(() -> {
                for (int i = 0; i < 300; i++) {
                    float[] y = b.run(input(1000)).get("y").toFloatArray();
                    assertEquals(-999f, y[999]);
                    assertEquals(-500f, y[500]);
                }
            });
            fa.get(60, TimeUnit.SECONDS);
            fb.get(60, TimeUnit.SECONDS);
        } finally {
            callers.shutdownNow();
            pool.close();
        }
    }
}
