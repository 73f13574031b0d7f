package dev.vinfer.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * What closing a session does to runs under way, and what it leaves behind: closing waits for runs in flight (they
 * finish with correct results), later runs are refused, and no worker thread or reference to the session is left.
 */
class SessionLifecycleTest {

    /** y = 2x, computed in chunks on the session's pool; waits at {@code gate} (if any) once it has started. */
    private static final class DoubleOp implements Operator {
        final CountDownLatch started;
        final CountDownLatch gate;

        DoubleOp(CountDownLatch started, CountDownLatch gate) {
            this.started = started;
            this.gate = gate;
        }

        @Override
        public String opType() {
            return "Double";
        }

        @Override
        public Tensor[] run(OpContext ctx, Tensor[] inputs) {
            if (started != null) {
                started.countDown();
            }
            if (gate != null) {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            Tensor x = inputs[0];
            Tensor y = ctx.output(0, DType.FLOAT32, x.shape());
            int chunks = 8;
            int n = x.size();
            ctx.parallel().forEach(chunks, c -> {
                for (int i = c * n / chunks; i < (c + 1) * n / chunks; i++) {
                    y.floats()[i] = 2 * x.getFloat(i);
                }
            });
            return new Tensor[] {y};
        }
    }

    private static Graph graph(Operator op) {
        Graph.Builder b = new Graph.Builder("g");
        Value x = b.value("x");
        Value y = b.value("y");
        b.input(x).output(y).node(new Node("double", "", op, new Value[] {x}, new Value[] {y}));
        return b.build();
    }

    /** Input "x": 0, 1, ..., n - 1 (SharedPoolTest too). */
    static Map<String, Tensor> input(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return Map.of("x", Tensor.of(a, n));
    }

    /** Live threads whose names start with {@code prefix} (SharedPoolTest too). */
    static int liveThreads(String prefix) {
        int n = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix) && t.isAlive()) {
                n++;
            }
        }
        return n;
    }

    @Test
    void closeWaitsForRunsInFlightThenRefusesNewOnes() throws Exception {
        int runs = 4;
        CountDownLatch started = new CountDownLatch(runs);
        CountDownLatch gate = new CountDownLatch(1);
        Session s = new Session(graph(new DoubleOp(started, gate)), new SessionOptions().threads(3));
        String prefix = s.workerThreadPrefix();
        ExecutorService callers = Executors.newFixedThreadPool(runs + 1);
        try {
            List<Future<Map<String, Tensor>>> results = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                results.add(callers.submit(() -> s.run(input(1000))));
            }
            assertTrue(started.await(10, TimeUnit.SECONDS), "runs started");
            AtomicBoolean closeReturned = new AtomicBoolean();
            Future<?> closing = callers.submit(() -> {
                s.close();
                closeReturned.set(true);
            });
            Thread.sleep(200);
            assertFalse(closeReturned.get(), "close() must wait for the runs in flight");
            assertTrue(s.isClosed());
            assertThrows(IllegalStateException.class, () -> s.run(input(10)), "a run started after close()");
            gate.countDown();
            for (Future<Map<String, Tensor>> f : results) {
                float[] y = f.get(10, TimeUnit.SECONDS).get("y").toFloatArray();
                assertEquals(1998f, y[999], "a run in flight finishes with a correct result");
            }
            closing.get(10, TimeUnit.SECONDS);
            assertTrue(closeReturned.get());
            assertEquals(0, liveThreads(prefix), "worker threads left after close()");
            s.close(); // closing again does nothing
        } finally {
            gate.countDown();
            callers.shutdownNow();
        }
    }

    @Test
    void closeFromInsideARunDoesNotDeadlock() {
        Session s = new Session(graph(new DoubleOp(null, null)), new SessionOptions().threads(2));
        String prefix = s.workerThreadPrefix();
        Map<String, Tensor> out = s.run(input(100), timing -> s.close());
        assertEquals(198f, out.get("y").toFloatArray()[99]);
        assertTrue(s.isClosed());
        assertEquals(0, liveThreads(prefix));
        assertThrows(IllegalStateException.class, () -> s.run(input(10)));
    }

    @Test
    void noThreadsOrSessionsAreLeftBehind() throws Exception {
        List<WeakReference<Session>> refs = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Session s = new Session(graph(new DoubleOp(null, null)), new SessionOptions().threads(4));
            assertArrayEquals(new float[] {0, 2, 4}, s.run(input(3)).get("y").toFloatArray());
            s.run(input(5000));
            s.close();
            prefixes.add(s.workerThreadPrefix());
            refs.add(new WeakReference<>(s));
        }
        for (String p : prefixes) {
            assertEquals(0, liveThreads(p), "threads of " + p);
        }
        for (int attempt = 0; attempt < 50 && refs.stream().anyMatch(r -> r.get() != null); attempt++) {
            System.gc();
            Thread.sleep(20);
        }
        for (WeakReference<Session> r : refs) {
            assertNull(r.get(), "a closed session is still referenced from somewhere");
        }
    }

    @Test
    void memoryBudgetIsCheckedBeforeAllocating() {
        Limits tight = Limits.defaults().withMaxMemoryBytes(1000);
        try (Session s = new Session(graph(new DoubleOp(null, null)), new SessionOptions().threads(1).limits(tight))) {
            assertEquals(100, s.run(input(100)).get("y").size());
            assertTrue(s.lastRunPeakBytes() >= 400 && s.lastRunPeakBytes() <= 1000, "" + s.lastRunPeakBytes());
            ExecutionException e = assertThrows(ExecutionException.class, () -> s.run(input(1000)));
            assertTrue(e.getMessage().contains("maxMemoryBytes") && e.getMessage().contains("'double'"),
                    e.getMessage());
        }
    }

    @Test
    void shapeChecksCannotOverflow() {
        Limits l = new Limits(Long.MAX_VALUE, 1, 64, 1, 1, 1).withMaxMemoryBytes(Long.MAX_VALUE);
        int[] huge = new int[40];
        java.util.Arrays.fill(huge, Integer.MAX_VALUE);
        VinferException e = assertThrows(VinferException.class, () -> l.checkShape("t", huge));
        assertTrue(e.getMessage().contains("Java array"), e.getMessage());
        l.checkShape("empty", new int[] {0, Integer.MAX_VALUE, Integer.MAX_VALUE});
        assertThrows(VinferException.class, () -> l.checkShape("neg", new int[] {2, -1}));
        assertThrows(VinferException.class, () -> Shapes.fromLongs(new long[] {1L << 40, 0}));
        assertThrows(VinferException.class, () -> Shapes.fromLongs(new long[] {65536, 65536}));
    }
}
