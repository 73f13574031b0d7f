package dev.vinfer.quantization.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.onnx.OnnxModel;
import dev.vinfer.onnx.TensorProtos;
import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.GraphPass;
import dev.vinfer.runtime.Optimizer;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.testdata.Models;
import dev.vinfer.testdata.OrtReference;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A classifier leaving the int8 region ({@code DQ(a) -> Gemm(DQ(W), DQ(b32))} or {@code MatMul} into a float graph
 * output) on the integer products with one dequantization per output, against the unfused float path: equal to
 * float32 rounding (relative L2 below 1e-5; the fused result is the more accurate one).
 */
class QMatMulFloatOpTest {

    @ParameterizedTest(name = "{0} K{1} N{2} rows {3} seed {4}")
    @CsvSource({"Gemm, 2048, 1000, 1, 1", "Gemm, 300, 17, 3, 2", "MatMul, 129, 33, 5, 3"})
    void fusedMatchesUnfused(String op, int k, int n, int rows, long seed) {
        Random r = new Random(seed);
        boolean gemm = op.equals("Gemm");
        GraphProto.Builder g = GraphProto.newBuilder().setName("cls");
        g.addInput(Models.tensorInfo("a", DType.UINT8, rows, k));
        g.addInitializer(TensorProtos.encode(Tensor.of(new float[] {0.03f}), "as"));
        g.addInitializer(TensorProtos.encode(Tensor.ofBytes(DType.UINT8, new byte[] {(byte) 7}), "az"));
        g.addNode(Models.node("DequantizeLinear", new String[] {"a", "as", "az"}, new String[] {"ad"}));
        byte[] w = new byte[k * n];
        for (int i = 0; i < w.length; i++) {
            w[i] = (byte) (r.nextInt(255) - 127);
        }
        float[] ws = new float[n];
        for (int i = 0; i < n; i++) {
            ws[i] = 0.001f + r.nextFloat() * 0.002f;
        }
        // Gemm with transB: W is [N, K], scales along axis 0; MatMul: W is [K, N], scales along axis 1.
        g.addInitializer(TensorProtos.encode(gemm ? Tensor.ofBytes(DType.INT8, w, n, k)
                : Tensor.ofBytes(DType.INT8, w, k, n), "wq"));
        g.addInitializer(TensorProtos.encode(Tensor.of(ws, n), "ws"));
        g.addNode(Models.node("DequantizeLinear", new String[] {"wq", "ws"}, new String[] {"wd"},
                Models.intAttr("axis", gemm ? 0 : 1)));
        if (gemm) {
            int[] b = new int[n];
            float[] bs = new float[n];
            for (int i = 0; i < n; i++) {
                b[i] = r.nextInt(20001) - 10000;
                bs[i] = 0.03f * ws[i];
            }
            g.addInitializer(TensorProtos.encode(Tensor.of(b, n), "bq"));
            g.addInitializer(TensorProtos.encode(Tensor.of(bs, n), "bs"));
            g.addNode(Models.node("DequantizeLinear", new String[] {"bq", "bs"}, new String[] {"bd"},
                    Models.intAttr("axis", 0)));
            g.addNode(Models.node("Gemm", new String[] {"ad", "wd", "bd"}, new String[] {"y"},
                    Models.intAttr("transB", 1)));
        } else {
            g.addNode(Models.node("MatMul", new String[] {"ad", "wd"}, new String[] {"y"}));
        }
        g.addOutput(Models.tensorInfo("y", DType.FLOAT32));
        OnnxModel model = OnnxModel.fromBytes(Models.model(g.build(), 13).toByteArray(), null);
        SessionOptions so = new SessionOptions().threads(2);
        Graph fast = Optimizer.standard().optimize(model.toGraph(so), so);
        assertEquals(op + "(int8->float)", fast.nodes().get(0).op().opType(), "fused:\n" + fast);
        List<GraphPass> others = Optimizer.standard().passes().stream().filter(p -> !(p instanceof QdqFusionPass))
                .toList();
        Graph slow = new Optimizer(others).optimize(model.toGraph(so), so);
        byte[] a = new byte[rows * k];
        r.nextBytes(a);
        Map<String, Tensor> in = Map.of("a", Tensor.ofBytes(DType.UINT8, a, rows, k));
        try (Session f = new Session(fast, so); Session s = new Session(slow, so)) {
            Tensor yf = f.run(in).get("y");
            Tensor ys = s.run(in).get("y");
            double err = OrtReference.relL2(yf, ys);
            assertTrue(err < 1e-5, op + " seed " + seed + ": relative L2 " + err);
        }
    }
}
