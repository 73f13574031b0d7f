package dev.vinfer.passes;

import static dev.vinfer.passes.ChannelBlockedChainsTest.TOLERANCE;
import static dev.vinfer.passes.ChannelBlockedChainsTest.count;
import static dev.vinfer.passes.ChannelBlockedChainsTest.optimized;
import static dev.vinfer.passes.ChannelBlockedChainsTest.restore;
import static dev.vinfer.passes.PassTesting.assertSameOutputs;
import static dev.vinfer.passes.PassTesting.initializer;
import static dev.vinfer.passes.PassTesting.random;
import static dev.vinfer.passes.PassTesting.run;
import static dev.vinfer.testdata.Models.floatAttr;
import static dev.vinfer.testdata.Models.node;
import static dev.vinfer.testdata.Models.tensorInfo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code pointwise-mean-fusion}: a blocked 1x1 convolution and the GlobalAveragePool that alone reads it run as one
 * node ({@code nchwc_pointwise_mean}) and give what the NCHW graph gives, and what the two blocked nodes give;
 * a plane past the kernel's limit runs the two steps inside the node; a convolution whose output something else
 * reads stays apart.
 */
class PointwiseMeanFusionTest {
    /**
     * A classifier tail: x [n, c, hw, hw] -> 1x1 (c) + Relu -> 1x1 (c) + Relu -> 1x1 (m) + activation (relu,
     * relu6, leaky or none), with {@code residual} the Add of the second 1x1's output first (m = c then) ->
     * GlobalAveragePool -> y [n, m, 1, 1]; with {@code tap} the last 1x1's output is also a graph output.
     */
    private static GraphProto tail(long seed, int n, int c, int m, int hw, String act, boolean residual,
            boolean tap) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("pooled-tail")
                .addInput(tensorInfo("x", DType.FLOAT32, n, c, hw, hw))
                .addInitializer(initializer("w0", random(seed, c, c, 1, 1)))
                .addInitializer(initializer("w1", random(seed + 1, c, c, 1, 1)))
                .addInitializer(initializer("b1", random(seed + 2, c)))
                .addInitializer(initializer("w2", random(seed + 3, m, c, 1, 1)))
                .addInitializer(initializer("b2", random(seed + 4, m)))
                .addInitializer(initializer("lo", Tensor.scalar(0f)))
                .addInitializer(initializer("hi", Tensor.scalar(6f)))
                .addNode(node("Conv", new String[] {"x", "w0"}, new String[] {"c0"}))
                .addNode(node("Relu", new String[] {"c0"}, new String[] {"r0"}))
                .addNode(node("Conv", new String[] {"r0", "w1", "b1"}, new String[] {"c1"}))
                .addNode(node("Relu", new String[] {"c1"}, new String[] {"r1"}))
                .addNode(node("Conv", new String[] {"r1", "w2", "b2"}, new String[] {"c2"}));
        String last = "c2";
        if (residual) {
            g.addNode(node("Add", new String[] {"c2", "r1"}, new String[] {"s2"}));
            last = "s2";
        }
        switch (act) {
            case "relu" -> g.addNode(node("Relu", new String[] {last}, new String[] {"a2"}));
            case "relu6" -> g.addNode(node("Clip", new String[] {last, "lo", "hi"}, new String[] {"a2"}));
            // applied by a pass over the output after the kernel (not a clamp in its registers)
            case "leaky" -> g.addNode(node("LeakyRelu", new String[] {last}, new String[] {"a2"},
                    floatAttr("alpha", 0.1f)));
            default -> g.addNode(node("Identity", new String[] {last}, new String[] {"a2"}));
        }
        g.addNode(node("GlobalAveragePool", new String[] {"a2"}, new String[] {"y"}))
                .addOutput(tensorInfo("y", DType.FLOAT32, n, m, 1, 1));
        if (tap) {
            g.addOutput(tensorInfo("a2", DType.FLOAT32, n, m, hw, hw));
        }
        return g.build();
    }

    @Test
    void convolutionAndPoolRunAsOneNode() {
        // {n, c, m, hw, residual}
        int[][] cases = {{1, 64, 1000, 13, 0}, {2, 48, 40, 7, 0}, {1, 32, 32, 9, 1}, {2, 40, 40, 13, 1},
            {1, 32, 17, 1, 0}};
        // a residual Add fuses with a Relu after it, not with a LeakyRelu or a Clip
        String[] acts = {"relu", "leaky", "relu", "none", "relu6"};
        for (int i = 0; i < cases.length; i++) {
            int[] c = cases[i];
            long seed = 11000 + 10 * i;
            String act = acts[i % acts.length];
            GraphProto gp = tail(seed, c[0], c[1], c[2], c[3], act, c[4] == 1, false);
            Graph fused = optimized(gp, "all");
            String what = "seed=" + seed + " " + java.util.Arrays.toString(c) + " " + act + "\n" + fused;
            assertEquals(1, count(fused, "nchwc_pointwise_mean"::equals), what);
            assertEquals(0, fused.nodes().stream().filter(nd -> nd.op().opType().equals("GlobalAveragePool"))
                    .count(), what);
            Map<String, Tensor> feed = Map.of("x", random(seed + 9, c[0], c[1], c[3], c[3]));
            Graph apart = apart(gp);
            assertEquals(0, count(apart, "nchwc_pointwise_mean"::equals), apart.toString());
            try {
                // the same kernel sums and the same average: bit for bit the two nodes' output
                assertSameOutputs(run(apart, feed), run(fused, feed), 0);
                assertSameOutputs(run(optimized(gp, false), feed), run(fused, feed), TOLERANCE);
            } catch (AssertionError e) {
                throw new AssertionError(what + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * A fully-convolutional tail whose plane is not fixed: one session sees a plane the fused kernel runs (13x13)
     * and one past its limit (40x40, 1600 positions), which runs the convolution and the pool one after the other
     * inside the node; both match the NCHW graph.
     */
    @Test
    void aPlanePastTheLimitRunsInTwoSteps() {
        GraphProto fixed = tail(11100, 1, 32, 48, 13, "relu", false, false);
        GraphProto dynamic = fixed.toBuilder().clearInput().clearOutput()
                .addInput(tensorInfo("x", DType.FLOAT32, 1, 32, -1, -1))
                .addOutput(tensorInfo("y", DType.FLOAT32, 1, 48, 1, 1)).build();
        Graph fused = optimized(dynamic, "all");
        assertEquals(1, fused.nodes().stream().filter(nd -> nd.op().opType().endsWith(">GlobalAveragePool"))
                .count(), fused.toString());
        Graph nchw = optimized(dynamic, false);
        try (Session s = new Session(fused, PassTesting.OPTIONS)) {
            for (int hw : new int[] {13, 40, 13}) {
                Map<String, Tensor> feed = Map.of("x", random(11100 + hw, 1, 32, hw, hw));
                try {
                    assertSameOutputs(run(nchw, feed), s.run(feed), TOLERANCE);
                } catch (AssertionError e) {
                    throw new AssertionError(hw + "x" + hw + ": " + e.getMessage(), e);
                }
            }
        }
    }

    /** The convolution's output also read elsewhere (a graph output here): no fusion, the same results. */
    @Test
    void aConvolutionReadElsewhereStaysApart() {
        GraphProto gp = tail(11200, 1, 32, 40, 9, "none", false, true);
        Graph g = optimized(gp, "all");
        assertEquals(0, count(g, "nchwc_pointwise_mean"::equals), g.toString());
        Map<String, Tensor> feed = Map.of("x", random(11209, 1, 32, 9, 9));
        assertSameOutputs(run(optimized(gp, false), feed), run(g, feed), TOLERANCE);
    }

    /** With {@code -Dvinfer.nchwc.pointwiseMean=false}: the two blocked nodes. */
    private static Graph apart(GraphProto gp) {
        String before = System.getProperty("vinfer.nchwc.pointwiseMean");
        System.setProperty("vinfer.nchwc.pointwiseMean", "false");
        try {
            return optimized(gp, "all");
        } finally {
            restore("vinfer.nchwc.pointwiseMean", before);
        }
    }
}
