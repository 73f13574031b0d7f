package dev.vinfer.onnx.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vinfer.onnx.testing.OnnxTestCase;
import dev.vinfer.testdata.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The 828 node tests of {@code CNN_SET.txt} must all pass, with and without graph optimization, except the few
 * listed with a reason in {@code conformance/cnn-set-exceptions.txt} (at most 8).
 */
class CnnSetConformanceTest {

    @ParameterizedTest(name = "optimize={0}")
    @ValueSource(booleans = {true, false})
    void cnnSetPasses(boolean optimize) throws IOException {
        Path shared = SharedData.require("onnx-tests/CNN_SET.txt").getParent();
        List<Path> dirs = new ArrayList<>();
        for (String line : Files.readAllLines(shared.resolve("CNN_SET.txt"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                dirs.add(shared.resolve("node").resolve(line.trim()));
            }
        }
        Map<String, String> exceptions = ConformanceSuite.read(
                SharedData.projectRoot().resolve("conformance/cnn-set-exceptions.txt"));
        assertTrue(exceptions.size() <= 8, "at most 8 explained exceptions are allowed, found " + exceptions.size());
        Map<String, OnnxTestCase.Result> results = ConformanceSuite.run(dirs, optimize);
        ConformanceSuite.write(SharedData.projectRoot().resolve("target/conformance/cnn-set-optimize-" + optimize
                + ".tsv"), "# CNN_SET results, optimize=" + optimize, results);
        List<String> failures = new ArrayList<>();
        int passed = 0;
        for (OnnxTestCase.Result r : results.values()) {
            if (r.passed()) {
                passed++;
            } else if (!exceptions.containsKey(r.name())) {
                failures.add(r.name() + " " + r.status() + ": " + r.detail());
            }
        }
        System.out.println("CNN_SET (optimize=" + optimize + "): " + passed + " of " + results.size() + " passed; "
                + ConformanceSuite.summary(results));
        if (!failures.isEmpty()) {
            fail(failures.size() + " CNN_SET tests fail (optimize=" + optimize + "):\n" + String.join("\n",
                    failures));
        }
    }
}
