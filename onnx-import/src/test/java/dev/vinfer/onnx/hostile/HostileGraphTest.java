package dev.vinfer.onnx.hostile;

import static dev.vinfer.onnx.hostile.Hostile.ONE;
import static dev.vinfer.onnx.hostile.Hostile.longs;
import static dev.vinfer.onnx.hostile.Hostile.model;
import static dev.vinfer.onnx.hostile.Hostile.oneNode;
import static dev.vinfer.onnx.hostile.Hostile.openAndRun;
import static dev.vinfer.onnx.hostile.Hostile.rejects;
import static dev.vinfer.onnx.hostile.Hostile.smallOptions;
import static dev.vinfer.testdata.Models.graphAttr;
import static dev.vinfer.testdata.Models.intAttr;
import static dev.vinfer.testdata.Models.intsAttr;
import static dev.vinfer.testdata.Models.node;
import static dev.vinfer.testdata.Models.tensorAttr;
import static dev.vinfer.testdata.Models.tensorInfo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.Vinfer;
import dev.vinfer.onnx.TensorProtos;
import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.onnx.proto.OnnxIr.ModelProto;
import dev.vinfer.onnx.proto.OnnxIr.NodeProto;
import dev.vinfer.onnx.proto.OnnxIr.TensorProto;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Limits;
import dev.vinfer.runtime.ModelException;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Invalid graphs, type mismatches, deep nesting, absurd attributes and rank/node limits: rejected at load,
 * naming the node, op and value.
 */
class HostileGraphTest {

    // ---- invalid graphs ----

    @Test
    void invalidGraphsAreRejectedNamingTheNode() {
        GraphProto.Builder selfLoop = GraphProto.newBuilder().setName("g").addInput(tensorInfo("x", DType.FLOAT32, 1))
                .addOutput(tensorInfo("a", DType.FLOAT32, 1))
                .addNode(node("Add", new String[] {"x", "a"}, new String[] {"a"}));
        rejects(() -> openAndRun(model(selfLoop), ONE), "cycle", "Add_a");
        GraphProto.Builder undefined = GraphProto.newBuilder().setName("g")
                .addInput(tensorInfo("x", DType.FLOAT32, 1)).addOutput(tensorInfo("y", DType.FLOAT32, 1))
                .addNode(node("Add", new String[] {"x", "nowhere"}, new String[] {"y"}));
        rejects(() -> openAndRun(model(undefined), ONE), "'nowhere'", "Add_y");
        GraphProto.Builder twice = GraphProto.newBuilder().setName("g").addInput(tensorInfo("x", DType.FLOAT32, 1))
                .addOutput(tensorInfo("y", DType.FLOAT32, 1))
                .addNode(node("Relu", new String[] {"x"}, new String[] {"y"}))
                .addNode(node("Neg", new String[] {"x"}, new String[] {"y"}));
        rejects(() -> openAndRun(model(twice), ONE), "produced twice");
        GraphProto.Builder repeatedOutput = GraphProto.newBuilder().setName("g")
                .addInput(tensorInfo("x", DType.FLOAT32, 1)).addOutput(tensorInfo("y", DType.FLOAT32, 1))
                .addOutput(tensorInfo("y", DType.FLOAT32, 1))
                .addNode(node("Relu", new String[] {"x"}, new String[] {"y"}));
        rejects(() -> openAndRun(model(repeatedOutput), ONE), "output 'y' twice");
        GraphProto.Builder constantOverWeight = GraphProto.newBuilder().setName("g")
                .addInitializer(TensorProtos.encode(Tensor.of(new float[] {1}, 1), "w"))
                .addOutput(tensorInfo("w", DType.FLOAT32, 1))
                .addNode(node("Constant", new String[] {}, new String[] {"w"},
                        tensorAttr("value", Tensor.of(new float[] {2}, 1))));
        rejects(() -> openAndRun(model(constantOverWeight), Map.of()), "'w'", "already defined");
    }

