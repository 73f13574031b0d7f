package dev.vinfer.passes;

import static dev.vinfer.passes.PassTesting.assertSameOutputs;
import static dev.vinfer.passes.PassTesting.initializer;
import static dev.vinfer.passes.PassTesting.load;
import static dev.vinfer.passes.PassTesting.ops;
import static dev.vinfer.passes.PassTesting.optimizeAll;
import static dev.vinfer.passes.PassTesting.pass;
import static dev.vinfer.passes.PassTesting.random;
import static dev.vinfer.passes.PassTesting.run;
import static dev.vinfer.testdata.Models.intAttr;
import static dev.vinfer.testdata.Models.intsAttr;
import static dev.vinfer.testdata.Models.node;
import static dev.vinfer.testdata.Models.tensorAttr;
import static dev.vinfer.testdata.Models.tensorInfo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.Node;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Identity/Dropout removal, static shapes with constant folding (Shape arithmetic, ConstantOfShape, weight-side
 * DequantizeLinear), dead-code elimination dropping unreferenced constants, and views: graph before/after plus
 * equal outputs.
 */
class CleanupPassesTest {

    @Test
    void identityAndInferenceDropoutDisappear() {
        GraphProto gp = GraphProto.newBuilder().setName("g").addInput(tensorInfo("x", DType.FLOAT32, 2, 3))
                .addNode(node("Identity", new String[] {"x"}, new String[] {"a"}))
                .addNode(node("Relu", new String[] {"a"}, new String[] {"b"}))
                .addNode(node("Dropout", new String[] {"b"}, new String[] {"c"}))
                .addNode(node("Identity", new String[] {"c"}, new String[] {"d"}))
                .addNode(node("Neg", new String[] {"d"}, new String[] {"e"}))
                .addNode(node("Identity", new String[] {"e"}, new String[] {"y"}))
                .addNode(node("Identity", new String[] {"x"}, new String[] {"z"}))
                .addOutput(tensorInfo("y", DType.FLOAT32, 2, 3)).addOutput(tensorInfo("z", DType.FLOAT32, 2, 3))
                .build();
        Graph g = load(gp, 13);
        Graph h = pass("identity-elimination").apply(load(gp, 13), PassTesting.OPTIONS);
        // Neg writes the output y itself; the Identity from input x straight to output z must stay.
        assertEquals(List.of("Identity", "Relu", "Neg"), ops(h), h.toString());
        assertEquals("y", h.nodes().get(2).output(0).name());
        Map<String, Tensor> feed = Map.of("x", random(1, 2, 3));
        assertSameOutputs(run(g, feed), run(h, feed), 0);
    }

    @Test
    void dropoutWhoseMaskIsReadOrInTrainingModeStays() {
        GraphProto gp = GraphProto.newBuilder().setName("g").addInput(tensorInfo("x", DType.FLOAT32, 4))
                .addInput(tensorInfo("t", DType.BOOL))
                .addNode(node("Dropout", new String[] {"x"}, new String[] {"a", "mask"}))
                .addNode(node("Cast", new String[] {"mask"}, new String[] {"m"}, intAttr("to", 1)))
                .addNode(node("Add", new String[] {"a", "m"}, new String[] {"b"}))
                .addInitializer(initializer("ratio", Tensor.scalar(0.5f)))
                .addNode(node("Dropout", new String[] {"b", "ratio", "t"}, new String[] {"y"}))
                .addOutput(tensorInfo("y", DType.FLOAT32, 4)).build();
        Graph h = pass("identity-elimination").apply(load(gp, 13), PassTesting.OPTIONS);
        assertEquals(List.of("Dropout", "Cast", "Add", "Dropout"), ops(h));
    }

    /** x [1,3,8,8] -> Conv -> c; y = Reshape(c, Concat(Unsqueeze(Gather(Shape(c), 0)), [-1])), PyTorch style. */
    private static GraphProto flattenByShapeArithmetic(long batch) {
        return GraphProto.newBuilder().setName("g").addInput(tensorInfo("x", DType.FLOAT32, batch, 3, 8, 8))
                .addInitializer(initializer("w", random(2, 4, 3, 3, 3)))
                .addInitializer(initializer("zero", Tensor.scalar(0L)))
                .addInitializer(initializer("axes", Tensor.of(new long[] {0}, 1)))
                .addInitializer(initializer("minus1", Tensor.of(new long[] {-1}, 1)))
                .addNode(node("Conv", new String[] {"x", "w"}, new String[] {"c"}))
                .addNode(node("Shape", new String[] {"c"}, new String[] {"s"}))
                .addNode(node("Gather", new String[] {"s", "zero"}, new String[] {"n"}, intAttr("axis", 0)))
                .addNode(node("Unsqueeze", new String[] {"n", "axes"}, new String[] {"n1"}))
                .addNode(node("Concat", new String[] {"n1", "minus1"}, new String[] {"shape"}, intAttr("axis", 0)))
                .addNode(node("Reshape", new String[] {"c", "shape"}, new String[] {"y"}))
                .addOutput(tensorInfo("y", DType.FLOAT32, batch, 144)).build();
    }

