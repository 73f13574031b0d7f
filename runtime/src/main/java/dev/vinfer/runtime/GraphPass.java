package dev.vinfer.runtime;

/**
 * One graph-to-graph rewrite of the optimize stage. Passes are found with {@link java.util.ServiceLoader} (so the
 * ops module can contribute fusions without the runtime knowing its ops) and run in {@link #order()} order.
 */
public interface GraphPass {
    /** A short name, printed with the graph after this pass. */
    String name();

    /** Lower runs earlier. */
    default int order() {
        return 100;
    }

    /** Returns the rewritten graph (or {@code g} itself when nothing changed). Must keep outputs identical. */
    Graph apply(Graph g, SessionOptions options);
}
