package dev.vinfer.quantization.qop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.Vinfer;
import dev.vinfer.onnx.proto.OnnxIr.ModelProto;
import dev.vinfer.quantization.ImageNetInputs;
import dev.vinfer.runtime.Node;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.testdata.OrtReference;
import dev.vinfer.testdata.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real QOperator models: the model-zoo QDQ ShuffleNet-V2 rewritten by {@link QOperatorConverter} into QLinearConv,
 * QLinearMatMul and com.microsoft QLinearConcat nodes (the final bias Add has a float output and stays QDQ), run by vinfer (its QOperator nodes on the fast
 * kernels) and by ONNX Runtime on the shared photos: same top-5, outputs within 1% relative L2.
 */
class QOperatorModelsTest {

    /**
     * A self-quantized ResNet-like net (bottlenecks, residual Adds, global average pooling; per-channel weights) in
     * QOperator form: QLinearConv, com.microsoft QLinearAdd and QLinearGlobalAveragePool, against ONNX Runtime.
     */
    @Test
    void selfQuantizedResNetInQOperatorFormAgreesWithOrt(@TempDir Path dir) throws Exception {
        Path floatModel = dir.resolve("resnet.onnx");
        Files.write(floatModel, dev.vinfer.quantization.TestNets.resnetLike(64, 100, 7).toByteArray());
        java.util.Random rnd = new java.util.Random(42);
        java.util.List<Map<String, Tensor>> calibration = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calibration.add(Map.of("input", dev.vinfer.quantization.TestNets.input(64, rnd)));
        }
        Path qdq = dir.resolve("resnet-int8.onnx");
        dev.vinfer.quantization.Quantizer.quantize(floatModel, calibration,
                new dev.vinfer.quantization.calib.QuantizerOptions().perChannel(true), qdq, done -> { });
        Map<String, Integer> counts = new HashMap<>();
        ModelProto converted = QOperatorConverter.convert(ModelProto.parseFrom(Files.readAllBytes(qdq)), counts);
        System.out.println("ResNet-like QOperator nodes written: " + counts);
        assertTrue(counts.getOrDefault("QLinearAdd", 0) > 0 && counts.getOrDefault("QLinearConv", 0) > 0,
                "nodes: " + counts);
        Path model = dir.resolve("resnet-qoperator.onnx");
        Files.write(model, converted.toByteArray());
        try (Session s = Vinfer.open(model, new SessionOptions().threads(2));
                OrtReference ort = new OrtReference(model)) {
            Map<String, Long> ops = new HashMap<>();
            for (Node n : s.graph().nodes()) {
                ops.merge(n.op().opType(), 1L, Long::sum);
            }
            System.out.println("vinfer ops: " + ops);
            assertEquals((long) counts.get("QLinearAdd"), ops.getOrDefault("QLinearAdd(int8)", 0L), "ops: " + ops);
            for (int i = 0; i < 4; i++) {
                Map<String, Tensor> in = Map.of("input", dev.vinfer.quantization.TestNets.input(64, rnd));
                Tensor ours = s.run(in).get("logits");
                Tensor ref = ort.run(in).get("logits");
                double err = OrtReference.relL2(ours, ref);
                System.out.printf("ResNet-like QOperator input %d: rel L2 vs ORT %.5f%n", i, err);
                assertEquals(ImageNetInputs.topK(ref.toFloatArray(), 1)[0], ImageNetInputs.topK(ours.toFloatArray(),
                        1)[0], "top-1 of input " + i);
                assertTrue(err < 0.05, "input " + i + " relative L2 " + err);
            }
        }
    }

    @Test
    void sameTop5AsOrtAndWithinOnePercent(@TempDir Path dir) throws Exception {
        Path qdq = SharedData.require("models/shufflenet-v2-12-qdq/shufflenet-v2-12-qdq.onnx");
        Map<String, Integer> counts = new HashMap<>();
        ModelProto converted = QOperatorConverter.convert(ModelProto.parseFrom(Files.readAllBytes(qdq)), counts);
        System.out.println("QOperator nodes written: " + counts);
        assertEquals(56, counts.getOrDefault("QLinearConv", 0), "QLinearConv nodes: " + counts);
        assertTrue(counts.getOrDefault("QLinearConcat", 0) > 0 && counts.getOrDefault("QLinearMatMul", 0) == 1,
                "nodes: " + counts);
        Path model = dir.resolve("shufflenet-v2-12-qoperator.onnx");
        Files.write(model, converted.toByteArray());
        try (Session s = Vinfer.open(model, new SessionOptions().threads(2));
                OrtReference ort = new OrtReference(model)) {
            Map<String, Long> ops = new HashMap<>();
            for (Node n : s.graph().nodes()) {
                ops.merge(n.op().opType(), 1L, Long::sum);
            }
            System.out.println("vinfer ops: " + ops);
            assertEquals(56L, ops.getOrDefault("QLinearConv(int8)", 0L), "fast QLinearConv: " + ops);
            assertEquals(1L, ops.getOrDefault("QLinearMatMul(int8)", 0L), "fast QLinearMatMul: " + ops);
            for (String photo : new String[] {"chelsea.png", "coffee.png"}) {
                Tensor x = ImageNetInputs.load(SharedData.require("images/" + photo));
                Tensor ours = s.run(Map.of("input", x)).get("output");
                Tensor ref = ort.run(Map.of("input", x)).get("output");
                int[] top5 = ImageNetInputs.topK(ours.toFloatArray(), 5);
                int[] refTop5 = ImageNetInputs.topK(ref.toFloatArray(), 5);
                double err = OrtReference.relL2(ours, ref);
                System.out.printf("QOperator %s: vinfer top5 %s, ORT top5 %s, rel L2 %.5f%n", photo,
                        Arrays.toString(top5), Arrays.toString(refTop5), err);
                assertArrayEquals(refTop5, top5, photo + " top-5");
                assertTrue(err < 0.01, photo + " relative L2 " + err);
            }
        }
    }
}
