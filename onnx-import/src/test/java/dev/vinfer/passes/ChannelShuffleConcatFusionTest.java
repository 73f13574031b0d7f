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
 * {@code channel-shuffle-concat}: ShuffleNet's unit ending (Concat, Reshape to 5 dims, Transpose [0, 2, 1, 3, 4],
 * Reshape back, then the Split into halves that the next unit reads) becomes one {@code ChannelShuffleConcat} and
 * gives the unfused graph's outputs exactly (values are only moved), alone and through every pass, at batch 1 (the
 * Split's halves then views) and 2; a chain of units whose shapes come from shape arithmetic fuses whole. Other
 * transposes, a Concat on another axis, a shape that is not a constant and an intermediate read elsewhere keep the
 * four nodes.
 */
class ChannelShuffleConcatFusionTest {

    /** x [n, 2c, h, w] -> Split halves -> Relu(second) -> Concat -> Reshape [n, 2, c, h, w] -> Transpose -> Reshape. */
    private static GraphProto unit(int n, int c, int h, int w, long[] perm, int concatAxis, boolean tap) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("shuffle")
                .addInput(tensorInfo("x", DType.FLOAT32, n, 2 * c, h, w))
                .addInitializer(initializer("halves", Tensor.of(new long[] {c, c}, 2)))
                .addInitializer(initializer("s1", Tensor.of(new long[] {n, 2, c, h, w}, 5)))
                .addInitializer(initializer("s2", Tensor.of(new long[] {n, -1, h, w}, 4)))
                .addNode(node("Split", new String[] {"x", "halves"}, new String[] {"a", "b"}, intAttr("axis", 1)))
                .addNode(node("Relu", new String[] {"b"}, new String[] {"rb"}))
                .addNode(node("Concat", new String[] {"a", "rb"}, new String[] {"cat"}, intAttr("axis", concatAxis)))
                .addNode(node("Reshape", new String[] {"cat", "s1"}, new String[] {"r1"}))
                .addNode(node("Transpose", new String[] {"r1"}, new String[] {"t"}, intsAttr("perm", perm)))
                .addNode(node("Reshape", new String[] {"t", "s2"}, new String[] {"y"}))
                .addOutput(tensorInfo("y", DType.FLOAT32));
        if (tap) {
            g.addOutput(tensorInfo("t", DType.FLOAT32));
        }
        return g.build();
    }

    private static final long[] SWAP = {0, 2, 1, 3, 4};

    private static Graph fused(GraphProto gp) {
        return pass("channel-shuffle-concat").apply(load(gp, 13), PassTesting.OPTIONS);
    }

    @Test
    void aUnitEndingFusesAndGivesTheSameOutput() {
        int[][] cases = {{1, 58, 7, 7}, {2, 5, 3, 4}, {1, 24, 28, 28}};
        for (int i = 0; i < cases.length; i++) {
            int[] s = cases[i];
            GraphProto gp = unit(s[0], s[1], s[2], s[3], SWAP, 1, false);
            Graph g = fused(gp);
            String what = java.util.Arrays.toString(s) + "\n" + g;
            assertEquals(List.of("Split", "Relu", "ChannelShuffleConcat"), ops(g), what);
            Map<String, Tensor> feed = Map.of("x", random(4400 + i, s[0], 2 * s[1], s[2], s[3]));
            Graph plain = load(gp, 13);
            assertSameOutputs(run(plain, feed), run(g, feed), 0);
            assertSameOutputs(run(plain, feed), run(optimizeAll(load(gp, 13)), feed), 0);
        }
    }

    @Test
    void otherPatternsKeepTheirNodes() {
        List<String> four = List.of("Split", "Relu", "Concat", "Reshape", "Transpose", "Reshape");
        assertEquals(four, ops(fused(unit(1, 4, 3, 3, new long[] {0, 1, 2, 4, 3}, 1, false))), "another perm");
        assertEquals(four, ops(fused(unit(1, 4, 3, 3, SWAP, 1, true))), "the transpose is also a graph output");
        GraphProto onAxis2 = GraphProto.newBuilder(unit(1, 4, 6, 3, SWAP, 2, false))
                .setInitializer(1, initializer("s1", Tensor.of(new long[] {1, 2, 4, 6, 3}, 5))).build();
        assertEquals(four, ops(fused(onAxis2)), "a Concat on axis 2");
        // the first Reshape's target computed at run time (a graph input): not a constant
        GraphProto dynamic = GraphProto.newBuilder(unit(1, 4, 3, 3, SWAP, 1, false)).removeInitializer(1)
                .addInput(tensorInfo("s1", DType.INT64, 5)).build();
        Graph g = fused(dynamic);
        assertEquals(four, ops(g), "a shape that is not a constant");
    }

    /**
     * Three units whose reshape targets come from Shape arithmetic on the unit's own output, as PyTorch exports
     * {@code view}: after every pass, no Shape, Transpose or Concat is left, and the outputs are the plain graph's.
     */
    @Test
    void unitsReshapedByShapeArithmeticFuseAfterStaticShapes() {
        int c = 6;
        int h = 5;
        int w = 4;
        GraphProto.Builder b = GraphProto.newBuilder().setName("units")
                .addInput(tensorInfo("x", DType.FLOAT32, 1, 2 * c, h, w))
                .addInitializer(initializer("halves", Tensor.of(new long[] {c, c}, 2)))
                .addInitializer(initializer("zero", Tensor.scalar(0L)))
                .addInitializer(initializer("axes", Tensor.of(new long[] {0}, 1)))
                .addInitializer(initializer("tail1", Tensor.of(new long[] {2, c, h, w}, 4)))
                .addInitializer(initializer("tail2", Tensor.of(new long[] {-1, h, w}, 3)));
        String cur = "x";
        for (int u = 0; u < 3; u++) {
            String p = "u" + u + "_";
            b.addNode(node("Split", new String[] {cur, "halves"}, new String[] {p + "a", p + "b"}, intAttr("axis",
                    1)))
                    .addNode(node("Relu", new String[] {p + "b"}, new String[] {p + "rb"}))
                    .addNode(node("Concat", new String[] {p + "a", p + "rb"}, new String[] {p + "cat"},
                            intAttr("axis", 1)))
                    .addNode(node("Shape", new String[] {p + "cat"}, new String[] {p + "s"}))
                    .addNode(node("Gather", new String[] {p + "s", "zero"}, new String[] {p + "n"},
                            intAttr("axis", 0)))
                    .addNode(node("Unsqueeze", new String[] {p + "n", "axes"}, new String[] {p + "n1"}))
                    .addNode(node("Concat", new String[] {p + "n1", "tail1"}, new String[] {p + "s1"},
                            intAttr("axis", 0)))
                    .addNode(node("Concat", new String[] {p + "n1", "tail2"}, new String[] {p + "s2"},
                            intAttr("axis", 0)))
                    .addNode(node("Reshape", new String[] {p + "cat", p + "s1"}, new String[] {p + "r1"}))
                    .addNode(node("Transpose", new String[] {p + "r1"}, new String[] {p + "t"}, intsAttr("perm",
                            SWAP)))
                    .addNode(node("Reshape", new String[] {p + "t", p + "s2"}, new String[] {p + "y"}));
            cur = p + "y";
        }
        GraphProto gp = b.addOutput(tensorInfo(cur, DType.FLOAT32)).build();
        Graph plain = load(gp, 13);
        Graph all = optimizeAll(load(gp, 13));
        List<String> ops = ops(all);
        assertEquals(3, ops.stream().filter("ChannelShuffleConcat"::equals).count(), all.toString());
        assertEquals(0, ops.stream().filter(o -> o.equals("Shape") || o.equals("Transpose")).count(), all.toString());
        Map<String, Tensor> feed = Map.of("x", random(4500, 1, 2 * c, h, w));
        assertSameOutputs(run(plain, feed), run(all, feed), 0);
    }

    /** At batch 1 the Split's halves are views of its input (SplitOpTest); through a session, the same values. */
    @Test
    void batchOneSplitHalvesThroughASession() {
        GraphProto gp = GraphProto.newBuilder().setName("split")
                .addInput(tensorInfo("x", DType.FLOAT32, 1, 6, 2, 2))
                .addNode(node("Split", new String[] {"x"}, new String[] {"a", "b"}, intAttr("axis", 1)))
                .addNode(node("Relu", new String[] {"b"}, new String[] {"rb"}))
                .addOutput(tensorInfo("a", DType.FLOAT32)).addOutput(tensorInfo("rb", DType.FLOAT32)).build();
        Tensor x = random(4600, 1, 6, 2, 2);
        try (dev.vinfer.runtime.Session s = new dev.vinfer.runtime.Session(load(gp, 13), PassTesting.OPTIONS)) {
            for (int run = 0; run < 3; run++) { // the recording run, then planned runs
                Map<String, Tensor> out = s.run(Map.of("x", x));
                for (int i = 0; i < 12; i++) {
                    assertEquals(x.getDouble(i), out.get("a").getDouble(i), "run " + run + " a " + i);
                    assertEquals(Math.max(0, x.getDouble(12 + i)), out.get("rb").getDouble(i), "run " + run + " b " + i);
                }
            }
        }
    }
}
