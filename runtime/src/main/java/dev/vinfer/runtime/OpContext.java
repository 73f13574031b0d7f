package dev.vinfer.runtime;

import dev.vinfer.conv.Parallel;

/** What an {@link Operator} may ask of the session while it runs. */
public interface OpContext {

    /** A tensor for output {@code index} of the running node; contents are unspecified (may be reused memory). */
    Tensor output(int index, DType dtype, int... shape);

    /**
     * A one-element array holding {@code output}, for an operator to return from {@link Operator#run}. Under a
     * memory plan it is the node's reused array (the executor reads it as soon as the op returns), so a
     * steady-state run allocates no result arrays; otherwise a new array.
     */
    default Tensor[] result(Tensor output) {
        return new Tensor[] {output};
    }

    /**
     * Whether this is the preparation run a session makes when it opens (inputs of the declared static shapes,
     * filled with zeros): an op may then skip its computation, leaving its outputs' contents unspecified, and
     * queue the preparation of its constant operands (weight packing) with {@link #preparation}.
     */
    default boolean preparing() {
        return false;
    }

    /**
     * Work that readies this op for later runs (e.g. packing constant weights). In the preparation run it is queued
     * and run before the session opens, possibly on another thread and alongside other ops' preparations, so it
     * must touch only the op's own thread-safe state; otherwise it runs now.
     */
    default void preparation(Runnable task) {
        task.run();
    }

    /** Threads for intra-op parallelism. */
    Parallel parallel();

    /** The session's options (forced algorithms, limits). */
    SessionOptions options();

    /** Runs a subgraph (e.g. a branch of If) with the given inputs, in the subgraph's input order. */
    Tensor[] runSubgraph(Graph graph, Tensor[] inputs);
}
