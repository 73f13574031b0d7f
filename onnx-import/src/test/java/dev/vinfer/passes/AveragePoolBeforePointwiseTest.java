package dev.vinfer.passes;

import static dev.vinfer.passes.PassTesting.assertSameOutputs;
import static dev.vinfer.passes.PassTesting.initializer;
import static dev.vinfer.passes.PassTesting.load;
import static dev.vinfer.passes.PassTesting.ops;
import static dev.vinfer.passes.PassTesting.pass;
import static dev.vinfer.passes.PassTesting.random;
import static dev.vinfer.passes.PassTesting.run;
import static dev.vinfer.testdata.Models.intsAttr;
import static dev.vinfer.testdata.Models.node;
import static dev.vinfer.testdata.Models.tensorInfo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vinfer.onnx.proto.OnnxIr.AttributeProto;
import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Graph;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code avgpool-before-pointwise}: a 1x1 convolution followed by an average pool of whole windows (DenseNet's
 * transition) runs as the pool, then the convolution on the pooled positions, and gives what the two in their order
 * give (seeded inputs, odd planes, batch 2, bias and none); pools with padding, ceil rounding or stride 1, a
 * convolution with an activation or a second reader, and a strided or 3x3 convolution keep their order.
 */
class AveragePoolBeforePointwiseTest {
    /** Relative to the output scale: the same sums in another order. */
    private static final double TOLERANCE = 1e-6;

    /** x [n, c, h, w] -> Conv 1x1 (c -> m, bias if asked, {@code convAttrs}) [-> Relu] -> AveragePool -> y. */
    private static GraphProto transition(long seed, int n, int c, int m, int h, int w, boolean bias, boolean relu,
            boolean tap, int k, AttributeProto[] convAttrs, AttributeProto... poolAttrs) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("transition")
                .addInput(tensorInfo("x", DType.FLOAT32, n, c, h, w))
                .addInitializer(initializer("w", random(seed, m, c, k, k)))
                .addInitializer(initializer("b", random(seed + 1, m)))
                .addNode(node("Conv", bias ? new String[] {"x", "w", "b"} : new String[] {"x", "w"},
                        new String[] {"c"}, convAttrs));
        String pooled = "c";
        if (relu) {
            g.addNode(node("Relu", new String[] {"c"}, new String[] {"r"}));
            pooled = "r";
        }
        g.addNode(node("AveragePool", new String[] {pooled}, new String[] {"y"}, poolAttrs))
                .addOutput(tensorInfo("y", DType.FLOAT32));
        if (tap) {
            g.addOutput(tensorInfo("c", DType.FLOAT32));
        }
        return g.build();
    }

    private static AttributeProto[] pool(int k, int s) {
        return new AttributeProto[] {intsAttr("kernel_shape", k, k), intsAttr("strides", s, s)};
    }

    private static Graph swapped(GraphProto gp) {
        return pass("avgpool-before-pointwise").apply(load(gp, 13), PassTesting.OPTIONS);
    }

    @Test
    void aTransitionRunsThePoolFirstAndGivesTheSameOutput() {
        int[][] cases = {{32, 16, 8, 8, 2, 2}, {24, 40, 9, 7, 2, 2}, {16, 8, 11, 11, 3, 2}, {8, 5, 6, 9, 3, 3}};
        for (int i = 0; i < cases.length; i++) {
            int[] s = cases[i];
            long seed = 3100 + 10 * i;
            int n = i % 2 == 0 ? 1 : 2;
            boolean bias = i != 2;
            GraphProto gp = transition(seed, n, s[0], s[1], s[2], s[3], bias, false, false, 1, new AttributeProto[0],
                    pool(s[4], s[5]));
            Graph g = swapped(gp);
            String what = "seed=" + seed + " " + java.util.Arrays.toString(s) + "\n" + g;
            assertEquals(List.of("AveragePool", "Conv"), ops(g), what);
            Map<String, dev.vinfer.runtime.Tensor> feed = Map.of("x", random(seed + 5, n, s[0], s[2], s[3]));
            Graph plain = load(gp, 13);
            try {
                assertSameOutputs(run(plain, feed), run(g, feed), TOLERANCE);
                // and through every pass, blocked where it pays
                assertSameOutputs(run(plain, feed), run(PassTesting.optimizeAll(load(gp, 13)), feed), 2e-5);
            } catch (AssertionError e) {
                throw new AssertionError(what + ": " + e.getMessage(), e);
            }
        }
    }

    @Test
    void otherPoolsAndConvolutionsKeepTheirOrder() {
        AttributeProto[] none = new AttributeProto[0];
        List<GraphProto> kept = List.of(
                // padding, ceil rounding, stride 1
                transition(1, 1, 16, 8, 8, 8, true, false, false, 1, none, intsAttr("kernel_shape", 2, 2),
                        intsAttr("strides", 2, 2), intsAttr("pads", 1, 1, 1, 1)),
                transition(2, 1, 16, 8, 9, 9, true, false, false, 1, none, intsAttr("kernel_shape", 2, 2),
                        intsAttr("strides", 2, 2), dev.vinfer.testdata.Models.intAttr("ceil_mode", 1)),
                transition(3, 1, 16, 8, 8, 8, true, false, false, 1, none, pool(2, 1)),
                // an activation between, a second reader of the conv output, a 3x3 or strided convolution
                transition(4, 1, 16, 8, 8, 8, true, true, false, 1, none, pool(2, 2)),
                transition(5, 1, 16, 8, 8, 8, true, false, true, 1, none, pool(2, 2)),
                transition(6, 1, 16, 8, 8, 8, true, false, false, 3, new AttributeProto[] {intsAttr("pads", 1, 1, 1,
                        1)}, pool(2, 2)),
                transition(7, 1, 16, 8, 8, 8, true, false, false, 1, new AttributeProto[] {intsAttr("strides", 2,
                        2)}, pool(2, 2)));
        for (GraphProto gp : kept) {
            Graph g = swapped(gp);
            assertEquals("Conv", ops(g).get(0), g.toString());
        }
        String before = System.getProperty("vinfer.poolBeforePointwise");
        System.setProperty("vinfer.poolBeforePointwise", "false");
        try {
            Graph g = swapped(transition(8, 1, 16, 8, 8, 8, true, false, false, 1, new AttributeProto[0], pool(2, 2)));
            assertEquals(List.of("Conv", "AveragePool"), ops(g), g.toString());
        } finally {
            ChannelBlockedChainsTest.restore("vinfer.poolBeforePointwise", before);
        }
    }
}
