package dev.vinfer.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.testdata.SharedData;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.DocumentationTool;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Keeps the API documentation complete: every public type of the library modules has a javadoc comment, every
 * package a package-info with a description (and the user-facing ones a compiled example), every public member of
 * the user-facing types a comment, and the whole javadoc passes doclint (HTML, references, snippet regions).
 */
class ApiDocsTest {
    /** Modules whose main sources are published API (bench is excluded: it is a benchmark harness). */
    static final List<String> MODULES = List.of("1d-3d-conv", "runtime", "ops", "onnx-import", "quantization",
            "samples", "flink");

    /** Packages whose package-info must show an example taken from compiled code ({@code {@snippet class=...}}). */
    static final Set<String> EXAMPLE_PACKAGES = Set.of("dev.vinfer", "dev.vinfer.runtime", "dev.vinfer.runtime.io",
            "dev.vinfer.onnx", "dev.vinfer.quantization", "dev.vinfer.quantization.calib", "dev.vinfer.samples.vision",
            "dev.vinfer.conv");

    /** The types an application calls directly: each of their public members needs its own comment. */
    static final List<String> USER_FACING = List.of(
            "onnx-import/src/main/java/dev/vinfer/Vinfer.java",
            "onnx-import/src/main/java/dev/vinfer/onnx/OnnxModel.java",
            "onnx-import/src/main/java/dev/vinfer/onnx/UnsupportedOpException.java",
            "onnx-import/src/main/java/dev/vinfer/onnx/UnsupportedFormException.java",
            "onnx-import/src/main/java/dev/vinfer/onnx/ExternalData.java",
            "runtime/src/main/java/dev/vinfer/runtime/Session.java",
            "runtime/src/main/java/dev/vinfer/runtime/SessionOptions.java",
            "runtime/src/main/java/dev/vinfer/runtime/Tensor.java",
            "runtime/src/main/java/dev/vinfer/runtime/DType.java",
            "runtime/src/main/java/dev/vinfer/runtime/ValueInfo.java",
            "runtime/src/main/java/dev/vinfer/runtime/Limits.java",
            "runtime/src/main/java/dev/vinfer/runtime/VinferException.java",
            "runtime/src/main/java/dev/vinfer/runtime/ModelException.java",
            "runtime/src/main/java/dev/vinfer/runtime/InputException.java",
            "runtime/src/main/java/dev/vinfer/runtime/ExecutionException.java",
            "runtime/src/main/java/dev/vinfer/runtime/MemoryBudget.java",
            "runtime/src/main/java/dev/vinfer/runtime/Optimizer.java",
            "runtime/src/main/java/dev/vinfer/runtime/io/Npy.java",
            "runtime/src/main/java/dev/vinfer/runtime/Graph.java",
            "runtime/src/main/java/dev/vinfer/runtime/Node.java",
            "runtime/src/main/java/dev/vinfer/runtime/Value.java",
            "1d-3d-conv/src/main/java/dev/vinfer/conv/Convolutions.java",
            "1d-3d-conv/src/main/java/dev/vinfer/conv/ConvGeometry.java",
            "1d-3d-conv/src/main/java/dev/vinfer/conv/ConvTransposeGeometry.java",
            "1d-3d-conv/src/main/java/dev/vinfer/conv/Sgemm.java",
            "1d-3d-conv/src/main/java/dev/vinfer/conv/Epilogue.java",
            "1d-3d-conv/src/main/java/dev/vinfer/conv/Kernels.java",
            "quantization/src/main/java/dev/vinfer/quantization/Quantizer.java",
            "quantization/src/main/java/dev/vinfer/quantization/calib/QuantizerOptions.java",
            "quantization/src/main/java/dev/vinfer/quantization/calib/StaticQuantizer.java",
            "quantization/src/main/java/dev/vinfer/quantization/calib/QuantizationReport.java",
            "quantization/src/main/java/dev/vinfer/quantization/calib/CalibrationMethod.java",
            "samples/src/main/java/dev/vinfer/samples/vision");

    private final Path root = SharedData.projectRoot();

