package dev.vinfer.passes;

import static dev.vinfer.passes.PassTesting.assertSameOutputs;
import static dev.vinfer.passes.PassTesting.initializer;
import static dev.vinfer.passes.PassTesting.load;
import static dev.vinfer.passes.PassTesting.ops;
import static dev.vinfer.passes.PassTesting.random;
import static dev.vinfer.passes.PassTesting.run;
import static dev.vinfer.testdata.Models.intAttr;
import static dev.vinfer.testdata.Models.intsAttr;
import static dev.vinfer.testdata.Models.node;
import static dev.vinfer.testdata.Models.tensorInfo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code channel-blocked-chains}: MobileNetV2-style inverted-residual blocks (1x1 expand + Relu6, 3x3 depthwise +
 * Relu6, 1x1 project, residual Add) run in the blocked layout and give what the NCHW graph gives (the same graph
 * optimized with {@code -Dvinfer.nchwc=false}) on seeded random inputs, the seed in each message: channel counts
 * that are and are not multiples of 16, stride 1 and 2, batch 1 and 2, a value also read outside the chain, in the
 * planned arena over several runs (all converted with {@code -Dvinfer.nchwc=all}); ResNet bottlenecks convert their
 * 1x1 layers only; and runs the estimate says cannot pay for their reorders are left alone.
 */
class ChannelBlockedChainsTest {
    /** Relative to the output scale: the blocked kernels add in another order (and with FMAs). */
    private static final double TOLERANCE = 2e-5;

    /**
     * x [n, c, hw, hw] -> 1x1 (c, no bias) = x0 -> two inverted-residual blocks -> y. A block: 1x1 (e) + Clip(0, 6)
     * -> depthwise 3x3 pad 1 + Clip -> 1x1 (c) [+ its input when the block has stride 1]; the first block has
     * stride {@code stride}, the second 1. With {@code tap} the first depthwise output is also Relu'd into a second
     * graph output (a value leaving the chain in its middle).
     */
    private static GraphProto block(long seed, int n, int c, int e, int hw, int stride, boolean tap) {
        int out = (hw - 1) / stride + 1;
        GraphProto.Builder g = GraphProto.newBuilder().setName("inverted-residual")
                .addInput(tensorInfo("x", DType.FLOAT32, n, c, hw, hw))
                .addInitializer(initializer("w0", random(seed + 6, c, c, 1, 1)))
                .addInitializer(initializer("lo", Tensor.scalar(0f)))
                .addInitializer(initializer("hi", Tensor.scalar(6f)))
                .addNode(node("Conv", new String[] {"x", "w0"}, new String[] {"x0"}));
        for (int b = 0; b < 2; b++) {
            String p = "b" + b + "_";
            String in = b == 0 ? "x0" : "y0";
            int s = b == 0 ? stride : 1;
            long bs = seed + 10 * b;
            g.addInitializer(initializer(p + "we", random(bs, e, c, 1, 1)))
                    .addInitializer(initializer(p + "be", random(bs + 1, e)))
                    .addInitializer(initializer(p + "wd", random(bs + 2, e, 1, 3, 3)))
                    .addInitializer(initializer(p + "bd", random(bs + 3, e)))
                    .addInitializer(initializer(p + "wp", random(bs + 4, c, e, 1, 1)))
                    .addInitializer(initializer(p + "bp", random(bs + 5, c)))
                    .addNode(node("Conv", new String[] {in, p + "we", p + "be"}, new String[] {p + "ce"}))
                    .addNode(node("Clip", new String[] {p + "ce", "lo", "hi"}, new String[] {p + "re"}))
                    .addNode(node("Conv", new String[] {p + "re", p + "wd", p + "bd"}, new String[] {p + "cd"},
                            intAttr("group", e), intsAttr("pads", 1, 1, 1, 1), intsAttr("strides", s, s)))
                    .addNode(node("Clip", new String[] {p + "cd", "lo", "hi"}, new String[] {p + "rd"}))
                    .addNode(node("Conv", new String[] {p + "rd", p + "wp", p + "bp"},
                            new String[] {s == 1 ? p + "cp" : "y" + b}));
            if (s == 1) {
                g.addNode(node("Add", new String[] {p + "cp", in}, new String[] {"y" + b}));
            }
        }
        if (tap) {
            g.addNode(node("Relu", new String[] {"b0_rd"}, new String[] {"tap"}))
                    .addOutput(tensorInfo("tap", DType.FLOAT32, n, e, out, out));
        }
        return g.addOutput(tensorInfo("y1", DType.FLOAT32, n, c, out, out)).build();
    }

