package dev.vinfer.quantization.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.onnx.OnnxModel;
import dev.vinfer.onnx.TensorProtos;
import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.onnx.proto.OnnxIr.ModelProto;
import dev.vinfer.onnx.proto.OnnxIr.NodeProto;
import dev.vinfer.onnx.proto.OnnxIr.OperatorSetIdProto;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.GraphPass;
import dev.vinfer.runtime.Optimizer;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.testdata.Models;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * QOperator-form nodes on the fast kernels ({@link QOperatorRewrite}) against the plain reference ops, on random
 * seeded shapes (tile edges, long reductions that need exact blocks, broadcasting), 1 and 2 threads. Bit-exact
 * where the fast op reproduces the reference arithmetic (integer products, element-wise ops, tables); QLinearMatMul
 * requantizes {@code acc * multiplier} in float32 instead of the reference's double product, so it may differ by one
 * step on values within a float rounding of a half-way point: at most 1 and on at most 2% of the elements. The base
 * seed is printed and can be set with {@code -Dvinfer.test.seed=...}.
 */
class QOperatorRewriteTest {
    private static final long SEED = Long.getLong("vinfer.test.seed", 20261128L);
    private static final int CASES = 6;

    @Test
    void qlinearMatMul() {
        for (int t = 0; t < CASES; t++) {
            long seed = SEED + t;
            Random r = new Random(seed);
            int m = pick(r, 1, 7, 16, 33);
            int k = t == CASES - 1 ? 3000 : pick(r, 1, 15, 16, 64, 129);
            int n = pick(r, 1, 15, 17, 48);
            DType at = r.nextBoolean() ? DType.UINT8 : DType.INT8;
            DType bt = r.nextBoolean() ? DType.UINT8 : DType.INT8;
            DType yt = r.nextBoolean() ? DType.UINT8 : DType.INT8;
            boolean perColumn = r.nextBoolean();
            GraphProto.Builder g = GraphProto.newBuilder().setName("qmm");
            g.addInput(Models.tensorInfo("a", at, m, k));
            init(g, "as", Tensor.of(new float[] {0.02f + r.nextFloat() * 0.01f}));
            init(g, "az", scalarZero(at, r));
            init(g, "b", Tensor.ofBytes(bt, randomBytes(r, k * n), k, n));
            int cols = perColumn ? n : 1;
            init(g, "bs", perColumn ? Tensor.of(scales(r, cols, 0.002f), n) : Tensor.of(scales(r, 1, 0.002f)));
            byte[] bz = new byte[cols];
            for (int i = 0; i < cols; i++) {
                bz[i] = (byte) (bt == DType.UINT8 ? 120 + r.nextInt(16) : r.nextInt(9) - 4);
            }
            init(g, "bz", perColumn ? Tensor.ofBytes(bt, bz, n) : Tensor.ofBytes(bt, bz));
            init(g, "ys", Tensor.of(new float[] {0.02f * (float) Math.sqrt(k)}));
            init(g, "yz", scalarZero(yt, r));
            g.addNode(Models.node("QLinearMatMul", new String[] {"a", "as", "az", "b", "bs", "bz", "ys", "yz"},
                    new String[] {"y"}));
            g.addOutput(Models.tensorInfo("y", yt));
            String what = "QLinearMatMul seed " + seed + " " + m + "x" + k + "x" + n + " " + at + "/" + bt + "/" + yt
                    + (perColumn ? " per column" : "");
            Map<String, Tensor> in = Map.of("a", Tensor.ofBytes(at, randomBytes(r, m * k), m, k));
            compareWithinOneStep(model(g, false), in, "QLinearMatMul(int8)", what);
        }
    }

