package dev.vinfer.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vinfer.testdata.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code docs/operators.md} in step with the op registry and the conformance results: the build regenerates
 * it and fails if the checked-in copy differs ({@code -Dvinfer.docs.update=true} rewrites it).
 */
class OperatorTableTest {

    @Test
    void checkedInTableIsCurrent() throws IOException {
        Path root = SharedData.projectRoot();
        Path tests = SharedData.require("onnx-tests/NODE_TESTS.tsv");
        Map<String, String> status = new HashMap<>();
        for (String line : Files.readAllLines(root.resolve("conformance/results.tsv"))) {
            String[] p = line.split("\t");
            if (p.length >= 2 && p[0].startsWith("node/")) {
                status.put(p[0].substring(5), p[1]);
            }
        }
        Map<String, OperatorTable.Evidence> evidence = new HashMap<>();
        for (String line : Files.readAllLines(tests)) {
            String[] p = line.split("\t");
            if (line.startsWith("#") || p.length < 9 || p[0].equals("test")) {
                continue;
            }
            String op = p[1];
            boolean passed = "PASS".equals(status.get(p[0]));
            OperatorTable.Evidence old = evidence.getOrDefault(op, new OperatorTable.Evidence(new TreeSet<>(), 0, 0));
            if (passed && !p[3].equals("1")) {
                for (String t : (p[7]).split(";")) {
                    int b = t.indexOf('[');
                    if (b > 0) {
                        old.dtypes().add(t.substring(0, b));
                    }
                }
            }
            evidence.put(op, new OperatorTable.Evidence(old.dtypes(), old.passed() + (passed ? 1 : 0),
                    old.total() + 1));
        }
        String doc = "# Supported operators\n\n"
                + "Generated from vinfer's op registry and the ONNX backend test results (`conformance/results.tsv`)"
                + " by `OperatorTableTest`; regenerate with\n`bin/jdk25 mvn -B -pl onnx-import -am test"
                + " -Dtest=OperatorTableTest -Dsurefire.failIfNoSpecifiedTests=false -Dvinfer.docs.update=true`."
                + "\n\"dtypes seen passing\" lists the input element types of the op's passing node tests;"
                + " \"backend tests\" counts passing node tests of the op (expanded variants included).\n\n"
                + OperatorTable.markdown(OpRegistry.standard(), evidence);
        Path file = root.resolve("docs/operators.md");
        if (Boolean.getBoolean("vinfer.docs.update")) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, doc);
            return;
        }
        String current = Files.exists(file) ? Files.readString(file) : "";
        assertEquals(doc, current, "docs/operators.md is out of date; regenerate it (see its header)");
    }
}
