package dev.vinfer.quantization.exec;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.onnx.OnnxModel;
import dev.vinfer.onnx.TensorProtos;
import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.Optimizer;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.testdata.Models;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A QOperator-form QLinearConv with constant weights (per tensor and per channel, with an int32 bias, explicit and
 * SAME padding, groups) runs as the fast fused op and agrees with the reference QLinearConv op within one step.
 */
class QLinearConvRewriteTest {

    @ParameterizedTest(name = "C{0} M{1} group {2} perChannel={3} autoPad={4}")
    @CsvSource({"8, 16, 1, true, NOTSET", "6, 6, 6, false, SAME_UPPER", "4, 8, 2, true, NOTSET"})
    void fastPathMatchesReference(int c, int m, int group, boolean perChannel, String autoPad) {
        Random r = new Random(c * 100L + m + group);
        GraphProto.Builder g = GraphProto.newBuilder().setName("qlc");
        g.addInput(Models.tensorInfo("x", DType.UINT8, 1, c, 9, 9));
        byte[] w = new byte[m * (c / group) * 9];
        for (int i = 0; i < w.length; i++) {
            w[i] = (byte) (r.nextInt(255) - 127);
        }
        int channels = perChannel ? m : 1;
        float[] ws = new float[channels];
        for (int i = 0; i < channels; i++) {
            ws[i] = 0.002f + r.nextFloat() * 0.004f;
        }
        int[] bias = new int[m];
        for (int i = 0; i < m; i++) {
            bias[i] = r.nextInt(4001) - 2000;
        }
        g.addInitializer(TensorProtos.encode(Tensor.of(new float[] {0.03f}), "xs"));
        g.addInitializer(TensorProtos.encode(Tensor.ofBytes(DType.UINT8, new byte[] {(byte) 100}), "xz"));
        g.addInitializer(TensorProtos.encode(Tensor.ofBytes(DType.INT8, w, m, c / group, 3, 3), "w"));
        g.addInitializer(TensorProtos.encode(perChannel ? Tensor.of(ws, m) : Tensor.of(new float[] {ws[0]}), "ws"));
        g.addInitializer(TensorProtos.encode(perChannel ? Tensor.ofBytes(DType.INT8, new byte[m], m)
                : Tensor.ofBytes(DType.INT8, new byte[1]), "wz"));
        g.addInitializer(TensorProtos.encode(Tensor.of(new float[] {0.05f}), "ys"));
        g.addInitializer(TensorProtos.encode(Tensor.ofBytes(DType.UINT8, new byte[] {(byte) 128}), "yz"));
        g.addInitializer(TensorProtos.encode(Tensor.of(bias, m), "b"));
        var node = Models.node("QLinearConv", new String[] {"x", "xs", "xz", "w", "ws", "wz", "ys", "yz", "b"},
                new String[] {"y"}, Models.intAttr("group", group)).toBuilder();
        if (autoPad.equals("NOTSET")) {
            node.addAttribute(Models.intsAttr("pads", 1, 0, 1, 2));
        } else {
            node.addAttribute(dev.vinfer.onnx.proto.OnnxIr.AttributeProto.newBuilder().setName("auto_pad")
                    .setType(dev.vinfer.onnx.proto.OnnxIr.AttributeProto.AttributeType.STRING)
                    .setS(com.google.protobuf.ByteString.copyFromUtf8(autoPad)));
        }
        g.addNode(node);
        g.addOutput(Models.tensorInfo("y", DType.UINT8));
        OnnxModel model = OnnxModel.fromBytes(Models.model(g.build(), 13).toByteArray(), null);
        SessionOptions so = new SessionOptions().threads(1);
        Graph fast = Optimizer.standard().optimize(model.toGraph(so), so);
        assertTrue(fast.nodes().get(0).op() instanceof QConvOp, "rewritten:\n" + fast);
        List<dev.vinfer.runtime.GraphPass> others = Optimizer.standard().passes().stream()
                .filter(p -> !(p instanceof QdqFusionPass)).toList();
        Graph slow = new Optimizer(others).optimize(model.toGraph(so), so);
        byte[] x = new byte[c * 81];
        r.nextBytes(x);
        Map<String, Tensor> in = Map.of("x", Tensor.ofBytes(DType.UINT8, x, 1, c, 9, 9));
        try (Session a = new Session(fast, so); Session b = new Session(slow, so)) {
            Tensor ya = a.run(in).get("y");
            Tensor yb = b.run(in).get("y");
            assertTrue(java.util.Arrays.equals(ya.shape(), yb.shape()), "shape");
            int exact = 0;
            for (int i = 0; i < ya.size(); i++) {
                int d = Math.abs((int) ya.getLong(i) - (int) yb.getLong(i));
                assertTrue(d <= 1, "element " + i + " differs by " + d);
                exact += d == 0 ? 1 : 0;
            }
            assertTrue(exact >= 0.98 * ya.size(), exact + " of " + ya.size());
        }
    }
}
