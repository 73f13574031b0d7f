package dev.vinfer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vinfer.testdata.SharedData;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Launches the CLI ({@code run mnist-8 --random}) in fresh JVMs the way applications will: as named modules on the
 * module path and as plain jars on the class path, with and without the Vector API module, and with JVM options
 * that narrow or disable the vector units. Each launch must succeed with the same output; the kernels chosen are
 * read from vinfer's DEBUG log line, and a scalar fallback must be announced by exactly one WARNING naming its cause.
 *
 * <p>The module path is this module's classes plus its runtime dependencies as Maven resolved them (written to
 * {@code target/runtime-classpath.txt} by the dependency plugin): in a reactor build the other vinfer modules'
 * jars or class folders, each with its module-info, and the protobuf and picocli jars.
 */
class LaunchModesTest {
    private static final Pattern OUTPUT = Pattern.compile(
            "output Plus214_Output_0: float32\\[1, 10]\\s+min (\\S+)\\s+max (\\S+)\\s+mean (\\S+)");
    private static final Pattern KERNELS = Pattern.compile("kernels=(\\S+),");
    private static final String WARNING = "WARNING vinfer: using the scalar kernels: ";

    @TempDir
    static Path tmp;
    private static String path;
    private static Path logConfig;
    private static String model;

    private record Launch(String out, String kernels, List<String> warnings, double[] summary) {
    }

    @BeforeAll
    static void paths() throws IOException {
        Path deps = Path.of("target", "runtime-classpath.txt");
        assertTrue(Files.exists(deps), deps + " is written by the dependency plugin (generate-test-resources)");
        path = Path.of("target", "classes").toAbsolutePath() + File.pathSeparator
                + Files.readString(deps, StandardCharsets.UTF_8).trim();
        // vinfer logs through System.Logger; on a JVM with java.logging that is java.util.logging, set to show
        // vinfer's DEBUG (FINE) records one per line.
        logConfig = tmp.resolve("logging.properties");
        Files.writeString(logConfig, """
                handlers=java.util.logging.ConsoleHandler
                .level=INFO
                dev.vinfer.level=FINE
                java.util.logging.ConsoleHandler.level=FINE
                java.util.logging.SimpleFormatter.format=%4$s %5$s%n
                """);
        model = SharedData.require("models/mnist-8/mnist-8.onnx").toString();
    }

    private static Launch launch(List<String> jvmOptions, boolean modulePath) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-Djava.util.logging.config.file=" + logConfig);
        cmd.addAll(jvmOptions);
        if (modulePath) {
            cmd.addAll(List.of("--module-path", path, "-m", "dev.vinfer.samples/dev.vinfer.cli.Main"));
        } else {
            cmd.addAll(List.of("-cp", path, "dev.vinfer.cli.Main"));
        }
        cmd.addAll(List.of("run", model, "--random", "--threads", "1"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "launch did not end: " + cmd);
        assertEquals(0, p.exitValue(), () -> String.join(" ", cmd) + "\n" + out);
        Matcher k = KERNELS.matcher(out);
        assertTrue(k.find(), () -> "no kernels= DEBUG line:\n" + out);
        Matcher o = OUTPUT.matcher(out);
        assertTrue(o.find(), () -> "no output line:\n" + out);
        double[] summary = {Double.parseDouble(o.group(1)), Double.parseDouble(o.group(2)),
                Double.parseDouble(o.group(3))};
        List<String> warnings = out.lines().filter(l -> l.startsWith(WARNING)).toList();
        return new Launch(out, k.group(1), warnings, summary);
    }

    private static void assertVector(Launch l, String kernels) {
        assertEquals(kernels, l.kernels(), l.out());
        assertEquals(List.of(), l.warnings(), l.out());
    }

    private static void assertScalarWithOneWarning(Launch l, String cause) {
        assertEquals("scalar", l.kernels(), l.out());
        assertEquals(1, l.warnings().size(), l.out());
        assertTrue(l.warnings().get(0).contains(cause), l.out());
    }

    /** Scalar and vector kernels differ only in summation order: the 10 logits agree to about 1e-6. */
    private static void assertSameResult(Launch expected, Launch actual) {
        for (int i = 0; i < 3; i++) {
            assertEquals(expected.summary()[i], actual.summary()[i], 1e-4, actual.out());
        }
    }

    @Test
    void modulePathAndClassPathWithAndWithoutTheVectorModule() throws Exception {
        Launch modular = launch(List.of("--add-modules", "jdk.incubator.vector"), true);
        assertTrue(modular.kernels().startsWith("vector-"), modular.out());
        assertVector(modular, modular.kernels());

        // "requires static jdk.incubator.vector": the module graph resolves without it, the kernels fall back.
        Launch modularNoVector = launch(List.of(), true);
        assertScalarWithOneWarning(modularNoVector, "--add-modules jdk.incubator.vector");
        assertSameResult(modular, modularNoVector);

        Launch classPathNoVector = launch(List.of(), false);
        assertScalarWithOneWarning(classPathNoVector, "--add-modules jdk.incubator.vector");
        assertSameResult(modular, classPathNoVector);
    }

    @Test
    void narrowerOrMissingVectorUnits() throws Exception {
        String arch = System.getProperty("os.arch");
        assumeTrue(arch.equals("amd64") || arch.equals("x86_64"), "the -XX options below are x86 HotSpot's");
        List<String> vector = List.of("--add-modules", "jdk.incubator.vector");
        Launch reference = launch(vector, false);

        Launch property128 = launch(concat(vector, "-Dvinfer.vectorBits=128"), false);
        assertVector(property128, "vector-128");
        assertSameResult(reference, property128);

        Launch jvm128 = launch(concat(vector, "-XX:MaxVectorSize=16"), false);
        assertVector(jvm128, "vector-128");
        assertSameResult(reference, jvm128);

        // Two float lanes: not worth the vector code.
        Launch jvm64 = launch(concat(vector, "-XX:MaxVectorSize=8"), false);
        assertScalarWithOneWarning(jvm64, "2 float lanes");
        assertSameResult(reference, jvm64);

        // SSE only, no FMA: HotSpot would run every FloatVector.fma lane by lane in Java.
        Launch noAvx = launch(concat(vector, "-XX:UseAVX=0"), false);
        assertScalarWithOneWarning(noAvx, "UseFMA is off");
        assertSameResult(reference, noAvx);
    }

    private static List<String> concat(List<String> a, String b) {
        List<String> r = new ArrayList<>(a);
        r.add(b);
        return r;
    }
}
