package dev.vinfer.cli;

import static dev.vinfer.testdata.Models.intAttr;
import static dev.vinfer.testdata.Models.intsAttr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.onnx.TensorProtos;
import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.testdata.Models;
import dev.vinfer.testdata.OrtReference;
import dev.vinfer.testdata.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vinfer quantize} end to end: photos with the imagenet preset, .pb inputs, and user errors. */
class QuantizeCommandTest {
    @TempDir
    Path dir;

    @Test
    void quantizesWithPhotosAndOrtRunsTheResult() throws Exception {
        Path model = tinyNet();
        Path photos = Files.createDirectories(dir.resolve("photos"));
        for (String p : new String[] {"chelsea.png", "coffee.png", "astronaut.png", "rocket.jpg"}) {
            Files.copy(SharedData.require("images/" + p), photos.resolve(p));
        }
        Path out = dir.resolve("tiny-int8.onnx");
        String text = run(0, "quantize", model.toString(), "--calibration", photos.toString(), "--out",
                out.toString(), "--per-channel", "--method", "percentile");
        assertTrue(text.contains("calibrating on 4 inputs"), text);
        assertTrue(text.contains("quantized 3 nodes: c1, c2, fc"), text);
        assertTrue(text.contains("weights:") && text.contains("top-1 agreement"), text);
        assertTrue(!text.contains("\r"), "no progress bar when stdout is not a terminal");
        assertTrue(Files.size(out) < Files.size(model) / 3, "a smaller model file");
        try (OrtReference ort = new OrtReference(out)) {
            float[] x = new float[3 * 224 * 224];
            Tensor y = ort.run(Map.of("input", Tensor.of(x, 1, 3, 224, 224))).get("logits");
            assertEquals(10, y.size());
        }
    }

    @Test
    void quantizesFromPbFilesWithExclusions() throws Exception {
        Path model = tinyNet();
        Path data = Files.createDirectories(dir.resolve("pb"));
        Random r = new Random(3);
        for (int i = 0; i < 3; i++) {
            float[] x = new float[3 * 224 * 224];
            for (int j = 0; j < x.length; j++) {
                x[j] = (float) r.nextGaussian();
            }
            TensorFiles.writePb(Tensor.of(x, 1, 3, 224, 224), "input", data.resolve("in" + i + ".pb"));
        }
        Path out = dir.resolve("tiny-int8.onnx");
        String text = run(0, "quantize", model.toString(), "--calibration", data.toString(), "--out",
                out.toString(), "--exclude", "fc");
        assertTrue(text.contains("quantized 2 nodes: c1, c2"), text);
        assertTrue(text.contains("fc (excluded)"), text);
    }

    @Test
    void badArgumentsAreUserErrors() throws Exception {
        Path model = tinyNet();
        run(2, "quantize", model.toString(), "--calibration", dir.resolve("nope").toString(), "--out",
                dir.resolve("o.onnx").toString());
        Files.createDirectories(dir.resolve("empty"));
        run(2, "quantize", model.toString(), "--calibration", dir.resolve("empty").toString(), "--out",
                dir.resolve("o.onnx").toString());
        run(2, "quantize", model.toString(), "--calibration", dir.toString(), "--out",
                dir.resolve("o.onnx").toString(), "--method", "magic");
    }

    private String run(int expectedCode, String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        PrintStream savedErr = System.err;
        int code;
        try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            System.setOut(ps);
            System.setErr(ps);
            code = Main.execute(args);
        } finally {
            System.setOut(saved);
            System.setErr(savedErr);
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        assertEquals(expectedCode, code, text);
        return text;
    }

    /** Conv s4 + Relu, Conv s4 + Relu, Flatten, Gemm: a [1, 3, 224, 224] classifier of 10 classes. */
    private Path tinyNet() throws Exception {
        Random r = new Random(9);
        GraphProto.Builder g = GraphProto.newBuilder().setName("tiny");
        g.addInput(Models.tensorInfo("input", DType.FLOAT32, 1, 3, 224, 224));
        g.addInitializer(TensorProtos.encode(Tensor.of(randn(r, 8 * 3 * 9, 0.3), 8, 3, 3, 3), "w1"));
        g.addInitializer(TensorProtos.encode(Tensor.of(randn(r, 8, 0.1), 8), "b1"));
        g.addInitializer(TensorProtos.encode(Tensor.of(randn(r, 8 * 8 * 9, 0.15), 8, 8, 3, 3), "w2"));
        g.addInitializer(TensorProtos.encode(Tensor.of(randn(r, 10 * 8 * 14 * 14, 0.02), 10, 8 * 14 * 14), "wf"));
        g.addNode(Models.node("Conv", new String[] {"input", "w1", "b1"}, new String[] {"a1"},
                intsAttr("strides", 4, 4), intsAttr("pads", 1, 1, 1, 1)).toBuilder().setName("c1"));
        g.addNode(Models.node("Relu", new String[] {"a1"}, new String[] {"r1"}).toBuilder().setName("relu1"));
        g.addNode(Models.node("Conv", new String[] {"r1", "w2"}, new String[] {"a2"}, intsAttr("strides", 4, 4),
                intsAttr("pads", 1, 1, 1, 1)).toBuilder().setName("c2"));
        g.addNode(Models.node("Relu", new String[] {"a2"}, new String[] {"r2"}).toBuilder().setName("relu2"));
        g.addNode(Models.node("Flatten", new String[] {"r2"}, new String[] {"f"}, intAttr("axis", 1)).toBuilder()
                .setName("flatten"));
        g.addNode(Models.node("Gemm", new String[] {"f", "wf"}, new String[] {"logits"}, intAttr("transB", 1))
                .toBuilder().setName("fc"));
        g.addOutput(Models.tensorInfo("logits", DType.FLOAT32, 1, 10));
        Path p = dir.resolve("tiny.onnx");
        Files.write(p, Models.model(g.build(), 13).toByteArray());
        return p;
    }

    private static float[] randn(Random r, int n, double std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * std);
        }
        return v;
    }
}
