package dev.vinfer.passes;

import static dev.vinfer.passes.PassTesting.assertSameOutputs;
import static dev.vinfer.passes.PassTesting.initializer;
import static dev.vinfer.passes.PassTesting.load;
import static dev.vinfer.passes.PassTesting.ops;
import static dev.vinfer.passes.PassTesting.pass;
import static dev.vinfer.passes.PassTesting.random;
import static dev.vinfer.passes.PassTesting.run;
import static dev.vinfer.testdata.Models.floatAttr;
import static dev.vinfer.testdata.Models.intAttr;
import static dev.vinfer.testdata.Models.intsAttr;
import static dev.vinfer.testdata.Models.node;
import static dev.vinfer.testdata.Models.tensorInfo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Activation fusion into Conv/Gemm/MatMul and residual Add fusion into Conv: the graph before and after the pass,
 * and the same outputs with and without it on seeded random inputs.
 */
class FusionTest {
    private static final String[] NONE = {};

    /** x [1,3,6,6] -> Conv(4 filters 3x3, pad 1, bias) -> c, then {@code tail} nodes; output y. */
    private static GraphProto.Builder convGraph(long seed) {
        return GraphProto.newBuilder().setName("g").addInput(tensorInfo("x", DType.FLOAT32, 1, 3, 6, 6))
                .addInitializer(initializer("w", random(seed, 4, 3, 3, 3)))
                .addInitializer(initializer("b", random(seed + 1, 4)))
                .addNode(node("Conv", new String[] {"x", "w", "b"}, new String[] {"c"}, intsAttr("pads", 1, 1, 1, 1)))
                .addOutput(tensorInfo("y", DType.FLOAT32, 1, 4, 6, 6));
    }

    private static void check(GraphProto gp, int opset, String passName, List<String> before, List<String> after,
            Map<String, Tensor> feed) {
        Graph g = load(gp, opset);
        assertEquals(before, ops(g), "before " + passName);
        Graph h = pass(passName).apply(load(gp, opset), PassTesting.OPTIONS);
        assertEquals(after, ops(h), "after " + passName + ":\n" + h);
        // Bit-identical: the fused epilogue computes the same float operations as the separate node.
        assertSameOutputs(run(g, feed), run(h, feed), 0);
    }

    @Test
    void reluClipAndLeakyReluFuseIntoConv() {
        Map<String, Tensor> feed = Map.of("x", random(7, 1, 3, 6, 6));
        check(convGraph(1).addNode(node("Relu", new String[] {"c"}, new String[] {"y"})).build(), 13,
                "activation-fusion", List.of("Conv", "Relu"), List.of("Conv+Relu"), feed);
        GraphProto relu6 = convGraph(2).addInitializer(initializer("lo", Tensor.scalar(0f)))
                .addInitializer(initializer("hi", Tensor.scalar(0.25f)))
                .addNode(node("Clip", new String[] {"c", "lo", "hi"}, new String[] {"y"})).build();
        check(relu6, 13, "activation-fusion", List.of("Conv", "Clip"), List.of("Conv+Clip(0.0, 0.25)"), feed);
        GraphProto legacyClip = convGraph(3).addNode(node("Clip", new String[] {"c"}, new String[] {"y"},
                floatAttr("min", -0.1f), floatAttr("max", 0.3f))).build();
        check(legacyClip, 6, "activation-fusion", List.of("Conv", "Clip"), List.of("Conv+Clip(-0.1, 0.3)"), feed);
        GraphProto leaky = convGraph(4).addNode(node("LeakyRelu", new String[] {"c"}, new String[] {"y"},
                floatAttr("alpha", 0.2f))).build();
        check(leaky, 13, "activation-fusion", List.of("Conv", "LeakyRelu"), List.of("Conv+LeakyRelu(0.2)"), feed);
    }

    @Test
    void clipWithRuntimeBoundsAndOtherActivationsStay() {
        Map<String, Tensor> feed = Map.of("x", random(8, 1, 3, 6, 6), "hi", Tensor.scalar(0.5f));
        GraphProto g = convGraph(5).addInput(tensorInfo("hi", DType.FLOAT32))
                .addNode(node("Clip", new String[] {"c", "", "hi"}, new String[] {"y"})).build();
        check(g, 13, "activation-fusion", List.of("Conv", "Clip"), List.of("Conv", "Clip"), feed);
        GraphProto sig = convGraph(6).addNode(node("Sigmoid", new String[] {"c"}, new String[] {"y"})).build();
        check(sig, 13, "activation-fusion", List.of("Conv", "Sigmoid"), List.of("Conv", "Sigmoid"),
                Map.of("x", random(9, 1, 3, 6, 6)));
    }