    private static Graph optimized(GraphProto gp, boolean nchwc) {
        return optimized(gp, Boolean.toString(nchwc));
    }

    /** Optimized with {@code -Dvinfer.nchwc=mode}: true (where estimated to pay), false, or all. */
    private static Graph optimized(GraphProto gp, String mode) {
        String before = System.getProperty("vinfer.nchwc");
        System.setProperty("vinfer.nchwc", mode);
        try {
            return PassTesting.optimizeAll(load(gp, 6 + 7));
        } finally {
            if (before == null) {
                System.clearProperty("vinfer.nchwc");
            } else {
                System.setProperty("vinfer.nchwc", before);
            }
        }
    }

    @Test
    void invertedResidualBlocksMatchNchw() {
        int[][] shapes = {{16, 96, 14}, {24, 144, 9}, {17, 40, 7}, {32, 192, 5}, {8, 48, 12}, {16, 32, 1}};
        for (int i = 0; i < 12; i++) {
            long seed = 9400 + i;
            int[] s = shapes[i % shapes.length];
            int n = i % 3 == 2 ? 2 : 1;
            int stride = i % 4 == 3 ? 2 : 1;
            boolean tap = i % 6 == 3; // on the 32/192 blocks: a wide tap is worth its reorder there
            GraphProto gp = block(seed, n, s[0], s[1], s[2], stride, tap);
            // "all": also the runs whose channel counts (17, 8) the estimate would leave NCHW
            Graph blocked = optimized(gp, "all");
            String what = "seed=" + seed + " n=" + n + " c=" + s[0] + " e=" + s[1] + " hw=" + s[2] + " stride="
                    + stride + (tap ? " tap" : "");
            List<String> ops = ops(blocked);
            assertEquals("ReorderToNchwc", ops.get(0), what + "\n" + blocked);
            assertEquals(tap ? 2 : 1, ops.stream().filter("ReorderFromNchwc"::equals).count(), what + "\n" + blocked);
            assertEquals(7, blocked.nodes().stream().filter(nd -> nd.op().describe().startsWith("nchwc_")).count(),
                    what + "\n" + blocked);
            Map<String, Tensor> feed = Map.of("x", random(seed + 50, n, s[0], s[2], s[2]));
            try {
                assertSameOutputs(run(optimized(gp, false), feed), run(blocked, feed), TOLERANCE);
            } catch (AssertionError e) {
                throw new AssertionError(what + ": " + e.getMessage(), e);
            }
        }
    }

    private static GraphProto oneBlockWithTap() {
        GraphProto two = block(9600, 1, 16, 32, 8, 1, true);
        GraphProto.Builder g = two.toBuilder().clearNode().clearOutput();
        for (var nd : two.getNodeList()) {
            if (!nd.getName().startsWith("b1") && !nd.getOutput(0).startsWith("b1_") && !nd.getOutput(0).equals("y1")) {
                g.addNode(nd);
            }
        }
        return g.addOutput(tensorInfo("y0", DType.FLOAT32, 1, 16, 8, 8))
                .addOutput(tensorInfo("tap", DType.FLOAT32, 1, 32, 8, 8)).build();
    }