    @Test
    void dtypeMismatchesAreRejectedAtLoadNamingTheNode() {
        GraphProto.Builder add = GraphProto.newBuilder().setName("g").addInput(tensorInfo("x", DType.FLOAT32, 2))
                .addInitializer(longs("k", 1, 2)).addOutput(tensorInfo("y", DType.FLOAT32, 2))
                .addNode(node("Add", new String[] {"x", "k"}, new String[] {"y"}));
        ModelException e = assertInstanceOf(ModelException.class,
                rejects(() -> Vinfer.open(model(add).toByteArray(), smallOptions()), "Add_y", "'x'", "'k'",
                        "int64"));
        assertTrue(e.getMessage().contains("same type"), e.getMessage());
        // Propagated: Shape gives int64, which Relu (float) then meets in a MatMul.
        GraphProto.Builder mm = GraphProto.newBuilder().setName("g").addInput(tensorInfo("x", DType.FLOAT32, 2, 2))
                .addOutput(tensorInfo("y", DType.FLOAT32))
                .addNode(node("Shape", new String[] {"x"}, new String[] {"s"}))
                .addNode(node("Relu", new String[] {"x"}, new String[] {"r"}))
                .addNode(node("MatMul", new String[] {"r", "s"}, new String[] {"y"}));
        rejects(() -> Vinfer.open(model(mm).toByteArray(), smallOptions()), "MatMul_y", "int64", "float");
        GraphProto.Builder shapeIsFloat = oneNode("Reshape", new String[] {"x", "s"},
                new TensorProto[] {TensorProtos.encode(Tensor.of(new float[] {1}, 1), "s")}, DType.FLOAT32, null);
        rejects(() -> Vinfer.open(model(shapeIsFloat).toByteArray(), smallOptions()), "Reshape_bomb",
                "integer tensor");
        GraphProto.Builder whereNotBool = GraphProto.newBuilder().setName("g")
                .addInput(tensorInfo("x", DType.FLOAT32, 2)).addOutput(tensorInfo("y", DType.FLOAT32, 2))
                .addNode(node("Where", new String[] {"x", "x", "x"}, new String[] {"y"}));
        rejects(() -> Vinfer.open(model(whereNotBool).toByteArray(), smallOptions()), "Where_y", "bool");
        GraphProto.Builder expOfInt = GraphProto.newBuilder().setName("g")
                .addInput(tensorInfo("x", DType.INT32, 2)).addOutput(tensorInfo("y", DType.INT32, 2))
                .addNode(node("Exp", new String[] {"x"}, new String[] {"y"}));
        rejects(() -> Vinfer.open(model(expOfInt).toByteArray(), smallOptions()), "Exp_y", "floating-point");
    }

    // ---- nesting ----

    /** If nodes nested {@code depth} deep, the innermost branch returning the outer x. */
    private static ModelProto nestedIf(int depth) {
        GraphProto inner = GraphProto.newBuilder().setName("b" + depth).addOutput(tensorInfo("o" + depth,
                DType.FLOAT32, 1)).addNode(node("Identity", new String[] {"x"}, new String[] {"o" + depth})).build();
        // The else branch is a leaf at every level, so the file grows linearly with the depth.
        GraphProto leaf = GraphProto.newBuilder().setName("leaf").addOutput(tensorInfo("l", DType.FLOAT32, 1))
                .addNode(node("Identity", new String[] {"x"}, new String[] {"l"})).build();
        for (int d = depth - 1; d >= 0; d--) {
            NodeProto ifNode = node("If", new String[] {"c"}, new String[] {"o" + d},
                    graphAttr("then_branch", inner), graphAttr("else_branch", leaf));
            GraphProto.Builder g = GraphProto.newBuilder().setName(d == 0 ? "main" : "b" + d)
                    .addOutput(tensorInfo("o" + d, DType.FLOAT32, 1)).addNode(ifNode);
            if (d == 0) {
                g.addInput(tensorInfo("c", DType.BOOL)).addInput(tensorInfo("x", DType.FLOAT32, 1));
            }
            inner = g.build();
        }
        return dev.vinfer.testdata.Models.model(inner, 17);
    }

