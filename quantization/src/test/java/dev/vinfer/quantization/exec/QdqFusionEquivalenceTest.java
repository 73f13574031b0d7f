package dev.vinfer.quantization.exec;

import static dev.vinfer.testdata.Models.intAttr;
import static dev.vinfer.testdata.Models.intsAttr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.onnx.OnnxModel;
import dev.vinfer.onnx.TensorProtos;
import dev.vinfer.onnx.proto.OnnxIr.AttributeProto;
import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.GraphPass;
import dev.vinfer.runtime.Optimizer;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.testdata.Models;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A QDQ graph covering every fused pattern (Conv+Relu with per-channel weights and int32 bias, Conv per tensor, Add,
 * MaxPool, Concat with requantization, Reshape, MatMul, Gemm with transB and a float bias) run with and without the fusion
 * pass: the quantized outputs must agree to within one quantization step, almost all exactly.
 */
class QdqFusionEquivalenceTest {
    private final GraphProto.Builder g = GraphProto.newBuilder().setName("qdq");
    private final Random rnd = new Random(5);

    @Test
    void fusedEqualsUnfused() {
        g.addInput(Models.tensorInfo("x", DType.FLOAT32, 1, 4, 8, 8));
        String a = qdq("x", 0.03f, 128);
        String w1 = weights("w1", new int[] {8, 4, 1, 1}, true);
        String b1 = bias("b1", 8, 0.03f * 0.01f);
        g.addNode(Models.node("Conv", new String[] {a, w1, b1}, new String[] {"c1"}).toBuilder().setName("conv1"));
        g.addNode(Models.node("Relu", new String[] {"c1"}, new String[] {"r1"}).toBuilder().setName("relu1"));
        String r1 = qdq("r1", 0.02f, 0);
        String w2 = weights("w2", new int[] {8, 8, 3, 3}, false);
        g.addNode(Models.node("Conv", new String[] {r1, w2}, new String[] {"c2"}, intsAttr("pads", 1, 1, 1, 1))
                .toBuilder().setName("conv2"));
        String c2 = qdq("c2", 0.05f, 120);
        g.addNode(Models.node("Add", new String[] {c2, r1}, new String[] {"s"}).toBuilder().setName("add"));
        String s = qdq("s", 0.06f, 110);
        g.addNode(Models.node("MaxPool", new String[] {r1}, new String[] {"mp"}, intsAttr("kernel_shape", 3, 3),
                intsAttr("pads", 1, 1, 1, 1)).toBuilder().setName("maxpool"));
        String mp = qdq("mp", 0.02f, 0);
        g.addNode(Models.node("Concat", new String[] {s, mp}, new String[] {"cat"}, intAttr("axis", 1)).toBuilder()
                .setName("concat"));
        String cat = qdq("cat", 0.07f, 100);
        g.addInitializer(TensorProtos.encode(Tensor.of(new long[] {1, 1024}, 2), "shape"));
        g.addNode(Models.node("Reshape", new String[] {cat, "shape"}, new String[] {"flat"}).toBuilder()
                .setName("reshape"));
        String flat = qdq("flat", 0.07f, 100);
        String wm = weights("wm", new int[] {1024, 10}, false);
        g.addNode(Models.node("MatMul", new String[] {flat, wm}, new String[] {"mm"}).toBuilder().setName("matmul"));
        String mm = qdq("mm", 0.5f, 128);
        String wg = weights("wg", new int[] {5, 10}, false);
        float[] cg = new float[5];
        for (int i = 0; i < 5; i++) {
            cg[i] = (float) rnd.nextGaussian();
        }
        g.addInitializer(TensorProtos.encode(Tensor.of(cg, 5), "cg"));
        g.addNode(Models.node("Gemm", new String[] {mm, wg, "cg"}, new String[] {"gm"}, intAttr("transB", 1))
                .toBuilder().setName("gemm"));
        String out = qdq("gm", 0.1f, 128);
        g.addNode(Models.node("Identity", new String[] {out}, new String[] {"y"}).toBuilder().setName("out"));
        g.addOutput(Models.tensorInfo("y", DType.FLOAT32, 1, 5));
        g.addNode(Models.node("Identity", new String[] {flat}, new String[] {"y2"}).toBuilder().setName("out2"));
        g.addOutput(Models.tensorInfo("y2", DType.FLOAT32, 1, 1024));

        OnnxModel model = OnnxModel.fromBytes(Models.model(g.build(), 13).toByteArray(), null);
        SessionOptions so = new SessionOptions().threads(2);
        Graph imported = model.toGraph(so);
        Optimizer all = Optimizer.standard();
        List<GraphPass> withoutFusion = all.passes().stream().filter(p -> !(p instanceof QdqFusionPass)).toList();
        assertTrue(withoutFusion.size() < all.passes().size(), "the fusion pass is registered");
        Graph fused = all.optimize(imported, so);
        Graph plain = new Optimizer(withoutFusion).optimize(model.toGraph(so), so);
        long quantizeLeft = fused.nodes().stream().filter(n -> n.op() instanceof QuantizeOp).count();
        long plainLeft = fused.nodes().stream().filter(n -> n.op().opType().equals("QuantizeLinear")).count();
        assertEquals(1, quantizeLeft, "only the input is quantized, on the vector path:\n" + fused);
        assertEquals(0, plainLeft, "no unfused QuantizeLinear:\n" + fused);
        assertEquals(1, fused.nodes().stream().filter(n -> n.op() instanceof ByteMaxPoolOp).count(), "byte MaxPool");
        assertEquals(2, fused.nodes().stream().filter(n -> n.op() instanceof DequantizeOp).count(),
                "the two outputs leave the int8 region through the table DequantizeLinear:\n" + fused);
        assertEquals(0, fused.nodes().stream().filter(n -> n.op().opType().equals("DequantizeLinear")).count(),
                "no unfused DequantizeLinear:\n" + fused);

        int total = 0;
        int exact = 0;
        try (Session f = new Session(fused, so); Session p = new Session(plain, so)) {
            for (int run = 0; run < 5; run++) {
                float[] x = new float[4 * 64];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) (rnd.nextGaussian() * 2);
                }
                Map<String, Tensor> in = Map.of("x", Tensor.of(x, 1, 4, 8, 8));
                Map<String, Tensor> fa = f.run(in);
                Map<String, Tensor> pb = p.run(in);
                for (String name : new String[] {"y", "y2"}) {
                    float step = name.equals("y") ? 0.1f : 0.07f;
                    for (int i = 0; i < fa.get(name).size(); i++) {
                        float d = Math.abs(fa.get(name).getFloat(i) - pb.get(name).getFloat(i));
                        assertTrue(d <= step * 1.001f, name + "[" + i + "] differs by " + d + " (> one step)");
                        total++;
                        exact += d == 0 ? 1 : 0;
                    }
                }
            }
        }
        System.out.printf("fused vs unfused: %d of %d outputs identical%n", exact, total);
        assertTrue(exact >= 0.98 * total, exact + " of " + total + " identical");
    }

    /** Q then DQ of {@code t} with uint8 parameters; returns the dequantized name. */
    private String qdq(String t, float scale, int zero) {
        g.addInitializer(TensorProtos.encode(Tensor.of(new float[] {scale}), t + "_s"));
        g.addInitializer(TensorProtos.encode(Tensor.ofBytes(DType.UINT8, new byte[] {(byte) zero}), t + "_z"));
        g.addNode(Models.node("QuantizeLinear", new String[] {t, t + "_s", t + "_z"}, new String[] {t + "_q"}));
        g.addNode(Models.node("DequantizeLinear", new String[] {t + "_q", t + "_s", t + "_z"},
                new String[] {t + "_dq"}));
        return t + "_dq";
    }

    private String weights(String name, int[] shape, boolean perChannel) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        byte[] q = new byte[n];
        for (int i = 0; i < n; i++) {
            q[i] = (byte) (rnd.nextInt(255) - 127);
        }
        g.addInitializer(TensorProtos.encode(Tensor.ofBytes(DType.INT8, q, shape), name + "_q"));
        int channels = perChannel ? shape[0] : 1;
        float[] s = new float[channels];
        for (int i = 0; i < channels; i++) {
            s[i] = 0.005f + rnd.nextFloat() * 0.01f;
        }
        g.addInitializer(TensorProtos.encode(perChannel ? Tensor.of(s, channels) : Tensor.of(new float[] {s[0]}),
                name + "_s"));
        g.addNode(Models.node("DequantizeLinear", new String[] {name + "_q", name + "_s"}, new String[] {name},
                perChannel ? new AttributeProto[] {intAttr("axis", 0)} : new AttributeProto[0]));
        return name;
    }

    private String bias(String name, int n, float scale) {
        int[] q = new int[n];
        for (int i = 0; i < n; i++) {
            q[i] = rnd.nextInt(2001) - 1000;
        }
        g.addInitializer(TensorProtos.encode(Tensor.of(q, n), name + "_q"));
        g.addInitializer(TensorProtos.encode(Tensor.of(new float[] {scale}), name + "_s"));
        g.addNode(Models.node("DequantizeLinear", new String[] {name + "_q", name + "_s"}, new String[] {name}));
        return name;
    }
}
