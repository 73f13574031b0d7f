package dev.vinfer.cli;

import dev.vinfer.Vinfer;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.ValueInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vinfer run}: feed inputs from files or random data, print (and optionally save) the outputs. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a model once and print output shapes, value ranges and the run time.")
final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL.onnx")
    Path model;

    @Option(names = "--inputs", paramLabel = "DIR",
            description = "Folder with input_<i>.pb for the graph inputs that have no initializer, in graph order.")
    Path inputsDir;

    @Option(names = "--input", paramLabel = "NAME=FILE", description = "One input from a .pb or .npy file.")
    Map<String, Path> inputFiles = new LinkedHashMap<>();

    @Option(names = "--random", description = "Fill inputs not given otherwise with random data.")
    boolean random;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for --random (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--outputs", paramLabel = "DIR", description = "Write output_<i>.pb files here.")
    Path outputsDir;

    @Option(names = "--threads", description = "Intra-op threads (default: all cores).")
    Integer threads;

    @Option(names = "--no-optimize", description = "Skip graph optimization.")
    boolean noOptimize;

    @Option(names = "--runs", defaultValue = "1", description = "Run this many times; the time of each is shown.")
    int runs;

    @Override
    public Integer call() throws Exception {
        SessionOptions opts = new SessionOptions().optimize(!noOptimize);
        if (threads != null) {
            opts.threads(threads);
        }
        long t0 = System.nanoTime();
        try (Session s = Vinfer.open(model, opts)) {
            long t1 = System.nanoTime();
            System.out.printf("loaded %s in %.1f ms%n", model, (t1 - t0) / 1e6);
            Map<String, Tensor> feed = new LinkedHashMap<>();
            List<ValueInfo> ins = s.inputs();
            Random rnd = new Random(seed);
            for (int i = 0; i < ins.size(); i++) {
                ValueInfo vi = ins.get(i);
                Path f = inputFiles.get(vi.name());
                if (f == null && inputsDir != null && Files.exists(inputsDir.resolve("input_" + i + ".pb"))) {
                    f = inputsDir.resolve("input_" + i + ".pb");
                }
                if (f != null) {
                    feed.put(vi.name(), TensorFiles.read(f));
                } else if (random) {
                    feed.put(vi.name(), TensorFiles.random(vi, rnd));
                } else {
                    throw new Main.UserError("no data for input '" + vi.name() + "' " + vi.shapeString()
                            + " (use --inputs DIR, --input " + vi.name() + "=FILE or --random)");
                }
            }
            for (String k : inputFiles.keySet()) {
                if (ins.stream().noneMatch(v -> v.name().equals(k))) {
                    throw new Main.UserError("the model has no input '" + k + "'; it takes " + ins);
                }
            }
            for (var e : feed.entrySet()) {
                System.out.println("input  " + e.getKey() + ": " + TensorFiles.describe(e.getValue()));
            }
            Map<String, Tensor> out = null;
            for (int r = 0; r < Math.max(1, runs); r++) {
                long a = System.nanoTime();
                out = s.run(feed);
                System.out.printf("run %d: %.2f ms%n", r + 1, (System.nanoTime() - a) / 1e6);
            }
            int i = 0;
            if (outputsDir != null) {
                Files.createDirectories(outputsDir);
            }
            for (var e : out.entrySet()) {
                System.out.println("output " + e.getKey() + ": " + TensorFiles.describe(e.getValue()));
                if (outputsDir != null) {
                    TensorFiles.writePb(e.getValue(), e.getKey(), outputsDir.resolve("output_" + i + ".pb"));
                }
                i++;
            }
        }
        return 0;
    }
}