    @Test
    void matMulInteger() {
        for (int t = 0; t < CASES; t++) {
            long seed = SEED + 100 + t;
            Random r = new Random(seed);
            int m = pick(r, 1, 5, 16, 31);
            int k = t == CASES - 1 ? 2500 : pick(r, 1, 16, 17, 100);
            int n = pick(r, 1, 16, 19);
            DType at = r.nextBoolean() ? DType.UINT8 : DType.INT8;
            DType bt = r.nextBoolean() ? DType.UINT8 : DType.INT8;
            boolean zeros = r.nextBoolean();
            GraphProto.Builder g = GraphProto.newBuilder().setName("mmi");
            g.addInput(Models.tensorInfo("a", at, m, k));
            init(g, "b", Tensor.ofBytes(bt, randomBytes(r, k * n), k, n));
            String[] inputs = {"a", "b"};
            if (zeros) {
                init(g, "az", scalarZero(at, r));
                byte[] bz = randomBytes(r, n);
                init(g, "bz", Tensor.ofBytes(bt, bz, n));
                inputs = new String[] {"a", "b", "az", "bz"};
            }
            g.addNode(Models.node("MatMulInteger", inputs, new String[] {"y"}));
            g.addOutput(Models.tensorInfo("y", DType.INT32));
            String what = "MatMulInteger seed " + seed + " " + m + "x" + k + "x" + n + " " + at + "/" + bt;
            Map<String, Tensor> in = Map.of("a", Tensor.ofBytes(at, randomBytes(r, m * k), m, k));
            compareExact(model(g, false), in, "MatMulInteger(int8)", what);
        }
    }

    @Test
    void convInteger() {
        for (int t = 0; t < CASES; t++) {
            long seed = SEED + 200 + t;
            Random r = new Random(seed);
            int group = t % 3 == 2 ? 2 : 1;
            int c = group * pick(r, 1, 3, 8);
            int m = group * pick(r, 1, 5, 16);
            int kh = pick(r, 1, 3);
            int h = pick(r, 5, 9, 14);
            int stride = pick(r, 1, 2);
            int pad = kh == 3 ? pick(r, 0, 1) : 0;
            if (t == CASES - 1) {
                c = 300;
                m = 4;
                group = 1;
                kh = 3;
            }
            DType xt = r.nextBoolean() ? DType.UINT8 : DType.INT8;
            DType wt = r.nextBoolean() ? DType.UINT8 : DType.INT8;
            boolean perChannel = r.nextBoolean();
            GraphProto.Builder g = GraphProto.newBuilder().setName("ci");
            g.addInput(Models.tensorInfo("x", xt, 1, c, h, h));
            init(g, "w", Tensor.ofBytes(wt, randomBytes(r, m * (c / group) * kh * kh), m, c / group, kh, kh));
            init(g, "xz", scalarZero(xt, r));
            init(g, "wz", perChannel ? Tensor.ofBytes(wt, randomBytes(r, m), m) : scalarZero(wt, r));
            NodeProto node = Models.node("ConvInteger", new String[] {"x", "w", "xz", "wz"}, new String[] {"y"},
                    Models.intAttr("group", group), Models.intsAttr("strides", stride, stride),
                    Models.intsAttr("pads", pad, pad, pad, pad));
            g.addNode(node);
            g.addOutput(Models.tensorInfo("y", DType.INT32));
            String what = "ConvInteger seed " + seed + " C" + c + " M" + m + " k" + kh + " " + h + "x" + h + " s"
                    + stride + " p" + pad + " g" + group + " " + xt + "/" + wt + (perChannel ? " per channel" : "");
            Map<String, Tensor> in = Map.of("x", Tensor.ofBytes(xt, randomBytes(r, c * h * h), 1, c, h, h));
            compareExact(model(g, false), in, "ConvInteger(int8)", what);
        }
    }