    @Test
    void shapeArithmeticOnStaticShapesFolds() {
        GraphProto gp = flattenByShapeArithmetic(1);
        Graph g = load(gp, 13);
        assertEquals(List.of("Conv", "Shape", "Gather", "Unsqueeze", "Concat", "Reshape"), ops(g));
        Graph h = pass("static-shapes").apply(load(gp, 13), PassTesting.OPTIONS);
        assertEquals(List.of("Conv", "Reshape"), ops(h), h.toString());
        Value shape = h.nodes().get(1).input(1);
        assertTrue(shape.isConstant(), "Reshape's shape is a constant");
        assertEquals("[1, -1]", java.util.Arrays.toString(shape.constant().toLongArray()));
        Map<String, Tensor> feed = Map.of("x", random(3, 1, 3, 8, 8));
        assertSameOutputs(run(g, feed), run(h, feed), 0);
    }

    /**
     * A chain of 20 reshapes by shape arithmetic, each reading the one before (ShuffleNet v2 has 16): every Shape
     * folds, although each round of the pass only learns the shapes after the Reshapes it folded.
     */
    @Test
    void aLongChainOfShapeArithmeticFoldsWhole() {
        int links = 20;
        GraphProto.Builder b = GraphProto.newBuilder().setName("g").addInput(tensorInfo("x", DType.FLOAT32, 1, 6, 4))
                .addInitializer(initializer("one", Tensor.scalar(1L)))
                .addInitializer(initializer("axes", Tensor.of(new long[] {0}, 1)))
                .addInitializer(initializer("minus1", Tensor.of(new long[] {-1}, 1)));
        String cur = "x";
        for (int i = 0; i < links; i++) {
            // y = Reshape(cur, [-1, dim1]) then back to 3 dims, alternating [1, 6, 4] and [6, 4] (Relu between)
            b.addNode(node("Shape", new String[] {cur}, new String[] {"s" + i}))
                    .addNode(node("Gather", new String[] {"s" + i, "one"}, new String[] {"d" + i},
                            intAttr("axis", 0)))
                    .addNode(node("Unsqueeze", new String[] {"d" + i, "axes"}, new String[] {"u" + i}))
                    .addNode(node("Concat", new String[] {"minus1", "u" + i}, new String[] {"shape" + i},
                            intAttr("axis", 0)))
                    .addNode(node("Reshape", new String[] {cur, "shape" + i}, new String[] {"r" + i}))
                    .addNode(node("Relu", new String[] {"r" + i}, new String[] {"y" + i}));
            cur = "y" + i;
        }
        GraphProto gp = b.addOutput(tensorInfo(cur, DType.FLOAT32, -1, -1)).build();
        Graph g = load(gp, 13);
        Graph h = pass("static-shapes").apply(load(gp, 13), PassTesting.OPTIONS);
        assertTrue(!ops(h).contains("Shape") && !ops(h).contains("Gather"), h.toString());
        Map<String, Tensor> feed = Map.of("x", random(5, 1, 6, 4));
        assertSameOutputs(run(g, feed), run(h, feed), 0);
    }

    @Test
    void symbolicBatchKeepsTheShapeNode() {
        Graph h = pass("static-shapes").apply(load(flattenByShapeArithmetic(-1), 13), PassTesting.OPTIONS);
        assertTrue(ops(h).contains("Shape"), h.toString());
        Map<String, Tensor> feed = Map.of("x", random(4, 2, 3, 8, 8));
        assertEquals("[2, 144]", java.util.Arrays.toString(run(h, feed).get("y").shape()));
    }

    @Test
    void constantOfShapeOfAStaticShapeBecomesAConstant() {
        GraphProto gp = GraphProto.newBuilder().setName("g").addInput(tensorInfo("x", DType.FLOAT32, 2, 3))
                .addNode(node("Shape", new String[] {"x"}, new String[] {"s"}))
                .addNode(node("ConstantOfShape", new String[] {"s"}, new String[] {"k"},
                        tensorAttr("value", Tensor.of(new float[] {1.5f}, 1))))
                .addNode(node("Mul", new String[] {"x", "k"}, new String[] {"y"}))
                .addOutput(tensorInfo("y", DType.FLOAT32, 2, 3)).build();
        Graph g = load(gp, 13);
        Graph h = optimizeAll(load(gp, 13));
        assertEquals(List.of("Mul"), ops(h), h.toString());
        assertTrue(h.nodes().get(0).input(1).isConstant());
        Map<String, Tensor> feed = Map.of("x", random(5, 2, 3));
        assertSameOutputs(run(g, feed), run(h, feed), 0);
    }

