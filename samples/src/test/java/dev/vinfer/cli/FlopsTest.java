package dev.vinfer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import static dev.vinfer.testdata.Models.intsAttr;
import static dev.vinfer.testdata.Models.node;
import static dev.vinfer.testdata.Models.tensorInfo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.Vinfer;
import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.ops.conv.NchwcStemPoolOp;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.testdata.Models;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link Flops} of a fused node (Conv+Concat, an inverted bottleneck, a stem and its pool) equals the sum of its
 * convolutions.
 */
class FlopsTest {

    @Test
    void convConcatCountsEachConvolution() {
        Tensor x = Tensor.zeros(DType.FLOAT32, 1, 16, 13, 13);
        Tensor w1 = Tensor.zeros(DType.FLOAT32, 64, 16, 1, 1);
        Tensor w3 = Tensor.zeros(DType.FLOAT32, 64, 16, 3, 3);
        Tensor b = Tensor.zeros(DType.FLOAT32, 64);
        double one = Flops.of("Conv+Relu", new Tensor[] {x, w1, b},
                new Tensor[] {Tensor.zeros(DType.FLOAT32, 1, 64, 13, 13)});
        double three = Flops.of("Conv+Relu", new Tensor[] {x, w3, b},
                new Tensor[] {Tensor.zeros(DType.FLOAT32, 1, 64, 13, 13)});
        double fused = Flops.of("Conv+Relu+Concat", new Tensor[] {x, w1, b, x, w3, null},
                new Tensor[] {Tensor.zeros(DType.FLOAT32, 1, 128, 13, 13)});
        assertEquals(2.0 * 169 * 64 * 16, one);
        assertEquals(one + three, fused);
    }

    @Test
    void blockedOutputsCountPositionsNotPaddingLanes() {
        // SqueezeNet's fire module, blocked: 16 -> 64 (1x1) and 16 -> 64 (3x3) into [1, 8, 13, 13, 16]
        Tensor x = Tensor.zeros(DType.FLOAT32, 1, 1, 13, 13, 16);
        Tensor w1 = Tensor.zeros(DType.FLOAT32, 64, 16, 1, 1);
        Tensor w3 = Tensor.zeros(DType.FLOAT32, 64, 16, 3, 3);
        double fused = Flops.of("Conv+Relu+Concat", new Tensor[] {x, w1, null, x, w3, null},
                new Tensor[] {Tensor.zeros(DType.FLOAT32, 1, 8, 13, 13, 16)});
        assertEquals(2.0 * 169 * 64 * 16 * (1 + 9), fused);
        // its classifier, 512 -> 1000 (1x1) written as 63 blocks of 16: the 8 padding lanes are not counted
        Tensor wc = Tensor.zeros(DType.FLOAT32, 1000, 512, 1, 1);
        double classifier = Flops.of("Conv+Relu", new Tensor[] {Tensor.zeros(DType.FLOAT32, 1, 32, 13, 13, 16), wc,
            null}, new Tensor[] {Tensor.zeros(DType.FLOAT32, 1, 63, 13, 13, 16)});
        assertEquals(2.0 * 169 * 1000 * 512, classifier);
    }

    @Test
    void bottleneckCountsExpansionDepthwiseAndProjection() {
        // blocked tensors: 24 -> 144 (1x1) on 14x14, depthwise 3x3 stride 2 to 7x7, 144 -> 32 (1x1)
        Tensor x = Tensor.zeros(DType.FLOAT32, 1, 2, 14, 14, 16);
        Tensor we = Tensor.zeros(DType.FLOAT32, 144, 24, 1, 1);
        Tensor wd = Tensor.zeros(DType.FLOAT32, 144, 1, 3, 3);
        Tensor wp = Tensor.zeros(DType.FLOAT32, 32, 144, 1, 1);
        Tensor y = Tensor.zeros(DType.FLOAT32, 1, 2, 7, 7, 16);
        double all = Flops.of("Conv+Clip>Conv+Clip>Conv", new Tensor[] {x, we, null, wd, null, wp, null},
                new Tensor[] {y});
        assertEquals(2.0 * 196 * 144 * 24 + 2.0 * 49 * 144 * 9 + 2.0 * 49 * 32 * 144, all);
        double noExpansion = Flops.of("Conv+Clip>Conv", new Tensor[] {x, null, null, wd, null, wp, null},
                new Tensor[] {y});
        assertEquals(2.0 * 49 * 144 * 9 + 2.0 * 49 * 32 * 144, noExpansion);
    }

    /**
     * A blocked stem and its max pool as one node: the stem's multiply-adds on the stem's own output (19x19 here),
     * not on the pooled output the node writes (10x10).
     */
    @Test
    void stemAndPoolCountTheStemOnItsOwnOutput() {
        GraphProto g = GraphProto.newBuilder().setName("stem-pool")
                .addInput(tensorInfo("x", DType.FLOAT32, 1, 3, 37, 37))
                .addInitializer(initializer("ws", 64, 3, 7, 7))
                .addInitializer(initializer("w1", 128, 64, 1, 1))
                .addNode(node("Conv", new String[] {"x", "ws"}, new String[] {"c"}, intsAttr("pads", 3, 3, 3, 3),
                        intsAttr("strides", 2, 2)))
                .addNode(node("Relu", new String[] {"c"}, new String[] {"r"}))
                .addNode(node("MaxPool", new String[] {"r"}, new String[] {"p"}, intsAttr("kernel_shape", 3, 3),
                        intsAttr("strides", 2, 2), intsAttr("pads", 1, 1, 1, 1)))
                .addNode(node("Conv", new String[] {"p", "w1"}, new String[] {"y"}))
                .addOutput(tensorInfo("y", DType.FLOAT32, 1, 128, 10, 10)).build();
        double[] stem = {-1};
        try (Session s = Vinfer.open(Models.model(g, 13).toByteArray(), new SessionOptions().threads(1))) {
            s.run(Map.of("x", Tensor.zeros(DType.FLOAT32, 1, 3, 37, 37)), t -> {
                if (t.node().op() instanceof NchwcStemPoolOp) {
                    stem[0] = Flops.of(t.node().op(), t.inputs(), t.outputs());
                }
            });
        }
        assertTrue(stem[0] >= 0, "no stem+pool node in the optimized graph");
        assertEquals(2.0 * 19 * 19 * 64 * 3 * 49, stem[0]);
    }

    private static dev.vinfer.onnx.proto.OnnxIr.TensorProto initializer(String name, long... dims) {
        dev.vinfer.onnx.proto.OnnxIr.TensorProto.Builder t = dev.vinfer.onnx.proto.OnnxIr.TensorProto.newBuilder()
                .setName(name).setDataType(1);
        long n = 1;
        for (long d : dims) {
            t.addDims(d);
            n *= d;
        }
        for (long i = 0; i < n; i++) {
            t.addFloatData((float) Math.sin(i));
        }
        return t.build();
    }
}
