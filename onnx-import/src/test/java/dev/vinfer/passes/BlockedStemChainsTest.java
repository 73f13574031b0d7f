package dev.vinfer.passes;

import static dev.vinfer.passes.ChannelBlockedChainsTest.TOLERANCE;
import static dev.vinfer.passes.ChannelBlockedChainsTest.count;
import static dev.vinfer.passes.ChannelBlockedChainsTest.optimized;
import static dev.vinfer.passes.ChannelBlockedChainsTest.restore;
import static dev.vinfer.passes.PassTesting.assertSameOutputs;
import static dev.vinfer.passes.PassTesting.initializer;
import static dev.vinfer.passes.PassTesting.ops;
import static dev.vinfer.passes.PassTesting.random;
import static dev.vinfer.passes.PassTesting.run;
import static dev.vinfer.testdata.Models.intsAttr;
import static dev.vinfer.testdata.Models.node;
import static dev.vinfer.testdata.Models.tensorInfo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code channel-blocked-chains} at a network's head: the stem runs blocked from the plain input
 * ({@code NchwcStemConv}), so the run needs no reorder in and its max pool runs blocked; results as the NCHW graph's
 * (helpers from {@link ChannelBlockedChainsTest}).
 */
class BlockedStemChainsTest {
    /**
     * A network's head: x [n, 3, hw, hw] -> k x k stride-2 stem (m) + Relu or Clip(0, 6) -> 3x3/2 MaxPool -> 1x1 (2m)
     * + Relu -> y.
     */
    private static GraphProto stemHead(long seed, int n, int hw, int k, int pad, int m, boolean relu6) {
        return stemHead(seed, n, hw, k, pad, m, relu6, 0, false);
    }