    @Test
    void everyPublicTypeHasAJavadocComment() throws IOException {
        List<String> missing = new ArrayList<>();
        int types = 0;
        for (String module : MODULES) {
            for (Path file : DocCommentScan.sources(root.resolve(module).resolve("src/main/java"))) {
                String source = Files.readString(file);
                if (DocCommentScan.publicTopLevelType(source) == null) {
                    continue;
                }
                types++;
                if (!DocCommentScan.topLevelTypeDocumented(source)) {
                    missing.add(root.relativize(file).toString());
                }
            }
        }
        assertTrue(types > 200, "found only " + types + " public types: is the scan still right?");
        assertEquals(List.of(), missing, "public types without a javadoc comment (say what the type is for and its"
                + " contract: thread-safety, ownership, units, shapes, exceptions)");
    }

    @Test
    void everyPackageHasADescriptionAndUserFacingOnesAnExample() throws IOException {
        List<String> problems = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        for (String module : MODULES) {
            Path src = root.resolve(module).resolve("src/main/java");
            for (Path file : DocCommentScan.sources(src)) {
                Path dir = file.getParent();
                String pkg = src.relativize(dir).toString().replace('/', '.');
                if (!seen.add(pkg)) {
                    continue;
                }
                Path info = dir.resolve("package-info.java");
                if (!Files.exists(info)) {
                    problems.add(pkg + ": no package-info.java");
                    continue;
                }
                String text = Files.readString(info);
                if (!text.contains("/**")) {
                    problems.add(pkg + ": package-info.java has no javadoc comment");
                }
                if (EXAMPLE_PACKAGES.contains(pkg) && !text.contains("{@snippet class=")) {
                    problems.add(pkg + ": user-facing package without a compiled example ({@snippet class=...})");
                }
            }
        }
        assertTrue(seen.containsAll(EXAMPLE_PACKAGES), "example packages not found: " + EXAMPLE_PACKAGES);
        assertEquals(List.of(), problems);
    }

    @Test
    void userFacingMembersHaveJavadocComments() throws IOException {
        List<String> missing = new ArrayList<>();
        for (String entry : USER_FACING) {
            Path path = root.resolve(entry);
            List<Path> files = Files.isDirectory(path) ? DocCommentScan.sources(path) : List.of(path);
            assertTrue(!files.isEmpty() && Files.exists(files.get(0)), "user-facing source moved: " + entry);
            for (Path file : files) {
                for (String member : DocCommentScan.undocumentedMembers(Files.readString(file))) {
                    missing.add(file.getFileName() + ": " + member);
                }
            }
        }
        assertEquals(List.of(), missing, "public members of user-facing types without a javadoc comment");
    }

    /**
     * Runs the javadoc tool in-process over the library sources with doclint (all groups but "missing", which the
     * tests above check with the right scope) and the snippet path of the compiled examples; any error or warning
     * fails. The flink module is left out: its Flink dependencies are not on this module's class path.
     */
    @Test
    void javadocPassesDoclint() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String module : MODULES) {
            if (module.equals("flink")) {
                continue;
            }
            Path src = root.resolve(module).resolve("src/main/java");
            try (var s = Files.walk(src)) {
                // module-info files are left out so that the sources document as one unnamed module.
                s.filter(p -> p.toString().endsWith(".java"))
                        .filter(p -> !p.getFileName().toString().equals("module-info.java"))
                        .sorted().forEach(files::add);
            }
        }
        Path out = Files.createTempDirectory("vinfer-javadoc");
        DocumentationTool tool = ToolProvider.getSystemDocumentationTool();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StringWriter log = new StringWriter();
        try (StandardJavaFileManager fm = tool.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            List<String> options = List.of("-quiet", "-Xdoclint:all,-missing", "-Xmaxwarns", "500",
                    "--add-modules", "jdk.incubator.vector",
                    "--snippet-path", root.resolve("samples/src/test/java").toString(),
                    "-classpath", System.getProperty("java.class.path"),
                    "-d", out.toString());
            boolean ok = tool.getTask(new PrintWriter(log), fm, diagnostics, null, options,
                    fm.getJavaFileObjectsFromPaths(files)).call();
            List<String> problems = new ArrayList<>();
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                String msg = d.getMessage(Locale.ROOT);
                if (d.getKind() == Diagnostic.Kind.NOTE || msg.contains("incubating")) {
                    continue;
                }
                problems.add(d.getKind() + " " + (d.getSource() == null ? "" : d.getSource().getName() + ":"
                        + d.getLineNumber() + ": ") + msg);
            }
            assertEquals(List.of(), problems, "javadoc doclint:\n" + log);
            assertTrue(ok, "javadoc failed:\n" + log);
        } finally {
            deleteTree(out);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
