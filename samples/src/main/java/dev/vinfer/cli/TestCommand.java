package dev.vinfer.cli;

import dev.vinfer.onnx.testing.OnnxTestCase;
import dev.vinfer.onnx.testing.Tolerance;
import dev.vinfer.runtime.SessionOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vinfer test}: run ONNX backend test folders and report PASS/FAIL with errors. */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = "Run ONNX test folders (model.onnx + test_data_set_*); exit 1 if any fails.")
final class TestCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "DIR")
    List<Path> dirs;

    @Option(names = "--rtol", defaultValue = "1e-3")
    double rtol;

    @Option(names = "--atol", defaultValue = "1e-7")
    double atol;

    @Option(names = "--no-optimize", description = "Skip graph optimization.")
    boolean noOptimize;

    @Override
    public Integer call() {
        int failed = 0;
        int passed = 0;
        for (Path d : dirs) {
            if (!Files.exists(d.resolve("model.onnx"))) {
                throw new Main.UserError(d + " is not an ONNX test folder (no model.onnx)");
            }
            OnnxTestCase.Result r = new OnnxTestCase(d).run(new SessionOptions().threads(1).optimize(!noOptimize),
                    new Tolerance(rtol, atol));
            System.out.printf("%-4s %-60s max abs %.3g  max rel %.3g%s%n", r.passed() ? "PASS" : "FAIL", r.name(),
                    r.maxAbsError(), r.maxRelError(), r.passed() ? "" : "  " + r.status() + ": " + r.detail());
            if (r.passed()) {
                passed++;
            } else {
                failed++;
            }
        }
        System.out.println(passed + " passed, " + failed + " failed");
        return failed == 0 ? 0 : 1;
    }
}
