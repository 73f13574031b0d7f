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
import dev.vinfer.ops.conv.ConvOp;
import dev.vinfer.ops.conv.NchwcConvOp;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.Node;
import dev.vinfer.runtime.Optimizer;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code channel-blocked-chains}: MobileNetV2-style inverted-residual blocks (1x1 expand + Relu6, 3x3 depthwise +
 * Relu6, 1x1 project, residual Add) run in the blocked layout and give what the NCHW graph gives (the same graph
 * optimized with {@code -Dvinfer.nchwc=false}) on seeded random inputs, the seed in each message: channel counts
 * that are and are not multiples of 16, stride 1 and 2, batch 1 and 2, a value also read outside the chain, in the
 * planned arena over several runs (all converted with {@code -Dvinfer.nchwc=all}); ResNet bottleneck stages and
 * basic blocks run blocked whole, their 3x3 stride-1 layers on the blocked Winograd kernel (with
 * {@code -Dvinfer.nchwc.winograd=false}, or a forced NCHW algorithm, the 3x3 layers stay NCHW between reorders);
 * and runs the estimate says cannot pay for their reorders are left alone (stems: {@link BlockedStemChainsTest}).
 */
class ChannelBlockedChainsTest {
    /** Relative to the output scale: the blocked kernels add in another order (and with FMAs). */
    static final double TOLERANCE = 2e-5;