    @Test
    void ifNestedAThousandDeepIsRejected() {
        byte[] bytes = nestedIf(1000).toByteArray();
        rejects(() -> Vinfer.open(bytes, smallOptions()), "not a valid ONNX model", "nesting");
        // The parser's nesting limit (200 messages) stops about 60 If levels; maxSubgraphDepth can be lower.
        Limits d = Limits.defaults();
        SessionOptions shallow = new SessionOptions().limits(d.withMaxSubgraphDepth(8));
        rejects(() -> Vinfer.open(nestedIf(10).toByteArray(), shallow), "nested more than 8");
        Map<String, Tensor> in = Map.of("c", Tensor.of(new boolean[] {true}), "x", Tensor.of(new float[] {4}, 1));
        assertArrayEquals(new float[] {4}, openAndRun(nestedIf(20), in).get("o0").toFloatArray());
    }

    @Test
    void nodeAndRankLimits() {
        GraphProto.Builder g = GraphProto.newBuilder().setName("g").addInput(tensorInfo("x", DType.FLOAT32, 1))
                .addOutput(tensorInfo("y9", DType.FLOAT32, 1));
        for (int i = 0; i < 10; i++) {
            g.addNode(node("Relu", new String[] {i == 0 ? "x" : "y" + (i - 1)}, new String[] {"y" + i}));
        }
        Limits d = Limits.defaults();
        SessionOptions fewNodes = new SessionOptions().limits(d.withMaxNodes(5));
        rejects(() -> Vinfer.open(model(g).toByteArray(), fewNodes), "nodes");
        long[] dims = new long[20];
        java.util.Arrays.fill(dims, 1);
        TensorProto deep = TensorProto.newBuilder().setName("w").setDataType(1).addAllDims(
                java.util.Arrays.stream(dims).boxed().toList()).addFloatData(1).build();
        rejects(() -> openAndRun(model(GraphProto.newBuilder().setName("g").addInitializer(deep)
                .addOutput(tensorInfo("w", DType.FLOAT32))), Map.of()), "rank 20");
        GraphProto.Builder unsq = oneNode("Unsqueeze", new String[] {"x", "a"},
                new TensorProto[] {longs("a", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17)},
                DType.FLOAT32, null);
        rejects(() -> openAndRun(model(unsq), ONE), "Unsqueeze");
    }

