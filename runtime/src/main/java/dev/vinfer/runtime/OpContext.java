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

    /** Threads for intra-op parallelism. */
    Parallel parallel();

    /** The session's options (forced algorithms, limits). */
    SessionOptions options();

    /** Runs a subgraph (e.g. a branch of If) with the given inputs, in the subgraph's input order. */
    Tensor[] runSubgraph(Graph graph, Tensor[] inputs);
}