    /**
     * Two ResNet bottlenecks: x -> 1x1 (256) = x0; block 1: 1x1 (64) + Relu -> 3x3 + Relu -> 1x1 (256) + x0 + Relu;
     * block 2 with a projection shortcut: 1x1 (128) + Relu -> 3x3/2 + Relu -> 1x1 (512) + shortcut(1x1/2, 512) +
     * Relu. The 1x1 layers (the strided shortcut too) run blocked, the 3x3 ones stay NCHW between reorders.
     */
    @Test
    void bottlenecksKeepTheirSpatialConvsNchw() {
        long seed = 9700;
        GraphProto.Builder g = GraphProto.newBuilder().setName("bottlenecks")
                .addInput(tensorInfo("x", DType.FLOAT32, 1, 64, 10, 10));
        String[][] convs = {
            // name, input, out, in, k, stride, extra
            {"c0", "x", "256", "64", "1", "1"},
            {"r1", "x0", "64", "256", "1", "1"}, {"m1", "r1o", "64", "64", "3", "1"}, {"e1", "m1o", "256", "64", "1", "1"},
            {"r2", "y1", "128", "256", "1", "1"}, {"m2", "r2o", "128", "128", "3", "2"}, {"e2", "m2o", "512", "128", "1", "1"},
            {"s2", "y1", "512", "256", "1", "2"}};
        int i = 0;
        for (String[] c : convs) {
            int m = Integer.parseInt(c[2]);
            int k = Integer.parseInt(c[4]);
            g.addInitializer(initializer(c[0] + "_w", random(seed + i++, m, Integer.parseInt(c[3]), k, k)));
            g.addInitializer(initializer(c[0] + "_b", random(seed + i++, m)));
            String out = c[0].equals("c0") ? "x0" : c[0] + "c";
            g.addNode(node("Conv", new String[] {c[1], c[0] + "_w", c[0] + "_b"}, new String[] {out},
                    intsAttr("pads", k / 2, k / 2, k / 2, k / 2), intsAttr("strides", Integer.parseInt(c[5]),
                            Integer.parseInt(c[5]))));
            if (c[0].startsWith("r") || c[0].startsWith("m")) {
                g.addNode(node("Relu", new String[] {out}, new String[] {c[0] + "o"}));
            }
        }
        g.addNode(node("Add", new String[] {"e1c", "x0"}, new String[] {"e1s"}))
                .addNode(node("Relu", new String[] {"e1s"}, new String[] {"y1"}))
                .addNode(node("Add", new String[] {"e2c", "s2c"}, new String[] {"e2s"}))
                .addNode(node("Relu", new String[] {"e2s"}, new String[] {"y"}))
                .addOutput(tensorInfo("y", DType.FLOAT32, 1, 512, 5, 5));
        GraphProto gp = g.build();
        Graph blocked = optimized(gp, true);
        long nchwc = blocked.nodes().stream().filter(nd -> nd.op().describe().equals("nchwc_pointwise")).count();
        assertEquals(6, nchwc, blocked.toString()); // every 1x1, the strided shortcut too
        List<String> ops = ops(blocked);
        assertTrue(ops.contains("ReorderToNchwc") && ops.contains("ReorderFromNchwc"), ops.toString());
        Map<String, Tensor> feed = Map.of("x", random(seed + 99, 1, 64, 10, 10));
        assertSameOutputs(run(optimized(gp, false), feed), run(blocked, feed), TOLERANCE);
    }

    /** A chain whose last output is only pooled: the pool reads the blocked tensor, and no reorder runs back. */
    @Test
    void aPooledChainEndNeedsNoReorder() {
        GraphProto two = block(9800, 2, 32, 96, 9, 1, false);
        GraphProto gp = two.toBuilder().clearOutput()
                .addNode(node("GlobalAveragePool", new String[] {"y1"}, new String[] {"gap"}))
                .addOutput(tensorInfo("gap", DType.FLOAT32, 2, 32, 1, 1)).build();
        Graph blocked = optimized(gp, true);
        List<String> ops = ops(blocked);
        assertFalse(ops.contains("ReorderFromNchwc"), blocked.toString());
        assertEquals(1, blocked.nodes().stream().filter(nd -> nd.op().opType().equals("GlobalAveragePool")
                && nd.op().describe().equals("nchwc")).count(), blocked.toString());
        Map<String, Tensor> feed = Map.of("x", random(9801, 2, 32, 9, 9));
        assertSameOutputs(run(optimized(gp, false), feed), run(blocked, feed), TOLERANCE);
    }