    /** What the structure-aware fuzzer found (each used to escape as an index or null-pointer exception). */
    @Test
    void fuzzFindingsStayFixed() {
        // Too few inputs, and a required input left out: checked at import against the op's arity.
        GraphProto.Builder addOne = GraphProto.newBuilder().setName("g").addInput(tensorInfo("x", DType.FLOAT32, 1))
                .addOutput(tensorInfo("y", DType.FLOAT32, 1))
                .addNode(node("Add", new String[] {"x"}, new String[] {"y"}));
        rejects(() -> openAndRun(model(addOne), ONE), "Add_y", "1 inputs", "takes 2");
        GraphProto.Builder gap = GraphProto.newBuilder().setName("g").addInput(tensorInfo("x", DType.FLOAT32, 1))
                .addOutput(tensorInfo("y", DType.FLOAT32, 1))
                .addNode(node("Where", new String[] {"", "x", "x"}, new String[] {"y"}));
        rejects(() -> openAndRun(model(gap), ONE), "Where_y", "required");
        // Conv attributes with the wrong number of values for the spatial rank.
        GraphProto.Builder conv = GraphProto.newBuilder().setName("g")
                .addInput(tensorInfo("x", DType.FLOAT32, 1, 1, 4, 4))
                .addInitializer(TensorProtos.encode(Tensor.zeros(DType.FLOAT32, 1, 1, 3, 3), "w"))
                .addOutput(tensorInfo("y", DType.FLOAT32))
                .addNode(node("Conv", new String[] {"x", "w"}, new String[] {"y"}, intsAttr("strides", 1)));
        rejects(() -> openAndRun(model(conv), Map.of("x", Tensor.zeros(DType.FLOAT32, 1, 1, 4, 4))), "strides",
                "2 spatial axes");
        GraphProto.Builder convT = GraphProto.newBuilder().setName("g")
                .addInput(tensorInfo("x", DType.FLOAT32, 1, 1, 4, 4))
                .addInitializer(TensorProtos.encode(Tensor.zeros(DType.FLOAT32, 1, 1, 3, 3), "w"))
                .addOutput(tensorInfo("y", DType.FLOAT32))
                .addNode(node("ConvTranspose", new String[] {"x", "w"}, new String[] {"y"},
                        intsAttr("strides", Integer.MAX_VALUE, 1)));
        rejects(() -> openAndRun(model(convT), Map.of("x", Tensor.zeros(DType.FLOAT32, 1, 1, 4, 4))),
                "ConvTranspose");
        // Split of a scalar.
        GraphProto.Builder split = GraphProto.newBuilder().setName("g").addInput(tensorInfo("x", DType.FLOAT32))
                .addOutput(tensorInfo("y", DType.FLOAT32))
                .addNode(node("Split", new String[] {"x"}, new String[] {"y"}));
        rejects(() -> openAndRun(model(split), Map.of("x", Tensor.scalar(1f))), "Split", "scalar");
        // Gather from a scalar (found by Jazzer on raw model bytes).
        GraphProto.Builder gather = GraphProto.newBuilder().setName("g").addInput(tensorInfo("x", DType.FLOAT32))
                .addInitializer(longs("i", 0)).addOutput(tensorInfo("y", DType.FLOAT32))
                .addNode(node("Gather", new String[] {"x", "i"}, new String[] {"y"}));
        rejects(() -> openAndRun(model(gather), Map.of("x", Tensor.scalar(1f))), "Gather", "scalar");
        // A Loop whose trip count is an empty tensor (found by Jazzer on mutated models).
        GraphProto body = GraphProto.newBuilder().setName("body").addInput(tensorInfo("i", DType.INT64))
                .addInput(tensorInfo("cin", DType.BOOL)).addInput(tensorInfo("v", DType.FLOAT32, 1))
                .addOutput(tensorInfo("cout", DType.BOOL)).addOutput(tensorInfo("vout", DType.FLOAT32, 1))
                .addNode(node("Identity", new String[] {"cin"}, new String[] {"cout"}))
                .addNode(node("Neg", new String[] {"v"}, new String[] {"vout"})).build();
        GraphProto.Builder loop = GraphProto.newBuilder().setName("g").addInput(tensorInfo("m", DType.INT64, 0))
                .addInput(tensorInfo("x", DType.FLOAT32, 1)).addOutput(tensorInfo("y", DType.FLOAT32, 1))
                .addNode(node("Loop", new String[] {"m", "", "x"}, new String[] {"y"}, graphAttr("body", body)));
        rejects(() -> openAndRun(model(loop), Map.of("m", Tensor.of(new long[0], 0), "x", ONE.get("x"))), "Loop",
                "one element");
        // An If branch that declares inputs of its own.
        GraphProto branch = GraphProto.newBuilder().setName("b").addInput(tensorInfo("z", DType.FLOAT32, 1))
                .addOutput(tensorInfo("o", DType.FLOAT32, 1))
                .addNode(node("Identity", new String[] {"z"}, new String[] {"o"})).build();
        GraphProto.Builder ifWithInputs = GraphProto.newBuilder().setName("g")
                .addInput(tensorInfo("c", DType.BOOL)).addOutput(tensorInfo("y", DType.FLOAT32, 1))
                .addNode(node("If", new String[] {"c"}, new String[] {"y"}, graphAttr("then_branch", branch),
                        graphAttr("else_branch", branch)));
        rejects(() -> openAndRun(model(ifWithInputs), Map.of("c", Tensor.of(new boolean[] {true}))), "If_y",
                "inputs of its own");
    }

    @Test
    void absurdAttributesAreRejected() {
        NodeProto.Builder huge = NodeProto.newBuilder().addAttribute(intAttr("axis", Long.MIN_VALUE));
        rejects(() -> openAndRun(model(oneNode("Softmax", new String[] {"x"}, new TensorProto[0], DType.FLOAT32,
                huge)), ONE));
        NodeProto.Builder perm = NodeProto.newBuilder().addAttribute(intsAttr("perm", 5));
        rejects(() -> openAndRun(model(oneNode("Transpose", new String[] {"x"}, new TensorProto[0], DType.FLOAT32,
                perm)), ONE));
        NodeProto.Builder splitNeg = NodeProto.newBuilder().addAttribute(intAttr("axis", 1L << 40));
        rejects(() -> openAndRun(model(oneNode("Concat", new String[] {"x", "x"}, new TensorProto[0],
                DType.FLOAT32, splitNeg)), ONE));
    }
}
