package dev.vinfer.runtime;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.BiConsumer;

/** The optimize stage: a sequence of {@link GraphPass}es, each of whose results can be printed. */
public final class Optimizer {
    private final List<GraphPass> passes;

    /** An optimizer that runs {@code passes} in the given order (copied). */
    public Optimizer(List<GraphPass> passes) {
        this.passes = List.copyOf(passes);
    }

    /** Constant folding and dead-code elimination from the runtime, plus every pass found by ServiceLoader. */
    public static Optimizer standard() {
        List<GraphPass> list = new ArrayList<>();
        list.add(new ConstantFolding());
        list.add(new DeadCodeElimination());
        for (GraphPass p : ServiceLoader.load(GraphPass.class, Optimizer.class.getClassLoader())) {
            list.add(p);
        }
        list.sort(Comparator.comparingInt(GraphPass::order));
        return new Optimizer(list);
    }

    /** The passes, in the order they run (unmodifiable). */
    public List<GraphPass> passes() {
        return passes;
    }

    /**
     * Runs every pass in order and returns the resulting graph. Passes build new graphs rather than changing {@code g},
     * so the input graph stays usable.
     */
    public Graph optimize(Graph g, SessionOptions options) {
        return optimize(g, options, null);
    }

    /** Runs every pass; {@code afterEach} (may be null) sees each pass's name and resulting graph. */
    public Graph optimize(Graph g, SessionOptions options, BiConsumer<String, Graph> afterEach) {
        Graph cur = g;
        for (GraphPass p : passes) {
            cur = p.apply(cur, options);
            if (afterEach != null) {
                afterEach.accept(p.name(), cur);
            }
        }
        return cur;
    }
}