    @Test
    void weightSideDequantizeLinearFoldsAndTheInt8WeightsAreDropped() {
        byte[] q = new byte[4 * 3 * 3 * 3];
        java.util.Random r = new java.util.Random(6);
        r.nextBytes(q);
        GraphProto gp = GraphProto.newBuilder().setName("g").addInput(tensorInfo("x", DType.FLOAT32, 1, 3, 5, 5))
                .addInitializer(initializer("wq", Tensor.ofBytes(DType.INT8, q, 4, 3, 3, 3)))
                .addInitializer(initializer("scale", Tensor.scalar(0.02f)))
                .addInitializer(initializer("zp", Tensor.ofBytes(DType.INT8, new byte[] {3})
                        .reshape()))
                .addNode(node("DequantizeLinear", new String[] {"wq", "scale", "zp"}, new String[] {"w"}))
                .addNode(node("Conv", new String[] {"x", "w"}, new String[] {"y"}, intsAttr("pads", 1, 1, 1, 1)))
                .addOutput(tensorInfo("y", DType.FLOAT32, 1, 4, 5, 5)).build();
        Graph g = load(gp, 13);
        assertEquals(List.of("DequantizeLinear", "Conv"), ops(g));
        Graph h = optimizeAll(load(gp, 13));
        assertEquals(List.of("Conv"), ops(h));
        for (Value v : h.values()) {
            assertTrue(!v.isConstant() || v.constant().dtype() == DType.FLOAT32, "int8 weights still held: " + v);
        }
        Map<String, Tensor> feed = Map.of("x", random(7, 1, 3, 5, 5));
        assertSameOutputs(run(g, feed), run(h, feed), 0);
    }

    @Test
    void reshapeFlattenSqueezeAndUnsqueezeAreViews() {
        GraphProto gp = GraphProto.newBuilder().setName("g").addInput(tensorInfo("x", DType.FLOAT32, 1, 4, 1, 3))
                .addInitializer(initializer("shape", Tensor.of(new long[] {4, 3}, 2)))
                .addInitializer(initializer("axes", Tensor.of(new long[] {0}, 1)))
                .addNode(node("Relu", new String[] {"x"}, new String[] {"a"}))
                .addNode(node("Squeeze", new String[] {"a"}, new String[] {"b"}))
                .addNode(node("Unsqueeze", new String[] {"b", "axes"}, new String[] {"c"}))
                .addNode(node("Flatten", new String[] {"c"}, new String[] {"d"}, intAttr("axis", 2)))
                .addNode(node("Reshape", new String[] {"d", "shape"}, new String[] {"y"}))
                .addOutput(tensorInfo("y", DType.FLOAT32, 4, 3)).build();
        List<Object> storage = new ArrayList<>();
        try (Session s = new Session(load(gp, 13), PassTesting.OPTIONS)) {
            s.run(Map.of("x", random(8, 1, 4, 1, 3)), t -> storage.add(t.outputs()[0].data()));
        }
        assertEquals(5, storage.size());
        for (Object o : storage) {
            assertSame(storage.get(0), o, "every reshaping op returns a view of the Relu output");
        }
    }

    @Test
    void deadCodeEliminationDropsNodesAndConstantsNobodyReads() {
        GraphProto gp = GraphProto.newBuilder().setName("g").addInput(tensorInfo("x", DType.FLOAT32, 3))
                .addInitializer(initializer("unused", random(9, 1000)))
                .addInitializer(initializer("k", random(10, 3)))
                .addNode(node("Mul", new String[] {"x", "k"}, new String[] {"dead"}))
                .addNode(node("Relu", new String[] {"x"}, new String[] {"y"}))
                .addOutput(tensorInfo("y", DType.FLOAT32, 3)).build();
        Graph h = pass("dead-code-elimination").apply(load(gp, 13), PassTesting.OPTIONS);
        assertEquals(List.of("Relu"), ops(h));
        List<String> names = new ArrayList<>();
        for (Value v : h.values()) {
            names.add(v.name());
        }
        assertEquals(List.of("x", "y"), names.stream().sorted().toList());
        for (Node n : h.nodes()) {
            assertSame(h.values().get(n.input(0).id()), n.input(0), "ids renumbered consistently");
        }
    }
}
