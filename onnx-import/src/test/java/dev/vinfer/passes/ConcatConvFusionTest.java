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

import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code concat-conv-fusion}: a SqueezeNet fire module (squeeze 1x1, then 1x1 and 3x3 expands joined by Concat) and
 * its variants, the whole optimized graph with and without the pass on seeded random inputs (the seed is in each
 * message): batch 1 (convolutions written into their channel slices) and batch 3 (the per-image copy), a conv
 * without bias, in the planned arena over several runs; and the cases the pass must leave alone.
 */
class ConcatConvFusionTest {

    /**
     * x [n, c, h, w] -> squeeze 1x1 (s channels) + Relu -> expand 1x1 (e1) + Relu and expand 3x3 pad 1 (e3) + Relu
     * -> Concat(axis) -> y; {@code extraReader} makes the 1x1 expand's output also an input of an Add.
     */
    private static GraphProto fire(long seed, int n, int c, int s, int e1, int e3, int hw, boolean bias1,
            int axis, boolean extraReader) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("fire")
                .addInput(tensorInfo("x", DType.FLOAT32, n, c, hw, hw))
                .addInitializer(initializer("ws", random(seed, s, c, 1, 1)))
                .addInitializer(initializer("bs", random(seed + 1, s)))
                .addInitializer(initializer("w1", random(seed + 2, e1, s, 1, 1)))
                .addInitializer(initializer("b1", random(seed + 3, e1)))
                .addInitializer(initializer("w3", random(seed + 4, e3, s, 3, 3)))
                .addInitializer(initializer("b3", random(seed + 5, e3)))
                .addNode(node("Conv", new String[] {"x", "ws", "bs"}, new String[] {"sc"}))
                .addNode(node("Relu", new String[] {"sc"}, new String[] {"sq"}))
                .addNode(node("Conv", bias1 ? new String[] {"sq", "w1", "b1"} : new String[] {"sq", "w1"},
                        new String[] {"c1"}))
                .addNode(node("Relu", new String[] {"c1"}, new String[] {"r1"}))
                .addNode(node("Conv", new String[] {"sq", "w3", "b3"}, new String[] {"c3"},
                        intsAttr("pads", 1, 1, 1, 1)))
                .addNode(node("Relu", new String[] {"c3"}, new String[] {"r3"}))
                .addNode(node("Concat", new String[] {"r1", "r3"}, new String[] {extraReader ? "cat" : "y"},
                        intAttr("axis", axis)));
        if (extraReader) {
            g.addNode(node("Add", new String[] {"r1", "r1"}, new String[] {"twice"}))
                    .addNode(node("Identity", new String[] {"cat"}, new String[] {"y"}))
                    .addOutput(tensorInfo("twice", DType.FLOAT32, n, e1, hw, hw));
        }
        return g.addOutput(axis == 1 ? tensorInfo("y", DType.FLOAT32, n, e1 + e3, hw, hw)
                : tensorInfo("y", DType.FLOAT32, n, e1, 2 * hw, hw)).build();
    }

    private static Graph fused(GraphProto gp) {
        return PassTesting.optimizeAll(load(gp, 13));
    }

    private static Graph unfused(GraphProto gp) {
        Graph g = load(gp, 13);
        for (String p : new String[] {"static-shapes", "identity-elimination", "activation-fusion"}) {
            g = PassTesting.pass(p).apply(g, PassTesting.OPTIONS);
        }
        return g;
    }

    @Test
    void fireModuleFusesAndMatches() {
        for (long seed = 9100; seed < 9106; seed++) {
            int n = seed % 2 == 0 ? 1 : 3;
            int hw = 5 + (int) (seed % 4) * 2; // 5..11: odd planes
            GraphProto gp = fire(seed, n, 8, 4 + (int) (seed % 3), 6 + (int) (seed % 5), 10, hw, seed % 3 != 0, 1,
                    false);
            Graph f = fused(gp);
            assertEquals(List.of("Conv+Relu", "Conv+Relu+Concat"), ops(f), "seed=" + seed + "\n" + f);
            Map<String, Tensor> feed = Map.of("x", random(seed + 50, n, 8, hw, hw));
            // Each convolution computes exactly what it computed alone; only where it is written differs.
            try {
                assertSameOutputs(run(unfused(gp), feed), run(f, feed), 0);
            } catch (AssertionError e) {
                throw new AssertionError("seed=" + seed + " batch " + n + " plane " + hw + ": " + e.getMessage(), e);
            }
        }
    }

    @Test
    void fusedModuleRunsInThePlannedArena() {
        GraphProto gp = fire(9200, 1, 16, 8, 16, 16, 13, true, 1, false);
        Graph g = fused(gp);
        try (Session s = new Session(g, PassTesting.OPTIONS);
                Session fresh = new Session(g, PassTesting.OPTIONS.clone().memoryPlan(false))) {
            for (int r = 0; r < 3; r++) {
                Map<String, Tensor> feed = Map.of("x", random(9201 + r, 1, 16, 13, 13));
                assertSameOutputs(run(unfused(gp), feed), s.run(feed), 0);
                assertSameOutputs(fresh.run(feed), s.run(feed), 0);
            }
        }
    }

    @Test
    void otherAxesAndSharedOutputsAreLeftAlone() {
        GraphProto onH = fire(9300, 1, 8, 4, 6, 6, 7, true, 2, false);
        // (axis 2 joins along H: different channel counts would not fit, so use equal ones)
        assertEquals(List.of("Conv+Relu", "Conv+Relu", "Conv+Relu", "Concat"), ops(fused(onH)));
        Map<String, Tensor> feed = Map.of("x", random(9301, 1, 8, 7, 7));
        assertSameOutputs(run(unfused(onH), feed), run(fused(onH), feed), 0);
        GraphProto shared = fire(9302, 1, 8, 4, 6, 10, 7, true, 1, true);
        List<String> after = ops(fused(shared));
        assertEquals(true, after.contains("Concat"), after.toString());
        assertSameOutputs(run(unfused(shared), feed), run(fused(shared), feed), 0);
    }
}
