package dev.vinfer.ops.nn;

import dev.vinfer.ops.testing.TestContext;
import dev.vinfer.conv.Parallel;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** {@link TestContext} with two real threads, so that ops which split their work really run it in parallel. */
public final class TwoThreadContext implements OpContext, AutoCloseable {
    private final TestContext base = new TestContext();
    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    private final Parallel two = new Parallel() {
        @Override
        public int threads() {
            return 2;
        }

        @Override
        public void forEach(int count, Task task) {
            Future<?>[] f = new Future<?>[count];
            for (int i = 0; i < count; i++) {
                int index = i;
                f[i] = pool.submit(() -> task.run(index));
            }
            for (Future<?> x : f) {
                try {
                    x.get();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    };

    @Override
    public Tensor output(int index, DType dtype, int... shape) {
        return base.output(index, dtype, shape);
    }

    @Override
    public Parallel parallel() {
        return two;
    }

    @Override
    public SessionOptions options() {
        return base.options();
    }

    @Override
    public Tensor[] runSubgraph(Graph graph, Tensor[] inputs) {
        return base.runSubgraph(graph, inputs);
    }

    @Override
    public void close() {
        pool.shutdown();
    }
}
