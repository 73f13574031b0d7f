package dev.vinfer.docs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.Vinfer;
import dev.vinfer.onnx.OnnxModel;
import dev.vinfer.onnx.proto.OnnxIr.ModelProto;
import dev.vinfer.onnx.proto.OnnxIr.OperatorSetIdProto;
import dev.vinfer.onnx.proto.OnnxIr.ValueInfoProto;
import dev.vinfer.quantization.calib.QuantizationReport;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.samples.vision.Box;
import dev.vinfer.samples.vision.Detection;
import dev.vinfer.testdata.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs every example of the package documentation ({@link ApiExamples}) and checks what it computes. */
class ApiExamplesTest {
    @TempDir
    Path dir;

    @Test
    void npyRoundTrip() throws Exception {
        Tensor back = ApiExamples.npy(dir.resolve("t.npy"));
        assertArrayEquals(new int[] {2, 3}, back.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, back.toFloatArray());
    }

    @Test
    void interopCopiesAndViews() {
        assertArrayEquals(new float[] {12, 2, 3, 4}, ApiExamples.interop());
    }

    @Test
    void convolutionOnArrays() {
        float[] y = ApiExamples.conv();
        assertEquals(4 * 8 * 8, y.length);
        // All-ones input, weights 0.1: an interior output sums 2 channels x 9 taps, a corner 2 x 4 taps.
        assertEquals(1.8f, y[3 * 8 + 3], 1e-5f);
        assertEquals(0.8f, y[0], 1e-5f);
    }

    @Test
    void quantizeMnist() throws Exception {
        // mnist-8 declares opset 8 and IR version 3 (weights listed as inputs too); its ops (Conv, Relu, MaxPool,
        // Reshape, MatMul, Add) mean the same at opset 13, which per-channel quantization needs.
        ModelProto proto = OnnxModel.load(SharedData.require("models/mnist-8/mnist-8.onnx")).proto();
        ModelProto.Builder b = proto.toBuilder().setIrVersion(7).clearOpsetImport()
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13));
        Set<String> weights = new HashSet<>();
        b.getGraph().getInitializerList().forEach(t -> weights.add(t.getName()));
        List<ValueInfoProto> inputs = b.getGraph().getInputList().stream()
                .filter(v -> !weights.contains(v.getName())).toList();
        b.getGraphBuilder().clearInput().addAllInput(inputs);
        Path floatModel = dir.resolve("mnist-13.onnx");
        Files.write(floatModel, b.build().toByteArray());
        Random rnd = new Random(7);
        List<Map<String, Tensor>> calibration = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            float[] px = new float[784];
            for (int j = 0; j < px.length; j++) {
                px[j] = rnd.nextFloat() * 255;
            }
            calibration.add(Map.of("Input3", Tensor.of(px, 1, 1, 28, 28)));
        }
        Path int8 = dir.resolve("mnist-int8.onnx");
        QuantizationReport report = ApiExamples.quantize(floatModel, calibration, int8);
        assertTrue(!report.quantizedNodes().isEmpty(), report.summary());
        try (Session s = Vinfer.open(int8)) {
            assertEquals(10, s.run(calibration.get(0).get("Input3")).size());
        }
    }

    @Test
    void nmsKeepsTheBestOfOverlappingBoxes() {
        List<Detection> raw = List.of(new Detection(new Box(0, 0, 10, 10), 0.9f),
                new Detection(new Box(1, 1, 11, 11), 0.8f), new Detection(new Box(50, 50, 60, 60), 0.7f));
        List<Detection> kept = ApiExamples.nms(raw);
        assertEquals(List.of(raw.get(0), raw.get(2)), kept);
    }
}