    @Test
    void runsInThePlannedArena() {
        GraphProto gp = block(9500, 1, 24, 144, 11, 1, true);
        Graph g = optimized(gp, "all");
        Graph nchw = optimized(gp, false);
        try (Session s = new Session(g, PassTesting.OPTIONS);
                Session fresh = new Session(g, PassTesting.OPTIONS.clone().memoryPlan(false))) {
            for (int r = 0; r < 3; r++) {
                Map<String, Tensor> feed = Map.of("x", random(9501 + r, 1, 24, 11, 11));
                assertSameOutputs(run(nchw, feed), s.run(feed), TOLERANCE);
                assertSameOutputs(fresh.run(feed), s.run(feed), 0);
            }
        }
    }

    @Test
    void shortRunsAreLeftAlone() {
        // one block after the first 1x1, with a tap: 3 reorders (x in; the tap and y out) against small 1x1 layers
        List<String> one = ops(optimized(oneBlockWithTap(), true));
        assertFalse(one.contains("ReorderToNchwc"), one.toString());
        // expand + depthwise only: 16 x 32 multiply-adds a position cannot pay for reordering 16 + 32 channels
        GraphProto gp = GraphProto.newBuilder().setName("short")
                .addInput(tensorInfo("x", DType.FLOAT32, 1, 16, 8, 8))
                .addInitializer(initializer("we", random(1, 32, 16, 1, 1)))
                .addInitializer(initializer("wd", random(2, 32, 1, 3, 3)))
                .addNode(node("Conv", new String[] {"x", "we"}, new String[] {"ce"}))
                .addNode(node("Conv", new String[] {"ce", "wd"}, new String[] {"y"}, intAttr("group", 32),
                        intsAttr("pads", 1, 1, 1, 1)))
                .addOutput(tensorInfo("y", DType.FLOAT32, 1, 32, 8, 8)).build();
        List<String> ops = ops(optimized(gp, true));
        assertFalse(ops.contains("ReorderToNchwc"), ops.toString());
        assertTrue(ops.stream().allMatch(o -> o.startsWith("Conv")), ops.toString());
    }

