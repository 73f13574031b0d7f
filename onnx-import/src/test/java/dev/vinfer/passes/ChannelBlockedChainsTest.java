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
 * planned arena over several runs; and runs too short to convert are left alone.
 */
class ChannelBlockedChainsTest {
    /** Relative to the output scale: the blocked kernels add in another order (and with FMAs). */
    private static final double TOLERANCE = 2e-5;

    /**
     * x [n, c, hw, hw] -> 1x1 (c, no bias) = x0 -> 1x1 (e) + Clip(0, 6) -> depthwise 3x3 pad 1 stride s + Clip -> 1x1 (c) [+ x0 when s == 1]
     * -> y; with {@code tap} the depthwise output is also Relu'd into a second graph output.
     */
    private static GraphProto block(long seed, int n, int c, int e, int hw, int stride, boolean tap) {
        int out = (hw - 1) / stride + 1;
        GraphProto.Builder g = GraphProto.newBuilder().setName("inverted-residual")
                .addInput(tensorInfo("x", DType.FLOAT32, n, c, hw, hw))
                .addInitializer(initializer("w0", random(seed + 6, c, c, 1, 1)))
                .addInitializer(initializer("we", random(seed, e, c, 1, 1)))
                .addInitializer(initializer("be", random(seed + 1, e)))
                .addInitializer(initializer("wd", random(seed + 2, e, 1, 3, 3)))
                .addInitializer(initializer("bd", random(seed + 3, e)))
                .addInitializer(initializer("wp", random(seed + 4, c, e, 1, 1)))
                .addInitializer(initializer("bp", random(seed + 5, c)))
                .addNode(node("Conv", new String[] {"x", "w0"}, new String[] {"x0"}))
                .addNode(node("Conv", new String[] {"x0", "we", "be"}, new String[] {"ce"}))
                .addInitializer(initializer("lo", Tensor.scalar(0f)))
                .addInitializer(initializer("hi", Tensor.scalar(6f)))
                .addNode(node("Clip", new String[] {"ce", "lo", "hi"}, new String[] {"re"}))
                .addNode(node("Conv", new String[] {"re", "wd", "bd"}, new String[] {"cd"}, intAttr("group", e),
                        intsAttr("pads", 1, 1, 1, 1), intsAttr("strides", stride, stride)))
                .addNode(node("Clip", new String[] {"cd", "lo", "hi"}, new String[] {"rd"}))
                .addNode(node("Conv", new String[] {"rd", "wp", "bp"}, new String[] {stride == 1 ? "cp" : "y"}));
        if (stride == 1) {
            g.addNode(node("Add", new String[] {"cp", "x0"}, new String[] {"y"}));
        }
        if (tap) {
            g.addNode(node("Relu", new String[] {"rd"}, new String[] {"tap"}))
                    .addOutput(tensorInfo("tap", DType.FLOAT32, n, e, out, out));
        }
        return g.addOutput(tensorInfo("y", DType.FLOAT32, n, c, out, out)).build();
    }

    private static Graph optimized(GraphProto gp, boolean nchwc) {
        String before = System.getProperty("vinfer.nchwc");
        System.setProperty("vinfer.nchwc", Boolean.toString(nchwc));
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
        int[][] shapes = {{16, 96, 14}, {24, 144, 9}, {17, 40, 7}, {32, 192, 5}, {8, 20, 12}, {16, 16, 1}};
        for (int i = 0; i < 12; i++) {
            long seed = 9400 + i;
            int[] s = shapes[i % shapes.length];
            int n = i % 3 == 2 ? 2 : 1;
            int stride = i % 4 == 3 ? 2 : 1;
            boolean tap = i % 5 == 1;
            GraphProto gp = block(seed, n, s[0], s[1], s[2], stride, tap);
            Graph blocked = optimized(gp, true);
            String what = "seed=" + seed + " n=" + n + " c=" + s[0] + " e=" + s[1] + " hw=" + s[2] + " stride="
                    + stride + (tap ? " tap" : "");
            List<String> ops = ops(blocked);
            assertEquals("ReorderToNchwc", ops.get(0), what + "\n" + blocked);
            assertEquals(tap ? 2 : 1, ops.stream().filter("ReorderFromNchwc"::equals).count(), what + "\n" + blocked);
            assertEquals(4, blocked.nodes().stream().filter(nd -> nd.op().describe().startsWith("nchwc_")).count(),
                    what + "\n" + blocked);
            Map<String, Tensor> feed = Map.of("x", random(seed + 50, n, s[0], s[2], s[2]));
            try {
                assertSameOutputs(run(optimized(gp, false), feed), run(blocked, feed), TOLERANCE);
            } catch (AssertionError e) {
                throw new AssertionError(what + ": " + e.getMessage(), e);
            }
        }
    }

    @Test
    void runsInThePlannedArena() {
        GraphProto gp = block(9500, 1, 24, 144, 11, 1, true);
        Graph g = optimized(gp, true);
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
        // expand + depthwise only: two eligible convolutions, not worth two reorders
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
}
