package dev.vinfer.bench.wholemodel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.Vinfer;
import dev.vinfer.bench.models.Family;
import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.onnx.proto.OnnxIr.ModelProto;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.testdata.OrtReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The block boundaries {@link PrefixPairedComparison} cuts at, and that a prefix is a model that runs. */
class PrefixPairedComparisonTest {
    @Test
    void resnet18IsCutAfterTheStemEveryBlockAndBeforeTheClassifier() {
        GraphProto g = Family.byId("resnet18").build(new int[] {1, 3, 64, 64}).getGraph();
        List<Integer> cuts = PrefixPairedComparison.cuts(g, 1);
        // the stem's pool, 8 basic blocks (each ends in the Relu after its Add; the last one's output feeds the
        // pool, which then runs with Flatten up to the Gemm), the Flatten before the Gemm, and the last node
        assertEquals("MaxPool", g.getNode(cuts.get(0)).getOpType());
        long blockEnds = cuts.stream().filter(i -> g.getNode(i).getOpType().equals("Relu")).count();
        assertEquals(7, blockEnds, "the last block's Relu feeds only the pool: no cut there");
        assertEquals("Flatten", g.getNode(cuts.get(cuts.size() - 2)).getOpType());
        assertEquals(g.getNodeCount() - 1, (int) cuts.get(cuts.size() - 1));
        assertEquals(10, cuts.size());
    }

    @Test
    void mobileNetV2IsCutAtLinearBottleneckEndsNotInsideBlocks() {
        GraphProto g = Family.byId("mobilenetv2").build(new int[] {1, 3, 64, 64}).getGraph();
        List<Integer> cuts = PrefixPairedComparison.cuts(g, 1);
        for (int i : cuts.subList(0, cuts.size() - 1)) {
            String op = g.getNode(i).getOpType();
            String next = g.getNode(i + 1).getOpType();
            assertTrue(op.equals("Add") || op.equals("BatchNormalization") || op.equals("Dropout"),
                    "cut after " + op + " at node " + i);
            assertTrue(next.equals("Conv") || next.equals("Gemm"), "cut before " + next + " at node " + i);
        }
        // 17 inverted-residual blocks and the classifier's input, plus the last node
        assertEquals(19, cuts.size());
        assertEquals(10, PrefixPairedComparison.cuts(g, 2).size(), "every second of the 18 boundaries, and the last node");
    }

    @Test
    void aPrefixIsAModelBothEnginesRunAlike(@TempDir Path dir) throws Exception {
        int[] shape = {1, 3, 64, 64};
        ModelProto m = Family.byId("resnet18").build(shape);
        List<Integer> cuts = PrefixPairedComparison.cuts(m.getGraph(), 1);
        int cut = cuts.get(3);
        ModelProto prefix = PrefixPairedComparison.prefix(m, cut);
        assertEquals(cut + 1, prefix.getGraph().getNodeCount());
        assertEquals(m.getGraph().getNode(cut).getOutput(0), prefix.getGraph().getOutput(0).getName());
        // every initializer the prefix keeps is read by one of its nodes
        prefix.getGraph().getInitializerList().forEach(t -> assertTrue(prefix.getGraph().getNodeList().stream()
                .anyMatch(n -> n.getInputList().contains(t.getName())), t.getName()));
        float[] x = new float[3 * 64 * 64];
        Random r = new Random(7);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        Map<String, Tensor> feed = Map.of("input", Tensor.of(x, shape));
        Path file = dir.resolve("prefix.onnx");
        Files.write(file, prefix.toByteArray());
        try (Session s = Vinfer.open(file, new SessionOptions().threads(1)); OrtReference ort = new OrtReference(file)) {
            Tensor ours = s.run(feed).values().iterator().next();
            Tensor ref = ort.run(feed).values().iterator().next();
            assertArrayEquals(ref.shape(), ours.shape());
            assertEquals(128, ours.dim(1), "the fourth cut is the second block of the 128-channel stage");
            double err = OrtReference.relL2(ours, ref);
            assertTrue(err <= 1e-4, "relative L2 " + err);
        }
    }
}
