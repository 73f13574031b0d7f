package dev.vinfer.cli;

import dev.vinfer.onnx.OnnxModel;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.GraphPass;
import dev.vinfer.runtime.Optimizer;
import dev.vinfer.runtime.SessionOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vinfer graph}: print the graph as imported, after optimization, or after every optimization pass. */
@Command(name = "graph", mixinStandardHelpOptions = true,
        description = "Print a model's graph at a pipeline stage, or after each optimization pass.")
final class GraphCommand implements Callable<Integer> {
    enum Stage { IMPORT, OPTIMIZE }

    @Parameters(index = "0", paramLabel = "MODEL.onnx")
    Path model;

    @Option(names = "--stage", defaultValue = "optimize", paramLabel = "import|optimize",
            description = "import: as imported; optimize: after all passes (default ${DEFAULT-VALUE}).")
    String stage;

    @Option(names = "--passes", description = "Print the graph after every pass (with a node count).")
    boolean passes;

    @Override
    public Integer call() {
        Stage st = switch (stage.toLowerCase(java.util.Locale.ROOT)) {
            case "import" -> Stage.IMPORT;
            case "optimize" -> Stage.OPTIMIZE;
            default -> throw new Main.UserError("--stage must be import or optimize, not '" + stage + "'");
        };
        SessionOptions opts = new SessionOptions();
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

    /** The pass names, in order (for help texts and tests). */
    static String passNames() {
        StringBuilder b = new StringBuilder();
        for (GraphPass p : Optimizer.standard().passes()) {
            b.append(b.isEmpty() ? "" : ", ").append(p.name());
        }
        return b.toString();
    }
}
