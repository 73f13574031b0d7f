package dev.vinfer.passes;

import static dev.vinfer.passes.PassTesting.assertSameOutputs;
import static dev.vinfer.passes.PassTesting.initializer;
import static dev.vinfer.passes.PassTesting.load;
import static dev.vinfer.passes.PassTesting.ops;
import static dev.vinfer.passes.PassTesting.optimizeAll;
import static dev.vinfer.passes.PassTesting.pass;
import static dev.vinfer.passes.PassTesting.random;
import static dev.vinfer.passes.PassTesting.run;
import static dev.vinfer.testdata.Models.floatAttr;
import static dev.vinfer.testdata.Models.intAttr;
import static dev.vinfer.testdata.Models.intsAttr;
import static dev.vinfer.testdata.Models.node;
import static dev.vinfer.testdata.Models.tensorInfo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.Value;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** BatchNormalization folded into the Conv or Gemm before it: graph before/after and equal outputs. */
class BatchNormFoldingTest {

    /** Positive variances (0.5..1.5) so the normalization is well conditioned, as in trained models. */
    private static GraphProto.Builder bnParams(GraphProto.Builder g, String prefix, int c, long seed) {
        Random r = new Random(seed);
        float[] var = new float[c];
        for (int i = 0; i < c; i++) {
            var[i] = 0.5f + r.nextFloat();
        }
        return g.addInitializer(initializer(prefix + "scale", random(seed + 1, c)))
                .addInitializer(initializer(prefix + "bias", random(seed + 2, c)))
                .addInitializer(initializer(prefix + "mean", random(seed + 3, c)))
                .addInitializer(initializer(prefix + "var", Tensor.of(var, c)));
    }

    private static String[] bnInputs(String x, String prefix) {
        return new String[] {x, prefix + "scale", prefix + "bias", prefix + "mean", prefix + "var"};
    }

    @Test
    void convBatchNormReluBecomesOneConv() {
        for (boolean withBias : new boolean[] {true, false}) {
            GraphProto.Builder b = GraphProto.newBuilder().setName("g")
                    .addInput(tensorInfo("x", DType.FLOAT32, 2, 3, 7, 7))
                    .addInitializer(initializer("w", random(1, 5, 3, 3, 3)))
                    .addInitializer(initializer("b", random(2, 5)));
            bnParams(b, "bn_", 5, 10);
            GraphProto gp = b.addNode(node("Conv", withBias ? new String[] {"x", "w", "b"} : new String[] {"x", "w"},
                            new String[] {"c"}, intsAttr("strides", 2, 2), intsAttr("pads", 1, 1, 1, 1)))
                    .addNode(node("BatchNormalization", bnInputs("c", "bn_"), new String[] {"n"},
                            floatAttr("epsilon", 1e-3f)))
                    .addNode(node("Relu", new String[] {"n"}, new String[] {"y"}))
                    .addOutput(tensorInfo("y", DType.FLOAT32, 2, 5, 4, 4)).build();
            Graph g = load(gp, 15);
            assertEquals(List.of("Conv", "BatchNormalization", "Relu"), ops(g));
            Graph folded = pass("batchnorm-folding").apply(load(gp, 15), PassTesting.OPTIONS);
            assertEquals(List.of("Conv", "Relu"), ops(folded), folded.toString());
            Graph all = optimizeAll(load(gp, 15));
            assertEquals(List.of("Conv+Relu"), ops(all), all.toString());
            for (Value v : all.values()) {
                assertTrue(!v.name().startsWith("bn_") && !v.name().equals("w"), "folded-away constant kept: " + v);
            }
            Map<String, Tensor> feed = Map.of("x", random(3, 2, 3, 7, 7));
            // Weights scaled in double and rounded once: a few float ulps of the output scale, K = 27.
            assertSameOutputs(run(g, feed), run(all, feed), 1e-5);
        }
    }

    @Test
    void gemmBatchNormFolds() {
        GraphProto.Builder b = GraphProto.newBuilder().setName("g").addInput(tensorInfo("a", DType.FLOAT32, 3, 6))
                .addInitializer(initializer("w", random(20, 4, 6))).addInitializer(initializer("c", random(21, 1, 4)));
        bnParams(b, "bn_", 4, 22);
        GraphProto gp = b.addNode(node("Gemm", new String[] {"a", "w", "c"}, new String[] {"t"}, intAttr("transB", 1),
                        floatAttr("alpha", 0.7f), floatAttr("beta", 1.5f)))
                .addNode(node("BatchNormalization", bnInputs("t", "bn_"), new String[] {"y"}))
                .addOutput(tensorInfo("y", DType.FLOAT32, 3, 4)).build();
        Graph g = load(gp, 15);
        Graph folded = pass("batchnorm-folding").apply(load(gp, 15), PassTesting.OPTIONS);
        assertEquals(List.of("Gemm"), ops(folded), folded.toString());
        Map<String, Tensor> feed = Map.of("a", random(23, 3, 6));
        assertSameOutputs(run(g, feed), run(folded, feed), 1e-5);
    }

    @Test
    void notFoldedWhenTheConvOutputIsReadElsewhereOrTheBatchNormTrains() {
        GraphProto.Builder b = GraphProto.newBuilder().setName("g").addInput(tensorInfo("x", DType.FLOAT32, 1, 2, 4, 4))
                .addInitializer(initializer("w", random(30, 2, 2, 1, 1)));
        bnParams(b, "bn_", 2, 31);
        GraphProto shared = b.clone().addNode(node("Conv", new String[] {"x", "w"}, new String[] {"c"}))
                .addNode(node("BatchNormalization", bnInputs("c", "bn_"), new String[] {"n"}))
                .addNode(node("Add", new String[] {"n", "c"}, new String[] {"y"}))
                .addOutput(tensorInfo("y", DType.FLOAT32, 1, 2, 4, 4)).build();
        assertEquals(List.of("Conv", "BatchNormalization", "Add"),
                ops(pass("batchnorm-folding").apply(load(shared, 15), PassTesting.OPTIONS)));
        GraphProto training = b.clone().addNode(node("Conv", new String[] {"x", "w"}, new String[] {"c"}))
                .addNode(node("BatchNormalization", bnInputs("c", "bn_"), new String[] {"y"},
                        intAttr("training_mode", 1)))
                .addOutput(tensorInfo("y", DType.FLOAT32, 1, 2, 4, 4)).build();
        Graph t = load(training, 15);
        Graph h = pass("batchnorm-folding").apply(load(training, 15), PassTesting.OPTIONS);
        assertEquals(List.of("Conv", "BatchNormalization"), ops(h));
        Map<String, Tensor> feed = Map.of("x", random(32, 1, 2, 4, 4));
        assertSameOutputs(run(t, feed), run(h, feed), 0);
    }
}
