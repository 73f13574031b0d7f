package dev.vinfer.conv;

/**
 * Splits a kernel's work into independent tasks and runs them, possibly on several threads.
 *
 * <p>Kernels in this library never create threads: the caller (a session) owns the pool and hands a
 * {@code Parallel} to each call. {@link #SERIAL} runs everything on the calling thread.
 */
public interface Parallel {

    /** A unit of work: runs task {@code index} of {@code count}. */
    @FunctionalInterface
    interface Task {
        void run(int index);
    }

    /** How many threads may run tasks at once; kernels use it to choose how finely to split. */
    int threads();

    /** Runs {@code task.run(i)} for every i in [0, count) and returns when all have finished. */
    void forEach(int count, Task task);

    /** Runs every task on the calling thread, in order. */
    Parallel SERIAL = new Parallel() {
        @Override
        public int threads() {
            return 1;
        }

        @Override
        public void forEach(int count, Task task) {
            for (int i = 0; i < count; i++) {
                task.run(i);
            }
        }
    };

    /**
     * Runs {@code body(start, end)} over [0, n) in about {@code threads()} contiguous chunks, none smaller than
     * {@code minChunk} items, so that small problems stay on one thread.
     */
    default void forRange(int n, int minChunk, RangeBody body) {
        int chunks = Math.max(1, Math.min(threads(), n / Math.max(1, minChunk)));
        if (chunks <= 1) {
            body.run(0, n);
            return;
        }
        forEach(chunks, c -> body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks)));
    }

    /** A body over a half-open range of items. */
    @FunctionalInterface
    interface RangeBody {
        void run(int start, int end);
    }
}