    @Test
    void qlinearAddAndMul() {
        for (int t = 0; t < CASES; t++) {
            long seed = SEED + 300 + t;
            Random r = new Random(seed);
            String op = t % 2 == 0 ? "QLinearAdd" : "QLinearMul";
            int c = pick(r, 1, 3, 16, 33);
            int hw = pick(r, 1, 7, 15);
            boolean broadcast = t % 3 == 1;
            DType at = r.nextBoolean() ? DType.UINT8 : DType.INT8;
            DType bt = r.nextBoolean() ? DType.UINT8 : DType.INT8;
            DType ct = r.nextBoolean() ? DType.UINT8 : DType.INT8;
            int[] bShape = broadcast ? new int[] {1, c, 1, 1} : new int[] {1, c, hw, hw};
            GraphProto.Builder g = GraphProto.newBuilder().setName("qadd");
            g.addInput(Models.tensorInfo("a", at, 1, c, hw, hw));
            g.addInput(Models.tensorInfo("b", bt, Arrays.stream(bShape).asLongStream().toArray()));
            init(g, "as", Tensor.of(new float[] {0.01f + r.nextFloat() * 0.05f}));
            init(g, "az", scalarZero(at, r));
            init(g, "bs", Tensor.of(new float[] {0.01f + r.nextFloat() * 0.05f}));
            init(g, "bz", scalarZero(bt, r));
            init(g, "cs", Tensor.of(new float[] {op.equals("QLinearAdd") ? 0.03f : 0.2f}));
            init(g, "cz", scalarZero(ct, r));
            g.addNode(Models.node(op, new String[] {"a", "as", "az", "b", "bs", "bz", "cs", "cz"},
                    new String[] {"y"}).toBuilder().setDomain("com.microsoft").build());
            g.addOutput(Models.tensorInfo("y", ct));
            int bSize = Arrays.stream(bShape).reduce(1, (x, y) -> x * y);
            Map<String, Tensor> in = new LinkedHashMap<>();
            in.put("a", Tensor.ofBytes(at, randomBytes(r, c * hw * hw), 1, c, hw, hw));
            in.put("b", Tensor.ofBytes(bt, randomBytes(r, bSize), bShape));
            String what = op + " seed " + seed + " C" + c + " " + hw + "x" + hw + (broadcast ? " broadcast" : "")
                    + " " + at + "/" + bt + "/" + ct;
            compareExact(model(g, true), in, op + "(int8)", what);
        }
    }

    @Test
    void qlinearSigmoidAndLeakyRelu() {
        for (int t = 0; t < 4; t++) {
            long seed = SEED + 400 + t;
            Random r = new Random(seed);
            String op = t % 2 == 0 ? "QLinearSigmoid" : "QLinearLeakyRelu";
            DType xt = r.nextBoolean() ? DType.UINT8 : DType.INT8;
            DType yt = r.nextBoolean() ? DType.UINT8 : DType.INT8;
            GraphProto.Builder g = GraphProto.newBuilder().setName("qun");
            g.addInput(Models.tensorInfo("x", xt, 2, 300));
            init(g, "xs", Tensor.of(new float[] {0.02f + r.nextFloat() * 0.1f}));
            init(g, "xz", scalarZero(xt, r));
            init(g, "ys", Tensor.of(new float[] {0.004f + r.nextFloat() * 0.05f}));
            init(g, "yz", scalarZero(yt, r));
            NodeProto.Builder node = Models.node(op, new String[] {"x", "xs", "xz", "ys", "yz"},
                    new String[] {"y"}).toBuilder().setDomain("com.microsoft");
            if (op.equals("QLinearLeakyRelu")) {
                node.addAttribute(Models.floatAttr("alpha", 0.1f));
            }
            g.addNode(node);
            g.addOutput(Models.tensorInfo("y", yt));
            Map<String, Tensor> in = Map.of("x", Tensor.ofBytes(xt, randomBytes(r, 600), 2, 300));
            compareExact(model(g, true), in, op + "(int8)", op + " seed " + seed + " " + xt + "/" + yt);
        }
    }

