package dev.vinfer.onnx.conformance;

import static org.junit.jupiter.api.Assertions.fail;

import dev.vinfer.onnx.testing.OnnxTestCase;
import dev.vinfer.testdata.SharedData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs every ONNX backend test folder (node, pytorch-converted, pytorch-operator, simple) and compares with the
 * checked-in {@code conformance/results.tsv}: a test listed there as PASS that no longer passes fails the build.
 * Newly passing tests are reported; {@code -Dvinfer.conformance.update=true} rewrites the checked-in list.
 */
class FullConformanceTest {
    private static final String[] FOLDERS = {"node", "pytorch-converted", "pytorch-operator", "simple"};

    @Test
    void noRegressionAgainstPassList() {
        Path shared = SharedData.require("onnx-tests").normalize();
        Map<String, OnnxTestCase.Result> all = new LinkedHashMap<>();
        StringBuilder counts = new StringBuilder();
        for (String folder : FOLDERS) {
            List<Path> dirs = ConformanceSuite.listTests(shared.resolve(folder));
            Map<String, OnnxTestCase.Result> r = ConformanceSuite.run(dirs, true);
            long pass = r.values().stream().filter(OnnxTestCase.Result::passed).count();
            counts.append(String.format("  %-18s %4d of %4d pass%n", folder, pass, r.size()));
            for (var e : r.entrySet()) {
                all.put(folder + "/" + e.getKey(), renamed(folder + "/" + e.getKey(), e.getValue()));
            }
        }
        System.out.print("ONNX backend tests:\n" + counts);
        Path root = SharedData.projectRoot();
        String header = "# vinfer ONNX backend test results (folder/test, status, reason). Regenerate with:\n"
                + "#   bin/jdk25 mvn -B -pl onnx-import -am test -Dtest=FullConformanceTest -Dsurefire.failIfNoSpecifiedTests=false -Dvinfer.conformance.update=true\n"
                + "# Counts:\n#" + counts.toString().replace("\n", "\n#").replaceAll("#$", "");
        ConformanceSuite.write(root.resolve("target/conformance/results.tsv"), header, all);
        Path checkedIn = root.resolve("conformance/results.tsv");
        if (Boolean.getBoolean("vinfer.conformance.update")) {
            ConformanceSuite.write(checkedIn, header, all);
            return;
        }
        Map<String, String> before = ConformanceSuite.read(checkedIn);
        List<String> regressions = new ArrayList<>();
        int newlyPassing = 0;
        for (var e : before.entrySet()) {
            OnnxTestCase.Result now = all.get(e.getKey());
            if ("PASS".equals(e.getValue()) && (now == null || !now.passed())) {
                regressions.add(e.getKey() + ": " + (now == null ? "missing" : now.status() + " " + now.detail()));
            }
        }
        for (var e : all.entrySet()) {
            if (e.getValue().passed() && !"PASS".equals(before.get(e.getKey()))) {
                newlyPassing++;
            }
        }
        if (newlyPassing > 0) {
            System.out.println(newlyPassing + " tests pass that conformance/results.tsv does not list as PASS;"
                    + " update it (see its header)");
        }
        if (!regressions.isEmpty()) {
            fail(regressions.size() + " regressions against conformance/results.tsv:\n"
                    + String.join("\n", regressions));
        }
    }

    private static OnnxTestCase.Result renamed(String name, OnnxTestCase.Result r) {
        return new OnnxTestCase.Result(name, r.status(), r.detail(), r.maxAbsError(), r.maxRelError());
    }
}
