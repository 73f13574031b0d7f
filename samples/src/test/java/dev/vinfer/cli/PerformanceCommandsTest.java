package dev.vinfer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.testdata.SharedData;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vinfer bench}, {@code vinfer profile} and {@code vinfer graph} through {@link Main#execute}. */
class PerformanceCommandsTest {
    @TempDir
    Path tmp;

    private static CliResult run(String... args) {
        return CliResult.execute(args);
    }

    private static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": ([0-9.]+)").matcher(json);
        assertTrue(m.find(), key + " missing in " + json);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void benchJsonIsOneObjectWithOrderedPercentiles() {
        Path model = SharedData.require("models/mnist-8/mnist-8.onnx");
        CliResult r = run("bench", model.toString(), "--threads", "1", "--warmup", "0.2", "--time", "0.5", "--json");
        assertEquals(0, r.code(), r.err());
        String json = r.out().strip();
        assertTrue(json.startsWith("{") && json.endsWith("}") && json.lines().count() == 1, json);
        double p50 = number(json, "p50_ms");
        double p90 = number(json, "p90_ms");
        double p99 = number(json, "p99_ms");
        assertTrue(0 < p50 && p50 <= p90 && p90 <= p99, json);
        assertTrue(number(json, "throughput_per_s") > 0, json);
        assertEquals(1, (int) number(json, "threads"), json);
        assertTrue(number(json, "runs") >= 1, json);
    }

    @Test
    void benchTableWithoutATerminalHasNoProgressBar() {
        Path model = SharedData.require("models/mnist-8/mnist-8.onnx");
        CliResult r = run("bench", model.toString(), "--threads", "1", "--warmup", "0", "--time", "0.3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("latency ms  p50"), r.out());
        assertTrue(r.out().contains("inferences/s"), r.out());
        assertTrue(!r.out().contains("\r"), "no progress bar when stdout is not a terminal");
        CliResult bad = run("bench", model.toString(), "--time", "0");
        assertEquals(2, bad.code());
    }

    @Test
    void profileListsFusedNodesWithAlgorithmsAndDrawsAChart() throws Exception {
        Path model = SharedData.require("models/mnist-8/mnist-8.onnx");
        Path png = tmp.resolve("profile.png");
        CliResult r = run("profile", model.toString(), "--threads", "1", "--warmup", "1", "--runs", "2", "--chart",
                png.toString(), "--peak-gflops", "100");
        assertEquals(0, r.code(), r.err());
        // mnist-8: Conv + Add(per-channel constant) + Relu: the Add joins the bias, the Relu the epilogue.
        assertTrue(r.out().contains("Conv+Relu"), r.out());
        // the algorithm each convolution ran: mnist-8's 1 -> 8 and 8 -> 16 5x5 layers take the direct kernel
        assertTrue(r.out().contains("stem_direct"), r.out());
        assertTrue(r.out().contains("% peak") && r.out().contains("by op type:"), r.out());
        assertTrue(r.out().contains("peak 100.0 GFLOP/s (given)"), r.out());
        BufferedImage img = ImageIO.read(png.toFile());
        assertTrue(img.getWidth() > 500 && img.getHeight() > 100, "chart size " + img.getWidth() + "x"
                + img.getHeight());
    }

    @Test
    void graphPrintsEachStageAndEveryPass() {
        Path model = SharedData.require("models/mnist-8/mnist-8.onnx");
        CliResult imported = run("graph", model.toString(), "--stage", "import");
        assertEquals(0, imported.code(), imported.err());
        assertTrue(imported.out().contains("= Conv[") && imported.out().contains("= Relu["), imported.out());
        CliResult optimized = run("graph", model.toString());
        assertEquals(0, optimized.code(), optimized.err());
        assertTrue(optimized.out().contains("Conv+Relu") && !optimized.out().contains("= Relu["),
                optimized.out());
        CliResult passes = run("graph", model.toString(), "--passes");
        assertEquals(0, passes.code(), passes.err());
        for (String pass : new String[] {"constant-folding", "static-shapes", "identity-elimination",
            "batchnorm-folding", "residual-add-fusion", "activation-fusion", "dead-code-elimination"}) {
            assertTrue(passes.out().contains("== after " + pass + " ("), pass + " missing:\n" + passes.out());
        }
        CliResult plan = run("graph", model.toString(), "--stage", "plan");
        assertEquals(0, plan.code(), plan.err());
        assertTrue(plan.out().startsWith("memory plan for inputs FLOAT32[1, 1, 28, 28]\narena "), plan.out());
        assertTrue(plan.out().contains(" FLOAT32[1, 8, 28, 28] ") && plan.out().contains("live (nodes)"),
                plan.out());
        CliResult bad = run("graph", model.toString(), "--stage", "bogus");
        assertEquals(2, bad.code());
        assertTrue(bad.err().startsWith("vinfer: --stage"), bad.err());
    }
}