    @Test
    void qlinearConcatAndGlobalAveragePool() {
        for (int t = 0; t < 4; t++) {
            long seed = SEED + 600 + t;
            Random r = new Random(seed);
            DType xt = r.nextBoolean() ? DType.UINT8 : DType.INT8;
            DType yt = r.nextBoolean() ? DType.UINT8 : DType.INT8;
            int c1 = pick(r, 1, 3, 16);
            int c2 = pick(r, 2, 17);
            int hw = pick(r, 1, 5, 7);
            int axis = t % 2 == 0 ? 1 : -1;
            GraphProto.Builder g = GraphProto.newBuilder().setName("qcat");
            g.addInput(Models.tensorInfo("a", xt, 1, c1, hw, hw));
            g.addInput(Models.tensorInfo("b", yt, 1, c2, hw, hw));
            init(g, "as", Tensor.of(new float[] {0.01f + r.nextFloat() * 0.05f}));
            init(g, "az", scalarZero(xt, r));
            init(g, "ys", Tensor.of(new float[] {0.02f + r.nextFloat() * 0.05f}));
            Tensor yz = scalarZero(yt, r);
            init(g, "yz", yz);
            // b comes in the output's own parameters: the pass-through branch.
            g.addNode(Models.node("QLinearConcat", new String[] {"ys", "yz", "a", "as", "az", "b", "ys", "yz"},
                    new String[] {"cat"}, Models.intAttr("axis", axis)).toBuilder().setDomain("com.microsoft"));
            init(g, "ps", Tensor.of(new float[] {0.01f + r.nextFloat() * 0.02f}));
            init(g, "pz", scalarZero(xt, r));
            g.addNode(Models.node("QLinearGlobalAveragePool", new String[] {"cat", "ys", "yz", "ps", "pz"},
                    new String[] {"gap"}).toBuilder().setDomain("com.microsoft"));
            g.addOutput(Models.tensorInfo("cat", yt));
            g.addOutput(Models.tensorInfo("gap", xt));
            Map<String, Tensor> in = new LinkedHashMap<>();
            int b2 = axis == 1 ? c2 : c1;
            if (axis == -1) {
                // Concatenate along the last axis: b is [1, c1, hw, c2].
                g.setInput(1, Models.tensorInfo("b", yt, 1, c1, hw, c2));
            }
            in.put("a", Tensor.ofBytes(xt, randomBytes(r, c1 * hw * hw), 1, c1, hw, hw));
            in.put("b", axis == 1 ? Tensor.ofBytes(yt, randomBytes(r, c2 * hw * hw), 1, c2, hw, hw)
                    : Tensor.ofBytes(yt, randomBytes(r, c1 * hw * c2), 1, c1, hw, c2));
            String what = "QLinearConcat+GAP seed " + seed + " C" + c1 + "+" + b2 + " " + hw + " axis " + axis + " "
                    + xt + "/" + yt;
            compareExact(model(g, true), in, "QLinearConcat(int8)", what);
        }
    }

    @Test
    void dynamicQuantizeLinear() {
        for (int t = 0; t < 4; t++) {
            long seed = SEED + 500 + t;
            Random r = new Random(seed);
            int size = pick(r, 1, 15, 16, 17, 1000);
            float[] x = new float[size];
            float shift = t == 3 ? 5f : 0f;
            for (int i = 0; i < size; i++) {
                x[i] = (float) r.nextGaussian() * 3f + shift;
            }
            GraphProto.Builder g = GraphProto.newBuilder().setName("dql");
            g.addInput(Models.tensorInfo("x", DType.FLOAT32, size));
            g.addNode(Models.node("DynamicQuantizeLinear", new String[] {"x"}, new String[] {"y", "s", "z"}));
            g.addOutput(Models.tensorInfo("y", DType.UINT8));
            g.addOutput(Models.tensorInfo("s", DType.FLOAT32));
            g.addOutput(Models.tensorInfo("z", DType.UINT8));
            compareExact(model(g, false), Map.of("x", Tensor.of(x, size)), "DynamicQuantizeLinear(int8)",
                    "DynamicQuantizeLinear seed " + seed + " size " + size);
        }
    }

