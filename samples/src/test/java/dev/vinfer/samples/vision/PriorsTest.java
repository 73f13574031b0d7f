package dev.vinfer.samples.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.onnx.OnnxModel;
import dev.vinfer.onnx.TensorProtos;
import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.onnx.proto.OnnxIr.ModelProto;
import dev.vinfer.onnx.proto.OnnxIr.NodeProto;
import dev.vinfer.onnx.proto.OnnxIr.ValueInfoProto;
import dev.vinfer.runtime.Limits;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.testdata.OrtReference;
import dev.vinfer.testdata.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PriorsTest {
    private static final float CENTER_VARIANCE = 0.1f;
    private static final float SIZE_VARIANCE = 0.2f;

    @Test
    void zeroOffsetsGiveThePriorAndKnownOffsetsMoveIt() {
        Priors p = Priors.of(new float[] {0.5f, 0.4f, 0.2f, 0.1f});
        assertArrayEquals(new float[] {0.4f, 0.35f, 0.6f, 0.45f},
                p.decode(0, 0, 0, 0, 0, CENTER_VARIANCE, SIZE_VARIANCE).toArray(), 1e-6f);
        // dx = 1: center moves by 0.1 * w = 0.02; dw = ln(2) / 0.2: width doubles to 0.4.
        Box b = p.decode(0, 1, -2, (float) Math.log(2) / SIZE_VARIANCE, 0, CENTER_VARIANCE, SIZE_VARIANCE);
        assertEquals(0.52f, b.centerX(), 1e-6f);
        assertEquals(0.38f, b.centerY(), 1e-6f);
        assertEquals(0.4f, b.width(), 1e-6f);
        assertEquals(0.1f, b.height(), 1e-6f);
    }

    @Test
    void encodeThenDecodeIsTheIdentity() {
        Priors p = Priors.ultraface(320, 240);
        Random rnd = new Random(3);
        for (int k = 0; k < 100; k++) {
            int i = rnd.nextInt(p.count());
            Box box = Box.ofCenter(rnd.nextFloat(), rnd.nextFloat(), 0.05f + rnd.nextFloat() / 2,
                    0.05f + rnd.nextFloat() / 2);
            float[] o = p.encode(i, box, CENTER_VARIANCE, SIZE_VARIANCE);
            Box back = p.decode(i, o[0], o[1], o[2], o[3], CENTER_VARIANCE, SIZE_VARIANCE);
            assertArrayEquals(box.toArray(), back.toArray(), 1e-5f);
        }
    }

    @Test
    void ultrafacePriorCounts() {
        assertEquals(4420, Priors.ultraface(320, 240).count());
        assertEquals(17640, Priors.ultraface(640, 480).count());
        assertArrayEquals(new float[] {0.5f / 40, 0.5f / 30, 10f / 320, 10f / 240}, Priors.ultraface(320, 240).get(0));
    }

    /**
     * The UltraFace ONNX file decodes its boxes in the graph, with its priors as constants: {@code boxes = corners(
     * centers + loc[..2] * 0.1 * sizes, exp(loc[2..] * 0.2) * sizes)}. Our generated priors must equal those
     * constants, and decoding the raw offsets (exposed as an extra output and run on ONNX Runtime) must give the
     * model's own boxes.
     */
    @Test
    void matchesTheDecodingInsideTheUltrafaceModel(@TempDir Path tmp) throws Exception {
        Path model = SharedData.require("models/ultraface/version-RFB-320.onnx");
        GraphProto g = OnnxModel.load(model).proto().getGraph();
        Map<String, NodeProto> producer = new HashMap<>();
        for (NodeProto n : g.getNodeList()) {
            for (String o : n.getOutputList()) {
                producer.put(o, n);
            }
        }
        // exp(Mul(Slice(loc), variance)) * sizes; centers are added in the Add after Mul(Mul(Slice(loc), v), sizes).
        NodeProto exp = g.getNodeList().stream().filter(n -> n.getOpType().equals("Exp")).findFirst().orElseThrow();
        NodeProto slice = producer.get(producer.get(exp.getInput(0)).getInput(0));
        assertEquals("Slice", slice.getOpType());
        String rawOffsets = slice.getInput(0);
        NodeProto sizeMul = g.getNodeList().stream()
                .filter(n -> n.getOpType().equals("Mul") && n.getInput(0).equals(exp.getOutput(0))).findFirst()
                .orElseThrow();
        Tensor sizes = constant(producer.get(sizeMul.getInput(1)));
        NodeProto add = g.getNodeList().stream().filter(n -> n.getOpType().equals("Add")
                && producer.containsKey(n.getInput(1)) && producer.get(n.getInput(1)).getOpType().equals("Constant")
                && constant(producer.get(n.getInput(1))).size() == sizes.size()).findFirst().orElseThrow();
        Tensor centers = constant(producer.get(add.getInput(1)));

        Priors ours = Priors.ultraface(320, 240);
        assertEquals(4420 * 2, centers.size());
        for (int i = 0; i < ours.count(); i++) {
            float[] p = ours.get(i);
            assertEquals(centers.getFloat(2 * i), p[0], 1e-6f, "prior " + i + " cx");
            assertEquals(centers.getFloat(2 * i + 1), p[1], 1e-6f, "prior " + i + " cy");
            assertEquals(sizes.getFloat(2 * i), p[2], 1e-6f, "prior " + i + " w");
            assertEquals(sizes.getFloat(2 * i + 1), p[3], 1e-6f, "prior " + i + " h");
        }

        ModelProto exposed = OnnxModel.load(model).proto().toBuilder()
                .setGraph(g.toBuilder().addOutput(ValueInfoProto.newBuilder().setName(rawOffsets))).build();
        Path file = tmp.resolve("ultraface-raw.onnx");
        Files.write(file, exposed.toByteArray());
        Random rnd = new Random(5);
        float[] pixels = new float[3 * 240 * 320];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = rnd.nextFloat() * 2 - 1;
        }
        Map<String, Tensor> out;
        try (OrtReference ort = new OrtReference(file)) {
            out = ort.run(Map.of("input", Tensor.of(pixels, 1, 3, 240, 320)));
        }
        Tensor raw = out.get(rawOffsets);
        Tensor boxes = out.get("boxes");
        assertNotNull(raw);
        Box[] decoded = ours.decodeAll(raw.toFloatArray(), 0, CENTER_VARIANCE, SIZE_VARIANCE);
        float worst = 0;
        for (int i = 0; i < decoded.length; i++) {
            float[] d = decoded[i].toArray();
            for (int k = 0; k < 4; k++) {
                worst = Math.max(worst, Math.abs(d[k] - boxes.getFloat(4 * i + k)));
            }
        }
        assertTrue(worst < 1e-5f, "decoded boxes differ from the model's by " + worst);
    }

    private static Tensor constant(NodeProto n) {
        return TensorProtos.decode(n.getAttribute(0).getT(), Limits.defaults());
    }
}
