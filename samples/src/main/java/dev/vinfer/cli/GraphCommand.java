package dev.vinfer.cli;

import dev.vinfer.Vinfer;
import dev.vinfer.onnx.OnnxModel;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.GraphPass;
import dev.vinfer.runtime.Optimizer;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.ValueInfo;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vinfer graph}: print the graph as imported, after optimization or after every optimization pass, or the
 * memory plan a session makes for it.
 */
@Command(name = "graph", mixinStandardHelpOptions = true,
        description = "Print a model's graph at a pipeline stage (or after each optimization pass), or its memory"
                + " plan.")
final class GraphCommand implements Callable<Integer> {
    enum Stage { IMPORT, OPTIMIZE, PLAN }

    @Parameters(index = "0", paramLabel = "MODEL.onnx")
    Path model;

    @Option(names = "--stage", defaultValue = "optimize", paramLabel = "import|optimize|plan",
            description = "import: as imported; optimize: after all passes (default ${DEFAULT-VALUE}); plan: where"
                    + " each node output lives in the session's reused activation arena and while which nodes it is"
                    + " live (inputs of dynamic size are taken as 1 for one run on random data).")
    String stage;

    @Option(names = "--passes", description = "Print the graph after every pass (with a node count).")
    boolean passes;

    @Override
    public Integer call() {
        Stage st = switch (stage.toLowerCase(java.util.Locale.ROOT)) {
            case "import" -> Stage.IMPORT;
            case "optimize" -> Stage.OPTIMIZE;
            case "plan" -> Stage.PLAN;
            default -> throw new Main.UserError("--stage must be import, optimize or plan, not '" + stage + "'");
        };
        SessionOptions opts = new SessionOptions();
        if (st == Stage.PLAN && !passes) {
            printPlan(opts);
            return 0;
        }
        Graph g = OnnxModel.load(model, opts.limits()).toGraph(opts);
        if (passes) {
            System.out.println("passes: " + passNames());
            System.out.println("== import (" + g.nodes().size() + " nodes)");
            System.out.print(g);
            Optimizer.standard().optimize(g, opts, (name, after) -> {
                System.out.println("== after " + name + " (" + after.nodes().size() + " nodes)");
                System.out.print(after);
            });
            return 0;
        }
        if (st == Stage.OPTIMIZE) {
            g = Optimizer.standard().optimize(g, opts);
        }
        System.out.print(g);
        return 0;
    }

    /**
     * Opens a session (which plans at open when the inputs have static shapes) and prints its plan; with no plan
     * after opening, one run on random inputs (dynamic sizes as 1) makes it.
     */
    private void printPlan(SessionOptions opts) {
        opts.threads(1);
        try (Session s = Vinfer.open(model, opts)) {
            if (s.describeMemoryPlans().isEmpty()) {
                Map<String, Tensor> feed = new LinkedHashMap<>();
                Random rnd = new Random(1);
                for (ValueInfo vi : s.inputs()) {
                    feed.put(vi.name(), TensorFiles.random(vi, rnd));
                }
                s.run(feed);
            }
            System.out.print(s.describeMemoryPlans());
        }
    }

    /** The pass names, in order (for help texts and tests). */
    static String passNames() {
        StringBuilder b = new StringBuilder();
        for (GraphPass p : Optimizer.standard().passes()) {
            b.append(b.isEmpty() ? "" : ", ").append(p.name());
        }
        return b.toString();
    }
}