    /**
     * x [n, c, hw, hw] -> 1x1 (c, no bias) = x0 -> two inverted-residual blocks -> y. A block: 1x1 (e) + Clip(0, 6)
     * -> depthwise 3x3 pad 1 + Clip -> 1x1 (c) [+ its input when the block has stride 1]; the first block has
     * stride {@code stride}, the second 1. With {@code tap} the first depthwise output is also Relu'd into a second
     * graph output (a value leaving the chain in its middle).
     */
    static GraphProto block(long seed, int n, int c, int e, int hw, int stride, boolean tap) {
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

    static Graph optimized(GraphProto gp, boolean nchwc) {
        return optimized(gp, Boolean.toString(nchwc));
    }

    /** Optimized with {@code -Dvinfer.nchwc=mode}: true (where estimated to pay), false, or all. */
    static Graph optimized(GraphProto gp, String mode) {
        return optimized(gp, mode, true, PassTesting.OPTIONS);
    }

    /**
     * Optimized with {@code -Dvinfer.nchwc=mode} and {@code -Dvinfer.nchwc.winograd=winograd} under the session
     * options {@code options}.
     */
    static Graph optimized(GraphProto gp, String mode, boolean winograd, SessionOptions options) {
        return optimized(gp, mode, winograd, options, false);
    }

    /**
     * As {@link #optimized(GraphProto, String, boolean, SessionOptions)}, with the inverted bottlenecks fused
     * ({@code bottleneck-fusion}, {@link BottleneckFusionTest}) or not: the tests here count the chain's own nodes.
     */
    static Graph optimized(GraphProto gp, String mode, boolean winograd, SessionOptions options,
            boolean bottlenecks) {
        String before = System.getProperty("vinfer.nchwc");
        String beforeWinograd = System.getProperty("vinfer.nchwc.winograd");
        String beforeBottlenecks = System.getProperty("vinfer.nchwc.bottleneckFusion");
        System.setProperty("vinfer.nchwc", mode);
        System.setProperty("vinfer.nchwc.winograd", Boolean.toString(winograd));
        System.setProperty("vinfer.nchwc.bottleneckFusion", Boolean.toString(bottlenecks));
        try {
            return Optimizer.standard().optimize(load(gp, 6 + 7), options);
        } finally {
            restore("vinfer.nchwc", before);
            restore("vinfer.nchwc.winograd", beforeWinograd);
            restore("vinfer.nchwc.bottleneckFusion", beforeBottlenecks);
        }
    }

    static void restore(String property, String value) {
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value);
        }
    }

    /**
     * The tolerance for comparing {@code blocked} with the NCHW graph: {@link #TOLERANCE}, or where a blocked Winograd
     * kernel runs, twice the declared Winograd error bound ({@code ConvAlgorithm.errorBound}: {@code 1e-5 x sqrt(K)},
     * K = 9 C of the widest such layer) since both sides may compute Winograd (its transforms round more than a
     * direct sum does).
     */
    private static double tolerance(Graph blocked) {
        double tol = TOLERANCE;
        for (Node nd : blocked.nodes()) {
            // a GATHER layer may be prepared as the stride-2 Winograd (NchwcStridedWinogradConv)
            if (nd.op() instanceof NchwcConvOp c && (c.kind() == NchwcConvOp.Kind.WINOGRAD
                    || c.kind() == NchwcConvOp.Kind.GATHER)) {
                int[] ws = c.conv().constantWeights().shape();
                tol = Math.max(tol, 2 * 1e-5 * Math.sqrt((double) ws[1] * ws[2] * ws[3]));
            }
            if (nd.op().describe().contains("nchwc_winograd")) {
                // fused into a Conv+Concat: the widest 3x3 input of the node
                for (int i = 1; i < nd.inputCount(); i += 3) {
                    if (nd.input(i) != null && nd.input(i).isConstant() && nd.input(i).constant().rank() == 4) {
                        int[] ws = nd.input(i).constant().shape();
                        tol = Math.max(tol, 2 * 1e-5 * Math.sqrt((double) ws[1] * ws[2] * ws[3]));
                    }
                }
            }
        }
        return tol;
    }

    static long count(Graph g, java.util.function.Predicate<String> describe) {
        return g.nodes().stream().filter(nd -> describe.test(nd.op().describe())).count();
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
     * Relu. Without the blocked Winograd kernel ({@code -Dvinfer.nchwc.winograd=false}) the 1x1 layers (the strided
     * shortcut too) and the 3x3/2 (the blocked channels-last GEMM) run blocked, the 3x3 stride-1 one stays NCHW
     * between reorders; with it (the default) that one joins the run too, and the whole graph is one run. On 10x10
     * the 3x3/2 runs the blocked channels-last GEMM; on 28x28 (a 14x14 output) the blocked stride-2 Winograd, unless
     * {@code -Dvinfer.nchwc.stridedWinograd=false}.
     */
    @Test
    void bottlenecksWithoutWinogradKeepTheirSpatialConvsNchw() {
        bottlenecks(10, "nchwc_channels_last");
        bottlenecks(28, "nchwc_winograd_s2_m2");
        String key = "vinfer.nchwc.stridedWinograd";
        System.setProperty(key, "false");
        try {
            bottlenecks(28, "nchwc_channels_last");
        } finally {
            System.clearProperty(key);
        }
    }

    private void bottlenecks(int hw, String strided) {
        long seed = 9700 + hw;
        GraphProto.Builder g = GraphProto.newBuilder().setName("bottlenecks")
                .addInput(tensorInfo("x", DType.FLOAT32, 1, 64, hw, hw));
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
                .addOutput(tensorInfo("y", DType.FLOAT32, 1, 512, hw / 2, hw / 2));
        GraphProto gp = g.build();
        Map<String, Tensor> feed = Map.of("x", random(seed + 99, 1, 64, hw, hw));
        Map<String, Tensor> nchw = run(optimized(gp, false), feed);
        for (boolean winograd : new boolean[] {false, true}) {
            Graph blocked = optimized(gp, "true", winograd, PassTesting.OPTIONS);
            String what = "winograd=" + winograd + "\n" + blocked;
            assertEquals(6, count(blocked, "nchwc_pointwise"::equals), what); // every 1x1, the strided shortcut too
            assertEquals(winograd ? 1 : 0, count(blocked, d -> d.startsWith("nchwc_winograd")), what);
            assertEquals(1, count(blocked, "nchwc_channels_last"::equals), what); // the 3x3/2, not yet prepared
            assertEquals(winograd ? 0 : 1, blocked.nodes().stream().filter(nd -> nd.op() instanceof ConvOp).count(),
                    what); // the 3x3 stride-1 layer left NCHW without Winograd
            List<String> ops = ops(blocked);
            // around the NCHW 3x3 layer a reorder out and one back in, plus the run's input and output
            assertEquals(winograd ? 1 : 2, ops.stream().filter("ReorderToNchwc"::equals).count(), what);
            assertEquals(winograd ? 1 : 2, ops.stream().filter("ReorderFromNchwc"::equals).count(), what);
            assertSameOutputs(nchw, run(blocked, feed), tolerance(blocked));
            // once prepared, the kernel the 3x3/2 layer's plane takes
            assertEquals(1, count(blocked, strided::equals), blocked.toString());
        }
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
        // the blocked pool, or the last 1x1 and the pool as one node (PointwiseMeanFusionTest)
        assertEquals(1, blocked.nodes().stream().filter(nd -> (nd.op().opType().equals("GlobalAveragePool")
                && nd.op().describe().equals("nchwc")) || nd.op().describe().equals("nchwc_pointwise_mean"))
                .count(), blocked.toString());
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
            // a blocked Concat of the two expands is fused with them (concat-conv-fusion): each writes its blocks
            // into the joined output
            assertEquals(concat, blocked.nodes().stream().anyMatch(nd -> nd.op().opType().endsWith("+Concat")
                    && nd.op().describe().startsWith("nchwc_pointwise|nchwc_")), what);
            assertTrue(blocked.nodes().stream().anyMatch(nd -> nd.op().opType().equals("MaxPool")
                    && nd.op().describe().equals("nchwc")), what);
            // the 16 -> 64 stem (and the 3x3 expand from 16 or more squeezed channels) on Winograd, as in NCHW
            assertTrue(count(blocked, d -> d.startsWith("nchwc_winograd")) >= 1, what);
            assertEquals(0, count(blocked, "nchwc_direct"::equals), what);
            Graph direct = optimized(gp, "all", false, PassTesting.OPTIONS);
            assertEquals(0, count(direct, d -> d.startsWith("nchwc_winograd")), direct.toString());
            assertTrue(count(direct, "nchwc_direct"::equals) >= 1, direct.toString());
            String before = System.getProperty("vinfer.nchwc.concatFusion");
            System.setProperty("vinfer.nchwc.concatFusion", "false");
            Graph copied;
            try {
                copied = optimized(gp, "all");
            } finally {
                restore("vinfer.nchwc.concatFusion", before);
            }
            assertEquals(concat, copied.nodes().stream().anyMatch(nd -> nd.op().opType().equals("Concat")
                    && nd.op().describe().equals("nchwc")), copied.toString());
            Map<String, Tensor> feed = Map.of("x", random(seed + 50, n, 16, s[3], s[3]));
            try {
                Map<String, Tensor> nchw = run(optimized(gp, false), feed);
                assertSameOutputs(nchw, run(blocked, feed), tolerance(blocked));
                assertSameOutputs(nchw, run(direct, feed), TOLERANCE);
                assertSameOutputs(nchw, run(copied, feed), tolerance(copied));
            } catch (AssertionError e) {
                throw new AssertionError(what + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * A DenseNet-style block: x [n, 16, hw, hw] -> 3x3 conv (c0) = cat0 -> {@code layers} dense layers, each
     * BatchNorm + Relu on the concatenation so far -> 1x1 (4 g) + Relu -> 3x3 pad 1 (g) -> Concat with the
     * concatenation; then a transition: BatchNorm + Relu -> 1x1 -> AveragePool 2x2/2 -> BatchNorm + Relu ->
     * GlobalAveragePool.
     */
    static GraphProto denseBlock(long seed, int n, int c0, int g, int layers, int hw) {
        GraphProto.Builder b = GraphProto.newBuilder().setName("dense")
                .addInput(tensorInfo("x", DType.FLOAT32, n, 16, hw, hw))
                .addInitializer(initializer("w0", random(seed, c0, 16, 3, 3)))
                .addNode(node("Conv", new String[] {"x", "w0"}, new String[] {"cat0"}, intsAttr("pads", 1, 1, 1,
                        1)));
        int c = c0;
        String cat = "cat0";
        for (int k = 0; k < layers + 2; k++) {
            String p = "l" + k + "_";
            long ls = seed + 100 * (k + 1);
            b.addInitializer(initializer(p + "s", positive(ls, c, 0.5f, 1.5f)))
                    .addInitializer(initializer(p + "b", random(ls + 1, c)))
                    .addInitializer(initializer(p + "m", random(ls + 2, c)))
                    .addInitializer(initializer(p + "v", positive(ls + 3, c, 0.2f, 2f)))
                    .addNode(node("BatchNormalization", new String[] {cat, p + "s", p + "b", p + "m", p + "v"},
                            new String[] {p + "bn"}))
                    .addNode(node("Relu", new String[] {p + "bn"}, new String[] {p + "r"}));
            if (k == layers + 1) {
                b.addNode(node("GlobalAveragePool", new String[] {p + "r"}, new String[] {"y"}))
                        .addOutput(tensorInfo("y", DType.FLOAT32, n, c, 1, 1));
                break;
            }
            if (k == layers) {
                b.addInitializer(initializer(p + "wt", random(ls + 4, c / 2, c, 1, 1)))
                        .addNode(node("Conv", new String[] {p + "r", p + "wt"}, new String[] {p + "t"}))
                        .addNode(node("AveragePool", new String[] {p + "t"}, new String[] {"pool"},
                                intsAttr("kernel_shape", 2, 2), intsAttr("strides", 2, 2)));
                cat = "pool";
                c = c / 2;
                continue;
            }
            b.addInitializer(initializer(p + "w1", random(ls + 4, 4 * g, c, 1, 1)))
                    .addInitializer(initializer(p + "b1", random(ls + 5, 4 * g)))
                    .addInitializer(initializer(p + "w3", random(ls + 6, g, 4 * g, 3, 3)))
                    .addNode(node("Conv", new String[] {p + "r", p + "w1", p + "b1"}, new String[] {p + "c1"}))
                    .addNode(node("Relu", new String[] {p + "c1"}, new String[] {p + "r1"}))
                    .addNode(node("Conv", new String[] {p + "r1", p + "w3"}, new String[] {p + "c3"},
                            intsAttr("pads", 1, 1, 1, 1)))
                    .addNode(node("Concat", new String[] {cat, p + "c3"}, new String[] {"cat" + (k + 1)},
                            intAttr("axis", 1)));
            cat = "cat" + (k + 1);
            c += g;
        }
        return b.build();
    }

    private static Tensor positive(long seed, int n, float lo, float hi) {
        java.util.Random r = new java.util.Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = lo + (hi - lo) * r.nextFloat();
        }
        return Tensor.of(a, n);
    }

    @Test
    void denseLayersRunBlockedWithTheirBatchNorms() {
        // {c0, growth, layers, hw}: channel counts all multiples of 16, then a growth that is not (the Concats and
        // the BatchNorms after them stay NCHW), and an odd plane for the pool
        int[][] shapes = {{32, 16, 3, 16}, {64, 32, 2, 9}, {32, 8, 2, 12}};
        for (int i = 0; i < shapes.length; i++) {
            long seed = 12100 + 10 * i;
            int[] s = shapes[i];
            int n = i == 1 ? 2 : 1;
            GraphProto gp = denseBlock(seed, n, s[0], s[1], s[2], s[3]);
            Graph blocked = optimized(gp, "true");
            String what = "seed=" + seed + " n=" + n + " c0=" + s[0] + " growth=" + s[1] + "\n" + blocked;
            // every Relu after a BatchNorm runs inside it (activation-fusion), blocked where its input is
            assertEquals(0, blocked.nodes().stream().filter(nd -> nd.op().opType().equals("Relu")).count(), what);
            long bn = blocked.nodes().stream().filter(nd -> nd.op().opType().equals("BatchNormalization")).count();
            assertEquals(s[2] + 2, bn, what);
            long blockedBn = count(blocked, "nchwc+Relu"::equals);
            if (s[1] % 16 == 0) {
                // one run from the input to the global pool: the transition's 1x1 now runs after its average pool
                // (avgpool-before-pointwise), the pool blocked, and the last BatchNorm reads it blocked
                assertEquals(bn, blockedBn, what);
                assertTrue(blocked.nodes().stream().anyMatch(nd -> nd.op().opType().equals("AveragePool")
                        && nd.op().describe().startsWith("nchwc")), what);
                assertEquals(1, blocked.nodes().stream().filter(nd -> nd.op().opType().startsWith("Reorder"))
                        .count(), what);
            }
            // converted whatever the estimate: with 8-channel growth the first Concat (32 + 8) is blocked and the
            // BatchNorm after it reads 40 channels in 3 blocks (pad lanes); the next Concat (40 + 8) is not. The
            // transitions' 40 and 20 channels pool blocked with pad lanes.
            Graph all = optimized(gp, "all");
            assertTrue(count(all, "nchwc+Relu"::equals) >= 2, all.toString());
            Map<String, Tensor> feed = Map.of("x", random(seed + 50, n, 16, s[3], s[3]));
            try {
                Map<String, Tensor> nchw = run(optimized(gp, false), feed);
                assertSameOutputs(nchw, run(blocked, feed), tolerance(blocked));
                assertSameOutputs(nchw, run(all, feed), tolerance(all));
            } catch (AssertionError e) {
                throw new AssertionError(what + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * A ResNet-50-style stage: x [n, c, hw, hw] -> 1x1 (4w) = x0 -> two bottlenecks, each 1x1 (w) + Relu -> 3x3 pad 1
     * (w) + Relu -> 1x1 (4w) + its input + Relu.
     */
    private static GraphProto bottleneckStage(long seed, int n, int c, int w, int hw) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("bottleneck-stage")
                .addInput(tensorInfo("x", DType.FLOAT32, n, c, hw, hw))
                .addInitializer(initializer("w0", random(seed, 4 * w, c, 1, 1)))
                .addInitializer(initializer("b0", random(seed + 1, 4 * w)))
                .addNode(node("Conv", new String[] {"x", "w0", "b0"}, new String[] {"x0"}));
        for (int b = 0; b < 2; b++) {
            String p = "b" + b + "_";
            String in = b == 0 ? "x0" : "y0";
            long bs = seed + 10 * (b + 1);
            g.addInitializer(initializer(p + "wr", random(bs, w, 4 * w, 1, 1)))
                    .addInitializer(initializer(p + "br", random(bs + 1, w)))
                    .addInitializer(initializer(p + "wm", random(bs + 2, w, w, 3, 3)))
                    .addInitializer(initializer(p + "bm", random(bs + 3, w)))
                    .addInitializer(initializer(p + "we", random(bs + 4, 4 * w, w, 1, 1)))
                    .addInitializer(initializer(p + "be", random(bs + 5, 4 * w)))
                    .addNode(node("Conv", new String[] {in, p + "wr", p + "br"}, new String[] {p + "cr"}))
                    .addNode(node("Relu", new String[] {p + "cr"}, new String[] {p + "rr"}))
                    .addNode(node("Conv", new String[] {p + "rr", p + "wm", p + "bm"}, new String[] {p + "cm"},
                            intsAttr("pads", 1, 1, 1, 1)))
                    .addNode(node("Relu", new String[] {p + "cm"}, new String[] {p + "rm"}))
                    .addNode(node("Conv", new String[] {p + "rm", p + "we", p + "be"}, new String[] {p + "ce"}))
                    .addNode(node("Add", new String[] {p + "ce", in}, new String[] {p + "s"}))
                    .addNode(node("Relu", new String[] {p + "s"}, new String[] {"y" + b}));
        }
        return g.addOutput(tensorInfo("y1", DType.FLOAT32, n, 4 * w, hw, hw)).build();
    }

    /**
     * A ResNet-18-style pair of basic blocks: x [n, c, hw, hw] -> 3x3 pad 1 (w) + Relu = y -> two blocks, each 3x3
     * (w) + Relu -> 3x3 (w) + its input + Relu.
     */
    private static GraphProto basicBlocks(long seed, int n, int c, int w, int hw) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("basic-blocks")
                .addInput(tensorInfo("x", DType.FLOAT32, n, c, hw, hw))
                .addInitializer(initializer("w0", random(seed, w, c, 3, 3)))
                .addInitializer(initializer("b0", random(seed + 1, w)))
                .addNode(node("Conv", new String[] {"x", "w0", "b0"}, new String[] {"c0"}, intsAttr("pads", 1, 1, 1,
                        1)))
                .addNode(node("Relu", new String[] {"c0"}, new String[] {"y"}));
        for (int b = 0; b < 2; b++) {
            String p = "b" + b + "_";
            String in = b == 0 ? "y" : "y0";
            long bs = seed + 10 * (b + 1);
            g.addInitializer(initializer(p + "w1", random(bs, w, w, 3, 3)))
                    .addInitializer(initializer(p + "b1", random(bs + 1, w)))
                    .addInitializer(initializer(p + "w2", random(bs + 2, w, w, 3, 3)))
                    .addInitializer(initializer(p + "b2", random(bs + 3, w)))
                    .addNode(node("Conv", new String[] {in, p + "w1", p + "b1"}, new String[] {p + "c1"},
                            intsAttr("pads", 1, 1, 1, 1)))
                    .addNode(node("Relu", new String[] {p + "c1"}, new String[] {p + "r1"}))
                    .addNode(node("Conv", new String[] {p + "r1", p + "w2", p + "b2"}, new String[] {p + "c2"},
                            intsAttr("pads", 1, 1, 1, 1)))
                    .addNode(node("Add", new String[] {p + "c2", in}, new String[] {p + "s"}))
                    .addNode(node("Relu", new String[] {p + "s"}, new String[] {"y" + b}));
        }
        return g.addOutput(tensorInfo("y1", DType.FLOAT32, n, w, hw, hw)).build();
    }

    /**
     * ResNet bottleneck stages and basic blocks run as one blocked run: one reorder in, one out, every convolution
     * blocked, the 3x3 ones on the blocked Winograd where the plane's tiles fill its register tiles (F(4,3) at 24x24
     * and 26x26, F(2,3) at 7x7, 11x11 and 12x12), else on the NCHW kernel AUTO picks between reorders inside the node
     * (5x5, 9x9, 10x10); results as the NCHW graph's. With {@code -Dvinfer.nchwc.winograd=false} the wide 3x3 layers
     * stay NCHW between reorders (the structure before session 12), and where the session forces an NCHW algorithm
     * too.
     */
    @Test
    void resnetBlocksRunBlockedWithWinograd() {
        // {bottleneck (1) or basic (0), n, c, w, hw, estimate ("true") or everything ("all")}
        int[][] cases = {{1, 1, 64, 64, 12, 1}, {1, 2, 64, 64, 7, 1}, {1, 1, 48, 32, 9, 1}, {1, 1, 40, 20, 11, 0},
            {0, 1, 32, 64, 12, 1}, {0, 2, 32, 64, 7, 1}, {0, 1, 16, 48, 10, 1}, {0, 1, 24, 40, 5, 0},
            {1, 1, 64, 64, 24, 1}, {0, 2, 32, 32, 26, 1}};
        for (int i = 0; i < cases.length; i++) {
            int[] k = cases[i];
            long seed = 10100 + 10 * i;
            boolean bottleneck = k[0] == 1;
            int n = k[1];
            int c = k[2];
            int w = k[3];
            int hw = k[4];
            String mode = k[5] == 1 ? "true" : "all";
            GraphProto gp = bottleneck ? bottleneckStage(seed, n, c, w, hw) : basicBlocks(seed, n, c, w, hw);
            Graph blocked = optimized(gp, mode, true, PassTesting.OPTIONS);
            String what = "seed=" + seed + (bottleneck ? " bottleneck" : " basic") + " n=" + n + " c=" + c + " w=" + w
                    + " hw=" + hw + " mode=" + mode + "\n" + blocked;
            int convs = bottleneck ? 7 : 5;
            int spatial = bottleneck ? 2 : 5;
            List<String> ops = ops(blocked);
            assertEquals(1, ops.stream().filter("ReorderToNchwc"::equals).count(), what);
            assertEquals(1, ops.stream().filter("ReorderFromNchwc"::equals).count(), what);
            assertEquals("ReorderToNchwc", ops.get(0), what);
            assertEquals("ReorderFromNchwc", ops.get(ops.size() - 1), what);
            assertEquals(convs, count(blocked, d -> d.startsWith("nchwc_")), what);
            assertEquals(spatial, count(blocked, "nchwc_winograd"::equals), what); // tile unknown before a run
            Map<String, Tensor> feed = Map.of("x", random(seed + 99, n, c, hw, hw));
            Map<String, Tensor> nchw = run(optimized(gp, false), feed);
            try {
                assertSameOutputs(nchw, run(blocked, feed), tolerance(blocked));
            } catch (AssertionError e) {
                throw new AssertionError(what + ": " + e.getMessage(), e);
            }
            // prepared for the plane: the blocked F(m,3) whose tiles fill the register tiles, else the NCHW kernel
            // between reorders
            int m = dev.vinfer.conv.NchwcWinogradConv.autoTileOutputs(dev.vinfer.conv.ConvGeometry.builder()
                    .channels(16, 16).input(hw, hw).kernel(3, 3).pads(new int[] {1, 1}, new int[] {1, 1}).build());
            java.util.function.Predicate<String> tile = m > 0 ? ("nchwc_winograd_f" + m + "_3")::equals
                    : d -> d.startsWith("nchwc_reordered_");
            assertEquals(spatial, count(blocked, tile), what);

            // the switch off: the 3x3 layers wider than 32 input channels stay NCHW between reorders
            Graph old = optimized(gp, mode, false, PassTesting.OPTIONS);
            String whatOld = "winograd=false " + what + "\n" + old;
            assertEquals(0, count(old, d -> d.startsWith("nchwc_winograd")), whatOld);
            long wide = old.nodes().stream().filter(nd -> nd.op() instanceof ConvOp cv
                    && cv.constantWeights().shape()[2] == 3 && cv.constantWeights().shape()[1] > 32).count();
            long nchwConvs = old.nodes().stream().filter(nd -> nd.op() instanceof ConvOp).count();
            assertEquals(wide, nchwConvs, whatOld);
            try {
                assertSameOutputs(nchw, run(old, feed), TOLERANCE);
            } catch (AssertionError e) {
                throw new AssertionError(whatOld + ": " + e.getMessage(), e);
            }
        }
    }

    /** A session forcing an NCHW algorithm keeps it for the Winograd-shaped 3x3 layers (they stay NCHW). */
    @Test
    void aForcedAlgorithmKeepsTheSpatialConvsNchw() {
        GraphProto gp = bottleneckStage(10300, 1, 64, 64, 12);
        Graph forced = optimized(gp, "true", true, PassTesting.OPTIONS.clone().convAlgorithm("im2col"));
        assertEquals(0, count(forced, d -> d.startsWith("nchwc_winograd")), forced.toString());
        assertEquals(2, forced.nodes().stream().filter(nd -> nd.op() instanceof ConvOp).count(), forced.toString());
    }
}