    // ---- helpers

    private static void compareExact(OnnxModel model, Map<String, Tensor> in, String fastOp, String what) {
        for (int threads = 1; threads <= 2; threads++) {
            List<Tensor[]> pairs = runBoth(model, in, fastOp, threads, what);
            for (Tensor[] p : pairs) {
                assertArrayEquals(p[1].shape(), p[0].shape(), what + ": shape");
                for (int i = 0; i < p[0].size(); i++) {
                    boolean same = p[0].dtype() == DType.FLOAT32 ? p[0].getFloat(i) == p[1].getFloat(i)
                            : p[0].getLong(i) == p[1].getLong(i);
                    assertTrue(same, what + " (" + threads + " threads): element " + i + " fast "
                            + p[0].getDouble(i) + " reference " + p[1].getDouble(i));
                }
            }
        }
    }

    private static void compareWithinOneStep(OnnxModel model, Map<String, Tensor> in, String fastOp, String what) {
        for (int threads = 1; threads <= 2; threads++) {
            Tensor[] p = runBoth(model, in, fastOp, threads, what).get(0);
            assertArrayEquals(p[1].shape(), p[0].shape(), what + ": shape");
            int off = 0;
            for (int i = 0; i < p[0].size(); i++) {
                long d = Math.abs(p[0].getLong(i) - p[1].getLong(i));
                assertTrue(d <= 1, what + ": element " + i + " differs by " + d);
                off += d == 0 ? 0 : 1;
            }
            assertTrue(off <= Math.max(1, p[0].size() / 50), what + ": " + off + " of " + p[0].size() + " off by one");
        }
    }

    /** Per graph output: {fast, reference}. */
    private static List<Tensor[]> runBoth(OnnxModel model, Map<String, Tensor> in, String fastOp, int threads,
            String what) {
        SessionOptions so = new SessionOptions().threads(threads);
        Graph fast = Optimizer.standard().optimize(model.toGraph(so), so);
        assertEquals(fastOp, fast.nodes().get(0).op().opType(), what + ": not rewritten:\n" + fast);
        assertTrue(fast.nodes().stream().allMatch(n -> n.op().opType().endsWith("(int8)")), what + ":\n" + fast);
        List<GraphPass> others = Optimizer.standard().passes().stream().filter(p -> !(p instanceof QdqFusionPass))
                .toList();
        Graph slow = new Optimizer(others).optimize(model.toGraph(so), so);
        try (Session a = new Session(fast, so); Session b = new Session(slow, so)) {
            Map<String, Tensor> ya = a.run(in);
            Map<String, Tensor> yb = b.run(in);
            return ya.keySet().stream().map(k -> new Tensor[] {ya.get(k), yb.get(k)}).toList();
        }
    }

    private static OnnxModel model(GraphProto.Builder g, boolean microsoft) {
        ModelProto.Builder m = Models.model(g.build(), 13).toBuilder();
        if (microsoft) {
            m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("com.microsoft").setVersion(1));
        }
        return OnnxModel.fromBytes(m.build().toByteArray(), null);
    }

    private static void init(GraphProto.Builder g, String name, Tensor t) {
        g.addInitializer(TensorProtos.encode(t, name));
    }

    private static int pick(Random r, int... options) {
        return options[r.nextInt(options.length)];
    }

    private static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private static float[] scales(Random r, int n, float base) {
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            s[i] = base * (1 + r.nextFloat());
        }
        return s;
    }

    private static Tensor scalarZero(DType t, Random r) {
        int z = t == DType.UINT8 ? 100 + r.nextInt(56) : r.nextInt(21) - 10;
        return Tensor.ofBytes(t, new byte[] {(byte) z});
    }
}