    /**
     * SqueezeNet-like: x [n, 16, hw, hw] -> 3x3 (64) + Relu -> MaxPool 3x3/2 (ceil) -> fire (squeeze 1x1 to
     * {@code sq} + Relu, expand 1x1 to {@code e1} and 3x3 to {@code e3}, each + Relu, Concat) -> MaxPool 3x3/2
     * (ceil) -> 1x1 (40) + Relu -> GlobalAveragePool. With {@code e1} a multiple of 16 the Concat and both pools
     * run blocked.
     */
    private static GraphProto fire(long seed, int n, int hw, int sq, int e1, int e3) {
        int p1 = (int) Math.ceil((hw - 3) / 2.0) + 1;
        int p2 = (int) Math.ceil((p1 - 3) / 2.0) + 1;
        return GraphProto.newBuilder().setName("fire")
                .addInput(tensorInfo("x", DType.FLOAT32, n, 16, hw, hw))
                .addInitializer(initializer("ws", random(seed, 64, 16, 3, 3)))
                .addInitializer(initializer("bs", random(seed + 1, 64)))
                .addInitializer(initializer("wq", random(seed + 2, sq, 64, 1, 1)))
                .addInitializer(initializer("w1", random(seed + 3, e1, sq, 1, 1)))
                .addInitializer(initializer("b1", random(seed + 4, e1)))
                .addInitializer(initializer("w3", random(seed + 5, e3, sq, 3, 3)))
                .addInitializer(initializer("b3", random(seed + 6, e3)))
                .addInitializer(initializer("wf", random(seed + 7, 40, e1 + e3, 1, 1)))
                .addNode(node("Conv", new String[] {"x", "ws", "bs"}, new String[] {"cs"}, intsAttr("pads", 1, 1, 1,
                        1)))
                .addNode(node("Relu", new String[] {"cs"}, new String[] {"rs"}))
                .addNode(node("MaxPool", new String[] {"rs"}, new String[] {"p1"}, intsAttr("kernel_shape", 3, 3),
                        intsAttr("strides", 2, 2), intAttr("ceil_mode", 1)))
                .addNode(node("Conv", new String[] {"p1", "wq"}, new String[] {"cq"}))
                .addNode(node("Relu", new String[] {"cq"}, new String[] {"rq"}))
                .addNode(node("Conv", new String[] {"rq", "w1", "b1"}, new String[] {"c1"}))
                .addNode(node("Relu", new String[] {"c1"}, new String[] {"r1"}))
                .addNode(node("Conv", new String[] {"rq", "w3", "b3"}, new String[] {"c3"}, intsAttr("pads", 1, 1,
                        1, 1)))
                .addNode(node("Relu", new String[] {"c3"}, new String[] {"r3"}))
                .addNode(node("Concat", new String[] {"r1", "r3"}, new String[] {"f"}, intAttr("axis", 1)))
                .addNode(node("MaxPool", new String[] {"f"}, new String[] {"p2"}, intsAttr("kernel_shape", 3, 3),
                        intsAttr("strides", 2, 2), intAttr("ceil_mode", 1)))
                .addNode(node("Conv", new String[] {"p2", "wf"}, new String[] {"cf"}))
                .addNode(node("Relu", new String[] {"cf"}, new String[] {"rf"}))
                .addNode(node("GlobalAveragePool", new String[] {"rf"}, new String[] {"y"}))
                .addOutput(tensorInfo("y", DType.FLOAT32, n, 40, 1, 1))
                .addOutput(tensorInfo("f", DType.FLOAT32, n, e1 + e3, p1, p1)).build();
    }

    @Test
    void fireModulesRunBlockedWithTheirPoolsAndConcat() {
        int[][] shapes = {{16, 64, 64, 15}, {16, 48, 20, 13}, {24, 32, 40, 9}, {8, 24, 17, 7}, {32, 64, 64, 6}};
        for (int i = 0; i < shapes.length; i++) {
            long seed = 9900 + 10 * i;
            int[] s = shapes[i];
            int n = i % 2 == 1 ? 2 : 1;
            GraphProto gp = fire(seed, n, s[3], s[0], s[1], s[2]);
            Graph blocked = optimized(gp, "all");
            String what = "seed=" + seed + " n=" + n + " squeeze=" + s[0] + " e1=" + s[1] + " e3=" + s[2] + " hw="
                    + s[3] + "\n" + blocked;
            boolean concat = s[1] % 16 == 0;
            assertEquals(concat, blocked.nodes().stream().anyMatch(nd -> nd.op().opType().equals("Concat")
                    && nd.op().describe().equals("nchwc")), what);
            assertTrue(blocked.nodes().stream().anyMatch(nd -> nd.op().opType().equals("MaxPool")
                    && nd.op().describe().equals("nchwc")), what);
            assertTrue(blocked.nodes().stream().anyMatch(nd -> nd.op().describe().equals("nchwc_direct")), what);
            Map<String, Tensor> feed = Map.of("x", random(seed + 50, n, 16, s[3], s[3]));
            try {
                assertSameOutputs(run(optimized(gp, false), feed), run(blocked, feed), TOLERANCE);
            } catch (AssertionError e) {
                throw new AssertionError(what + ": " + e.getMessage(), e);
            }
        }
    }
}