    @Test
    void noFusionWhenTheIntermediateIsAnOutputOrHasTwoReaders() {
        Map<String, Tensor> feed = Map.of("x", random(10, 1, 3, 6, 6));
        GraphProto asOutput = convGraph(11).addNode(node("Relu", new String[] {"c"}, new String[] {"y"}))
                .addOutput(tensorInfo("c", DType.FLOAT32, 1, 4, 6, 6)).build();
        check(asOutput, 13, "activation-fusion", List.of("Conv", "Relu"), List.of("Conv", "Relu"), feed);
        GraphProto twoReaders = convGraph(12).addNode(node("Relu", new String[] {"c"}, new String[] {"r"}))
                .addNode(node("Add", new String[] {"r", "c"}, new String[] {"y"})).build();
        check(twoReaders, 13, "activation-fusion", List.of("Conv", "Relu", "Add"), List.of("Conv", "Relu", "Add"),
                feed);
    }

    @Test
    void gemmAndMatMulWithConstantWeightsTakeTheActivation() {
        GraphProto gemm = GraphProto.newBuilder().setName("g").addInput(tensorInfo("a", DType.FLOAT32, 2, 5))
                .addInitializer(initializer("w", random(20, 3, 5))).addInitializer(initializer("c", random(21, 3)))
                .addNode(node("Gemm", new String[] {"a", "w", "c"}, new String[] {"t"}, intAttr("transB", 1),
                        floatAttr("alpha", 0.5f), floatAttr("beta", 2f)))
                .addNode(node("Relu", new String[] {"t"}, new String[] {"y"}))
                .addOutput(tensorInfo("y", DType.FLOAT32, 2, 3)).build();
        check(gemm, 13, "activation-fusion", List.of("Gemm", "Relu"), List.of("Gemm+Relu"),
                Map.of("a", random(22, 2, 5)));
        GraphProto matmul = GraphProto.newBuilder().setName("g").addInput(tensorInfo("a", DType.FLOAT32, 2, 4, 5))
                .addInitializer(initializer("w", random(23, 5, 3)))
                .addNode(node("MatMul", new String[] {"a", "w"}, new String[] {"t"}))
                .addNode(node("LeakyRelu", new String[] {"t"}, new String[] {"y"}, floatAttr("alpha", 0.1f)))
                .addOutput(tensorInfo("y", DType.FLOAT32, 2, 4, 3)).build();
        check(matmul, 13, "activation-fusion", List.of("MatMul", "LeakyRelu"), List.of("MatMul+LeakyRelu(0.1)"),
                Map.of("a", random(24, 2, 4, 5)));
        // MatMul of two run-time operands: the dtype is not known before run time, so no fusion.
        GraphProto dynamic = GraphProto.newBuilder().setName("g").addInput(tensorInfo("a", DType.FLOAT32, 2, 5))
                .addInput(tensorInfo("b", DType.FLOAT32, 5, 3))
                .addNode(node("MatMul", new String[] {"a", "b"}, new String[] {"t"}))
                .addNode(node("Relu", new String[] {"t"}, new String[] {"y"}))
                .addOutput(tensorInfo("y", DType.FLOAT32, 2, 3)).build();
        check(dynamic, 13, "activation-fusion", List.of("MatMul", "Relu"), List.of("MatMul", "Relu"),
                Map.of("a", random(25, 2, 5), "b", random(26, 5, 3)));
    }