    /**
     * As above, the pool padded by {@code poolPad} on every side, and with {@code sideReader} the stem's activation
     * also read by a second output {@code z} (its Sigmoid).
     */
    private static GraphProto stemHead(long seed, int n, int hw, int k, int pad, int m, boolean relu6, int poolPad,
            boolean sideReader) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("stem-head")
                .addInput(tensorInfo("x", DType.FLOAT32, n, 3, hw, hw))
                .addInitializer(initializer("ws", random(seed, m, 3, k, k)))
                .addInitializer(initializer("bs", random(seed + 1, m)))
                .addInitializer(initializer("w1", random(seed + 2, 2 * m, m, 1, 1)))
                .addInitializer(initializer("lo", Tensor.scalar(0f)))
                .addInitializer(initializer("hi", Tensor.scalar(6f)))
                .addNode(node("Conv", new String[] {"x", "ws", "bs"}, new String[] {"cs"},
                        intsAttr("pads", pad, pad, pad, pad), intsAttr("strides", 2, 2)));
        if (relu6) {
            g.addNode(node("Clip", new String[] {"cs", "lo", "hi"}, new String[] {"rs"}));
        } else {
            g.addNode(node("Relu", new String[] {"cs"}, new String[] {"rs"}));
        }
        int conv = (hw + 2 * pad - k) / 2 + 1;
        int pooled = (conv + 2 * poolPad - 3) / 2 + 1;
        if (sideReader) {
            g.addNode(node("Sigmoid", new String[] {"rs"}, new String[] {"z"}))
                    .addOutput(tensorInfo("z", DType.FLOAT32, n, m, conv, conv));
        }
        return g.addNode(node("MaxPool", new String[] {"rs"}, new String[] {"p"}, intsAttr("kernel_shape", 3, 3),
                        intsAttr("strides", 2, 2), intsAttr("pads", poolPad, poolPad, poolPad, poolPad)))
                .addNode(node("Conv", new String[] {"p", "w1"}, new String[] {"c1"}))
                .addNode(node("Relu", new String[] {"c1"}, new String[] {"y"}))
                .addOutput(tensorInfo("y", DType.FLOAT32, n, 2 * m, pooled, pooled)).build();
    }

    /**
     * The stems (ResNet's 7x7/2, SqueezeNet's unpadded 3x3/2, MobileNetV2's 3x3/2 with Relu6) run blocked from the
     * plain input, so the run has no reorder in, and with the max pool after them as one node
     * ({@code stem-pool-fusion}: {@code nchwc_stem_maxpool}); results as the NCHW graph's. With
     * {@code -Dvinfer.nchwc.stemPool=false} a blocked stem ({@code nchwc_stem}) and a blocked pool; with
     * {@code -Dvinfer.nchwc.stem=false}, or a forced NCHW algorithm, the stem stays NCHW.
     */
    @Test
    void stemsRunBlockedFromThePlainInput() {
        // {hw, k, pad, m, relu6}
        int[][] cases = {{37, 7, 3, 64, 0}, {33, 3, 0, 64, 0}, {30, 3, 1, 32, 1}, {29, 5, 2, 48, 0}};
        for (int i = 0; i < cases.length; i++) {
            int[] c = cases[i];
            long seed = 10400 + 10 * i;
            int n = 1 + i % 2;
            GraphProto gp = stemHead(seed, n, c[0], c[1], c[2], c[3], c[4] == 1);
            // under 64 stem channels the one 1x1 here gains less than its output's reorder costs: all, to test
            Graph blocked = optimized(gp, c[3] < 64 ? "all" : "true");
            String what = "seed=" + seed + " n=" + n + " " + java.util.Arrays.toString(c) + "\n" + blocked;
            List<String> ops = ops(blocked);
            assertEquals(0, ops.stream().filter("ReorderToNchwc"::equals).count(), what);
            assertEquals(1, ops.stream().filter("ReorderFromNchwc"::equals).count(), what);
            assertEquals(1, count(blocked, "nchwc_stem_maxpool"::equals), what);
            assertEquals(0, count(blocked, "nchwc_stem"::equals), what);
            assertTrue(blocked.nodes().stream().noneMatch(nd -> nd.op().opType().equals("MaxPool")), what);
            Map<String, Tensor> feed = Map.of("x", random(seed + 99, n, 3, c[0], c[0]));
            Map<String, Tensor> nchw = run(optimized(gp, false), feed);
            try {
                assertSameOutputs(nchw, run(blocked, feed), TOLERANCE);
            } catch (AssertionError e) {
                throw new AssertionError(what + ": " + e.getMessage(), e);
            }
        }
        GraphProto gp = stemHead(10490, 1, 33, 3, 0, 64, false);
        String before = System.getProperty("vinfer.nchwc.stem");
        System.setProperty("vinfer.nchwc.stem", "false");
        try {
            Graph off = optimized(gp, "true");
            assertEquals(0, count(off, "nchwc_stem"::equals), off.toString());
        } finally {
            restore("vinfer.nchwc.stem", before);
        }
        Graph forced = optimized(gp, "true", true, PassTesting.OPTIONS.clone().convAlgorithm("im2col"));
        assertEquals(0, count(forced, "nchwc_stem"::equals), forced.toString());
    }

    /**
     * {@code stem-pool-fusion}: ResNet's padded pool fuses too, bit for bit the two nodes' output; a stem whose
     * output something else reads as well stays a node of its own; {@code -Dvinfer.nchwc.stemPool=false} keeps two.
     */
    @Test
    void stemAndPoolFuseWhereThePoolAloneReadsTheStem() {
        GraphProto padded = stemHead(10500, 2, 37, 7, 3, 64, false, 1, false);
        Graph fused = optimized(padded, "true");
        assertEquals(1, count(fused, "nchwc_stem_maxpool"::equals), fused.toString());
        Map<String, Tensor> feed = Map.of("x", random(10599, 2, 3, 37, 37));
        String before = System.getProperty("vinfer.nchwc.stemPool");
        Graph apart;
        System.setProperty("vinfer.nchwc.stemPool", "false");
        try {
            apart = optimized(padded, "true");
        } finally {
            restore("vinfer.nchwc.stemPool", before);
        }
        assertEquals(1, count(apart, "nchwc_stem"::equals), apart.toString());
        assertEquals(0, count(apart, "nchwc_stem_maxpool"::equals), apart.toString());
        assertSameOutputs(run(apart, feed), run(fused, feed), 0f);
        assertSameOutputs(run(optimized(padded, false), feed), run(fused, feed), TOLERANCE);

        GraphProto shared = stemHead(10510, 1, 33, 3, 0, 64, false, 0, true);
        Graph g = optimized(shared, "true");
        assertEquals(0, count(g, "nchwc_stem_maxpool"::equals), g.toString());
        Map<String, Tensor> feed2 = Map.of("x", random(10519, 1, 3, 33, 33));
        assertSameOutputs(run(optimized(shared, false), feed2), run(g, feed2), TOLERANCE);
    }

    /**
     * A fully-convolutional head whose input plane is not fixed (symbolic H and W): the fused stem and pool is
     * prepared again for each size one session sees, and matches the NCHW graph at both.
     */
    @Test
    void stemAndPoolFollowTheInputSize() {
        GraphProto fixed = stemHead(10600, 1, 37, 7, 3, 64, false, 1, false);
        GraphProto.Builder b = fixed.toBuilder().clearInput().clearOutput()
                .addInput(tensorInfo("x", DType.FLOAT32, 1, 3, -1, -1))
                .addOutput(tensorInfo("y", DType.FLOAT32, 1, 128, -1, -1));
        GraphProto dynamic = b.build();
        Graph fused = optimized(dynamic, "true");
        assertEquals(1, count(fused, "nchwc_stem_maxpool"::equals), fused.toString());
        Graph nchw = optimized(dynamic, false);
        try (dev.vinfer.runtime.Session s = new dev.vinfer.runtime.Session(fused, PassTesting.OPTIONS)) {
            for (int hw : new int[] {37, 45, 29}) {
                Map<String, Tensor> feed = Map.of("x", random(10600 + hw, 1, 3, hw, hw));
                try {
                    assertSameOutputs(run(nchw, feed), s.run(feed), TOLERANCE);
                } catch (AssertionError e) {
                    throw new AssertionError(hw + "x" + hw + ": " + e.getMessage(), e);
                }
            }
        }
    }
}