    /** A basic residual block: y = Relu(Conv2(Relu(Conv1(x))) + shortcut(x)). */
    private static GraphProto block(boolean downsampleShortcut) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("g")
                .addInput(tensorInfo("x", DType.FLOAT32, 1, 4, 5, 5))
                .addInitializer(initializer("w1", random(30, 4, 4, 3, 3)))
                .addInitializer(initializer("b1", random(31, 4)))
                .addInitializer(initializer("w2", random(32, 4, 4, 3, 3)))
                .addNode(node("Conv", new String[] {"x", "w1", "b1"}, new String[] {"c1"}, intsAttr("pads", 1, 1, 1, 1)))
                .addNode(node("Relu", new String[] {"c1"}, new String[] {"r1"}))
                .addNode(node("Conv", new String[] {"r1", "w2"}, new String[] {"c2"}, intsAttr("pads", 1, 1, 1, 1)));
        String shortcut = "x";
        if (downsampleShortcut) {
            g.addInitializer(initializer("ws", random(33, 4, 4, 1, 1)))
                    .addNode(node("Conv", new String[] {"x", "ws"}, new String[] {"s"}));
            shortcut = "s";
        }
        return g.addNode(node("Add", new String[] {"c2", shortcut}, new String[] {"sum"}))
                .addNode(node("Relu", new String[] {"sum"}, new String[] {"y"}))
                .addOutput(tensorInfo("y", DType.FLOAT32, 1, 4, 5, 5)).build();
    }

    @Test
    void residualAddFusesIntoTheConvThenReluFollows() {
        Map<String, Tensor> feed = Map.of("x", random(34, 1, 4, 5, 5));
        for (boolean down : new boolean[] {false, true}) {
            GraphProto gp = block(down);
            Graph plain = load(gp, 13);
            Graph fused = pass("residual-add-fusion").apply(load(gp, 13), PassTesting.OPTIONS);
            List<String> expect = down ? List.of("Conv", "Conv", "Relu", "Conv+Add", "Relu")
                    : List.of("Conv", "Relu", "Conv+Add", "Relu");
            assertEquals(expect, ops(fused), fused.toString());
            Graph both = pass("activation-fusion").apply(fused, PassTesting.OPTIONS);
            assertEquals(down ? List.of("Conv+Relu", "Conv", "Conv+Add+Relu") : List.of("Conv+Relu", "Conv+Add+Relu"),
                    ops(both), both.toString());
            // conv + residual is summed in a different order than conv then Add: a few ulps of the output scale.
            assertSameOutputs(run(plain, feed), run(both, feed), 1e-6);
        }
    }

    @Test
    void fusedBlockRunsInThePlannedArena() {
        Graph g = PassTesting.optimizeAll(load(block(true), 13));
        try (dev.vinfer.runtime.Session s = new dev.vinfer.runtime.Session(g, PassTesting.OPTIONS);
                dev.vinfer.runtime.Session fresh = new dev.vinfer.runtime.Session(g,
                        PassTesting.OPTIONS.clone().memoryPlan(false))) {
            for (int run = 0; run < 3; run++) {
                Map<String, Tensor> feed = Map.of("x", random(60 + run, 1, 4, 5, 5));
                assertSameOutputs(fresh.run(feed), s.run(feed), 0);
            }
            assertEquals(1, s.memoryStats().arenas(), s.memoryStats().toString());
        }
    }

    @Test
    void residualThatBroadcastsIsStillCorrect() {
        GraphProto gp = convGraph(40).addInput(tensorInfo("r", DType.FLOAT32, 1, 4, 1, 1))
                .addNode(node("Add", new String[] {"r", "c"}, new String[] {"y"})).build();
        Map<String, Tensor> feed = Map.of("x", random(41, 1, 3, 6, 6), "r", random(42, 1, 4, 1, 1));
        Graph plain = load(gp, 13);
        Graph fused = pass("residual-add-fusion").apply(load(gp, 13), PassTesting.OPTIONS);
        assertEquals(List.of("Conv+Add"), ops(fused));
        assertSameOutputs(run(plain, feed), run(fused, feed), 1e-6);
        // And an addend larger than the convolution output: the sum takes the broadcast shape.
        GraphProto wide = GraphProto.newBuilder().setName("g").addInput(tensorInfo("x", DType.FLOAT32, 1, 3, 1, 1))
                .addInput(tensorInfo("r", DType.FLOAT32, 1, 4, 3, 3))
                .addInitializer(initializer("w", random(43, 4, 3, 1, 1)))
                .addNode(node("Conv", new String[] {"x", "w"}, new String[] {"c"}))
                .addNode(node("Add", new String[] {"c", "r"}, new String[] {"y"}))
                .addOutput(tensorInfo("y", DType.FLOAT32, 1, 4, 3, 3)).build();
        Map<String, Tensor> feed2 = Map.of("x", random(44, 1, 3, 1, 1), "r", random(45, 1, 4, 3, 3));
        Graph wideFused = pass("residual-add-fusion").apply(load(wide, 13), PassTesting.OPTIONS);
        assertEquals(List.of("Conv+Add"), ops(wideFused));
        assertSameOutputs(run(load(wide, 13), feed2), run(wideFused, feed2), 1e-6);
    }

    @Test
    void aConstantPerChannelAddendJoinsTheBias() {
        Map<String, Tensor> feed = Map.of("x", random(70, 1, 3, 6, 6));
        for (int[] shape : new int[][] {{4, 1, 1}, {1, 4, 1, 1}, {1}, {}}) {
            Tensor c = random(71, shape);
            GraphProto gp = convGraph(72).addInitializer(initializer("k", c))
                    .addNode(node("Add", new String[] {"c", "k"}, new String[] {"s"}))
                    .addNode(node("Relu", new String[] {"s"}, new String[] {"y"})).build();
            Graph g = load(gp, 13);
            Graph h = PassTesting.optimizeAll(load(gp, 13));
            assertEquals(List.of("Conv+Relu"), ops(h), java.util.Arrays.toString(shape) + "\n" + h);
            assertSameOutputs(run(g, feed), run(h, feed), 1e-6);
        }
        // A constant of the full output shape is not a bias: left as an Add.
        GraphProto full = convGraph(73).addInitializer(initializer("k", random(74, 1, 4, 6, 6)))
                .addNode(node("Add", new String[] {"c", "k"}, new String[] {"y"})).build();
        assertEquals(List.of("Conv", "Add"), ops(PassTesting.optimizeAll(load(full, 13))));
    }

    @Test
    void addOfAConvThatIsAlsoAnOutputIsNotFused() {
        GraphProto gp = convGraph(50).addInput(tensorInfo("r", DType.FLOAT32, 1, 4, 6, 6))
                .addNode(node("Add", new String[] {"c", "r"}, new String[] {"y"}))
                .addOutput(tensorInfo("c", DType.FLOAT32, 1, 4, 6, 6)).build();
        Graph fused = pass("residual-add-fusion").apply(load(gp, 13), PassTesting.OPTIONS);
        assertEquals(List.of("Conv", "Add"), ops(fused));
        assertEquals(0, NONE.length);
    }
}
