package dev.vinfer.onnx.hostile;

import static dev.vinfer.onnx.hostile.Hostile.model;
import static dev.vinfer.onnx.hostile.Hostile.openAndRun;
import static dev.vinfer.onnx.hostile.Hostile.rejects;
import static dev.vinfer.onnx.hostile.Hostile.smallOptions;
import static dev.vinfer.onnx.hostile.Hostile.survives;
import static dev.vinfer.testdata.Models.graphAttr;
import static dev.vinfer.testdata.Models.intAttr;
import static dev.vinfer.testdata.Models.intsAttr;
import static dev.vinfer.testdata.Models.node;
import static dev.vinfer.testdata.Models.tensorAttr;
import static dev.vinfer.testdata.Models.tensorInfo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.vinfer.Vinfer;
import dev.vinfer.onnx.TensorProtos;
import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.onnx.proto.OnnxIr.ModelProto;
import dev.vinfer.onnx.proto.OnnxIr.NodeProto;
import dev.vinfer.onnx.proto.OnnxIr.SparseTensorProto;
import dev.vinfer.onnx.proto.OnnxIr.TensorProto;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.ExecutionException;
import dev.vinfer.runtime.Limits;
import dev.vinfer.runtime.ModelException;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-made hostile corpus: malformed files, allocation bombs, absurd shapes, invalid graphs, deep nesting.
 * Each must end in a VinferException that says what is wrong, quickly and without a large allocation.
 */
class HostileModelTest {

    private static ModelProto reluModel() {
        return model(GraphProto.newBuilder().setName("g").addInput(tensorInfo("x", DType.FLOAT32, 2, 3))
                .addOutput(tensorInfo("y", DType.FLOAT32, 2, 3))
                .addNode(node("Relu", new String[] {"x"}, new String[] {"y"})));
    }

    private static TensorProto longs(String name, long... v) {
        return TensorProtos.encode(Tensor.of(v, v.length), name);
    }

    private static TensorProto scalarLong(String name, long v) {
        return TensorProtos.encode(Tensor.scalar(v), name);
    }

    // ---- malformed files ----

    @Test
    void everyTruncationOfAValidModelIsRejectedOrLoads() {
        byte[] bytes = reluModel().toByteArray();
        for (int len = 0; len < bytes.length; len++) {
            byte[] cut = java.util.Arrays.copyOf(bytes, len);
            survives(() -> {
                try (Session s = Vinfer.open(cut, smallOptions())) {
                    s.run(Map.of("x", Tensor.of(new float[6], 2, 3)));
                }
            });
        }
    }

    @Test
    void randomBytesAreRejected() {
        Random rnd = new Random(7);
        for (int i = 0; i < 300; i++) {
            byte[] junk = new byte[rnd.nextInt(200)];
            rnd.nextBytes(junk);
            survives(() -> Vinfer.open(junk, smallOptions()).close());
        }
        rejects(() -> Vinfer.open(new byte[0], smallOptions()), "no graph");
    }

    @Test
    void aDeclaredLengthLongerThanTheFileIsRejectedWithoutAllocatingIt() {
        // Field 7 (graph), length-delimited, declaring 2^31 - 1 bytes that are not there.
        byte[] bytes = {0x3a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 0x00};
        rejects(() -> Vinfer.open(bytes, smallOptions()), "not a valid ONNX model");
        // A packed float field (TensorProto.float_data = 4) declaring a gigabyte inside a tiny initializer.
        ByteArrayOutputStream tensor = new ByteArrayOutputStream();
        tensor.writeBytes(new byte[] {0x08, 0x01, 0x10, 0x01}); // dims: 1, data_type: float
        tensor.writeBytes(new byte[] {0x22, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x04, 0, 0, 0, 0});
        GraphProto g = GraphProto.newBuilder().setName("g").addOutput(tensorInfo("w", DType.FLOAT32, 1)).build();
        ByteArrayOutputStream model = new ByteArrayOutputStream();
        byte[] graph = g.toByteArray();
        byte[] init = tensor.toByteArray();
        // graph.initializer (field 5) appended to the graph bytes
        ByteArrayOutputStream gb = new ByteArrayOutputStream();
        gb.writeBytes(graph);
        gb.write(0x2a);
        gb.write(init.length);
        gb.writeBytes(init);
        byte[] gbytes = gb.toByteArray();
        model.writeBytes(new byte[] {0x08, 0x08}); // ir_version 8
        model.write(0x3a);
        model.write(gbytes.length);
        model.writeBytes(gbytes);
        rejects(() -> Vinfer.open(model.toByteArray(), smallOptions()), "not a valid ONNX model");
    }

    /** A length-delimited field: tag, varint length, payload. */
    private static byte[] field(int number, byte[] payload) throws java.io.IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        com.google.protobuf.CodedOutputStream c = com.google.protobuf.CodedOutputStream.newInstance(out);
        c.writeByteArray(number, payload);
        c.flush();
        return out.toByteArray();
    }

    @Test
    void millionsOfTinyMessagesAreRefusedBeforeTheyAreParsed() throws Exception {
        // 1.5 million empty nodes in a 3 MB file: over maxNodes, refused from the wire format alone.
        byte[] emptyNode = field(1, new byte[0]);
        ByteArrayOutputStream graph = new ByteArrayOutputStream();
        for (int i = 0; i < 1_500_000; i++) {
            graph.writeBytes(emptyNode);
        }
        byte[] manyNodes = field(7, graph.toByteArray());
        rejects(() -> Vinfer.open(manyNodes, smallOptions()), "more than 1000000 nodes");
        // One node with 3 million empty input names (6 MB): about 170 MB of String objects once parsed.
        ByteArrayOutputStream node = new ByteArrayOutputStream();
        for (int i = 0; i < 3_000_000; i++) {
            node.writeBytes(emptyNode); // field 1 of NodeProto is 'input'
        }
        byte[] manyStrings = field(7, field(1, node.toByteArray()));
        SessionOptions tight = new SessionOptions().limits(Limits.defaults().withMaxMemoryBytes(64L << 20));
        rejects(() -> Vinfer.open(manyStrings, tight), "bytes of heap once parsed", "maxMemoryBytes");
    }

    // ---- allocation bombs in weights ----

    @Test
    void aTrillionElementInitializerIsRejectedNamingIt() {
        TensorProto w = TensorProto.newBuilder().setName("w").setDataType(1).addDims(1_000_000).addDims(1_000_000)
                .build();
        GraphProto.Builder g = GraphProto.newBuilder().setName("g").addInitializer(w)
                .addOutput(tensorInfo("w", DType.FLOAT32, 1_000_000, 1_000_000));
        rejects(() -> openAndRun(model(g), Map.of()), "'w'");
    }

    @Test
    void dimsWithoutDataAreRejectedBeforeAllocating() {
        // 2^28 floats (1 GiB) declared, no data: must fail on the missing data, not allocate the gigabyte first.
        TensorProto w = TensorProto.newBuilder().setName("w").setDataType(1).addDims(1 << 28).build();
        GraphProto.Builder g = GraphProto.newBuilder().setName("g").addInitializer(w)
                .addOutput(tensorInfo("w", DType.FLOAT32, 1 << 28));
        rejects(() -> openAndRun(model(g), Map.of(), new SessionOptions().threads(1)), "'w'", "holds 0 values");
        TensorProto raw = TensorProto.newBuilder().setName("r").setDataType(1).addDims(1 << 28)
                .setRawData(ByteString.copyFrom(new byte[8])).build();
        GraphProto.Builder g2 = GraphProto.newBuilder().setName("g").addInitializer(raw)
                .addOutput(tensorInfo("r", DType.FLOAT32, 1 << 28));
        rejects(() -> openAndRun(model(g2), Map.of(), new SessionOptions().threads(1)), "'r'", "raw_data");
    }

    @Test
    void aSparseTensorDeclaringAHugeDenseShapeIsRejectedByTheBudget() {
        SparseTensorProto sp = SparseTensorProto.newBuilder()
                .setValues(TensorProtos.encode(Tensor.of(new float[] {1}, 1), "s"))
                .setIndices(longs("idx", 5)).addDims(1 << 30).build();
        GraphProto.Builder g = GraphProto.newBuilder().setName("g").addSparseInitializer(sp)
                .addOutput(tensorInfo("s", DType.FLOAT32, 1 << 30));
        rejects(() -> openAndRun(model(g), Map.of()), "sparse tensor 's'", "maxMemoryBytes");
    }

    @Test
    void sparseIndicesAreChecked() {
        SparseTensorProto outOfRange = SparseTensorProto.newBuilder()
                .setValues(TensorProtos.encode(Tensor.of(new float[] {1, 2}, 2), "s"))
                .setIndices(TensorProtos.encode(Tensor.of(new long[] {0, 0, 1, 9}, 2, 2), "i")).addDims(2)
                .addDims(2).build();
        rejects(() -> openAndRun(model(GraphProto.newBuilder().setName("g").addSparseInitializer(outOfRange)
                .addOutput(tensorInfo("s", DType.FLOAT32, 2, 2))), Map.of()), "out of range");
        SparseTensorProto tooFewIndices = SparseTensorProto.newBuilder()
                .setValues(TensorProtos.encode(Tensor.of(new float[] {1, 2, 3}, 3), "s"))
                .setIndices(longs("i", 0)).addDims(4).build();
        rejects(() -> openAndRun(model(GraphProto.newBuilder().setName("g").addSparseInitializer(tooFewIndices)
                .addOutput(tensorInfo("s", DType.FLOAT32, 4))), Map.of()), "indices");
    }

    @Test
    void weightsOverTheMemoryBudgetAreRejectedAtLoad() {
        GraphProto.Builder g = GraphProto.newBuilder().setName("g")
                .addInitializer(TensorProtos.encode(Tensor.zeros(DType.FLOAT32, 1 << 20), "w"))
                .addOutput(tensorInfo("w", DType.FLOAT32, 1 << 20));
        SessionOptions tight = new SessionOptions().limits(Limits.defaults().withMaxMemoryBytes(1 << 20));
        // Refused from the wire format already: the raw_data alone is over the budget.
        rejects(() -> openAndRun(model(g), Map.of(), tight), "maxMemoryBytes");
        assertEquals(1 << 20, openAndRun(model(g), Map.of()).get("w").size());
    }

    // ---- allocation bombs at run time (shape computed from data) ----

    /** A one-node model whose op reads a shape-like input from an initializer; folded at open unless fed. */
    private static GraphProto.Builder oneNode(String op, String[] inputs, TensorProto[] inits, DType outType,
            NodeProto.Builder extra) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("g").addInput(tensorInfo("x", DType.FLOAT32, 1))
                .addOutput(tensorInfo("y", outType));
        for (TensorProto t : inits) {
            g.addInitializer(t);
        }
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(op + "_bomb").addOutput("y");
        for (String i : inputs) {
            n.addInput(i);
        }
        if (extra != null) {
            n.addAllAttribute(extra.getAttributeList());
        }
        return g.addNode(n);
    }

    private static final Map<String, Tensor> ONE = Map.of("x", Tensor.of(new float[] {1}, 1));

    @Test
    void constantOfShapeBombs() {
        GraphProto.Builder folded = GraphProto.newBuilder().setName("g").addInitializer(longs("s", 1_000_000,
                1_000_000)).addOutput(tensorInfo("y", DType.FLOAT32))
                .addNode(node("ConstantOfShape", new String[] {"s"}, new String[] {"y"}));
        rejects(() -> openAndRun(model(folded), Map.of()), "ConstantOfShape");
        // Fed at run time: the shape arrives as data.
        GraphProto.Builder fed = GraphProto.newBuilder().setName("g").addInput(tensorInfo("s", DType.INT64, 2))
                .addOutput(tensorInfo("y", DType.FLOAT32))
                .addNode(node("ConstantOfShape", new String[] {"s"}, new String[] {"y"}));
        ExecutionException e = assertInstanceOf(ExecutionException.class, rejects(() -> openAndRun(model(fed),
                Map.of("s", Tensor.of(new long[] {1L << 20, 1L << 20}, 2))), "ConstantOfShape"));
        assertTrue(e.getMessage().contains("elements"), e.getMessage());
        // Within the element limit (2^28) but over the 256 MiB budget: the budget stops it before allocating.
        rejects(() -> openAndRun(model(fed), Map.of("s", Tensor.of(new long[] {1L << 14, 1L << 14}, 2))),
                "maxMemoryBytes");
        rejects(() -> openAndRun(model(fed), Map.of("s", Tensor.of(new long[] {-1, 4}, 2))), "ConstantOfShape");
    }

    @Test
    void expandTileRangePadOneHotBombs() {
        rejects(() -> openAndRun(model(oneNode("Expand", new String[] {"x", "s"},
                new TensorProto[] {longs("s", 100_000, 100_000)}, DType.FLOAT32, null)), ONE), "Expand");
        rejects(() -> openAndRun(model(oneNode("Expand", new String[] {"x", "s"},
                new TensorProto[] {longs("s", 1 << 15, 1 << 15)}, DType.FLOAT32, null)), ONE), "maxMemoryBytes");
        rejects(() -> openAndRun(model(oneNode("Tile", new String[] {"x", "r"},
                new TensorProto[] {longs("r", 1L << 40)}, DType.FLOAT32, null)), ONE), "Tile");
        rejects(() -> openAndRun(model(oneNode("Tile", new String[] {"x", "r"},
                new TensorProto[] {longs("r", 1 << 30)}, DType.FLOAT32, null)), ONE), "Tile");
        GraphProto.Builder range = GraphProto.newBuilder().setName("g")
                .addInitializer(scalarLong("a", 0)).addInitializer(scalarLong("b", Long.MAX_VALUE))
                .addInitializer(scalarLong("d", 1)).addOutput(tensorInfo("y", DType.INT64))
                .addNode(node("Range", new String[] {"a", "b", "d"}, new String[] {"y"}));
        rejects(() -> openAndRun(model(range), Map.of()), "Range");
        rejects(() -> openAndRun(model(oneNode("Pad", new String[] {"x", "p"},
                new TensorProto[] {longs("p", 1L << 29, 1L << 29)}, DType.FLOAT32, null)), ONE), "Pad");
        GraphProto.Builder oneHot = GraphProto.newBuilder().setName("g").addInput(tensorInfo("i", DType.INT64, 4))
                .addInitializer(scalarLong("depth", 1L << 31))
                .addInitializer(TensorProtos.encode(Tensor.of(new float[] {0, 1}, 2), "v"))
                .addOutput(tensorInfo("y", DType.FLOAT32))
                .addNode(node("OneHot", new String[] {"i", "depth", "v"}, new String[] {"y"}));
        rejects(() -> openAndRun(model(oneHot), Map.of("i", Tensor.of(new long[4], 4))), "OneHot");
    }

    @Test
    void reshapeToAbsurdSizesIsRejected() {
        for (long[] shape : new long[][] {{1_000_000_000_000L}, {-1, -1}, {-5}, {0, 0}, {1L << 31, 1},
            {Long.MIN_VALUE}}) {
            rejects(() -> openAndRun(model(oneNode("Reshape", new String[] {"x", "s"},
                    new TensorProto[] {longs("s", shape)}, DType.FLOAT32, null)), ONE), "Reshape");
        }
    }

    @Test
    void resizeBombs() {
        GraphProto.Builder scales = oneNode("Resize", new String[] {"x", "", "sc"},
                new TensorProto[] {TensorProtos.encode(Tensor.of(new float[] {1e9f}, 1), "sc")}, DType.FLOAT32, null);
        rejects(() -> openAndRun(model(scales), ONE), "Resize");
        GraphProto.Builder huge = oneNode("Resize", new String[] {"x", "", "sc"},
                new TensorProto[] {TensorProtos.encode(Tensor.of(new float[] {Float.POSITIVE_INFINITY}, 1), "sc")},
                DType.FLOAT32, null);
        rejects(() -> openAndRun(model(huge), ONE), "Resize");
        GraphProto.Builder sizes = oneNode("Resize", new String[] {"x", "", "", "sz"},
                new TensorProto[] {longs("sz", 1_000_000_000_000L)}, DType.FLOAT32, null);
        rejects(() -> openAndRun(model(sizes), ONE), "Resize");
        GraphProto.Builder nan = oneNode("Resize", new String[] {"x", "", "sc"},
                new TensorProto[] {TensorProtos.encode(Tensor.of(new float[] {Float.NaN}, 1), "sc")}, DType.FLOAT32,
                null);
        rejects(() -> openAndRun(model(nan), ONE), "Resize");
    }

    @Test
    void aLoopThatNeverStopsIsCutOffByTheIterationLimit() {
        // Loop with no trip count and a body that always says "go on": only maxLoopIterations stops it.
        GraphProto body = GraphProto.newBuilder().setName("body").addInput(tensorInfo("i", DType.INT64))
                .addInput(tensorInfo("cin", DType.BOOL)).addInput(tensorInfo("v", DType.FLOAT32, 1))
                .addOutput(tensorInfo("cout", DType.BOOL)).addOutput(tensorInfo("vout", DType.FLOAT32, 1))
                .addNode(node("Identity", new String[] {"cin"}, new String[] {"cout"}))
                .addNode(node("Neg", new String[] {"v"}, new String[] {"vout"})).build();
        GraphProto.Builder g = GraphProto.newBuilder().setName("g").addInput(tensorInfo("c", DType.BOOL))
                .addInput(tensorInfo("x", DType.FLOAT32, 1)).addOutput(tensorInfo("y", DType.FLOAT32, 1))
                .addNode(node("Loop", new String[] {"", "c", "x"}, new String[] {"y"}, graphAttr("body", body)));
        SessionOptions opts = smallOptions().limits(smallOptions().limits().withMaxLoopIterations(1000));
        rejects(() -> openAndRun(model(g), Map.of("c", Tensor.of(new boolean[] {true}), "x",
                Tensor.of(new float[] {1}, 1)), opts), "Loop", "1000 iterations");
    }

    @Test
    void theMemoryBudgetCountsLiveTensorsNotEverythingEverAllocated() {
        // A chain of 20 Relu on 1M floats allocates 80 MB in all but never holds more than two at once.
        GraphProto.Builder g = GraphProto.newBuilder().setName("g")
                .addInput(tensorInfo("x", DType.FLOAT32, 1 << 20)).addOutput(tensorInfo("y19", DType.FLOAT32));
        for (int i = 0; i < 20; i++) {
            g.addNode(node("Relu", new String[] {i == 0 ? "x" : "y" + (i - 1)}, new String[] {"y" + i}));
        }
        SessionOptions opts = new SessionOptions().threads(1)
                .limits(Limits.defaults().withMaxMemoryBytes(12L << 20));
        try (Session s = Vinfer.open(model(g).toByteArray(), opts)) {
            Tensor y = s.run(Map.of("x", Tensor.of(new float[1 << 20], 1 << 20))).get("y19");
            assertEquals(1 << 20, y.size());
            assertTrue(s.lastRunPeakBytes() <= (8L << 20) + 1024, "peak " + s.lastRunPeakBytes());
        }
        SessionOptions tooSmall = new SessionOptions().threads(1)
                .limits(Limits.defaults().withMaxMemoryBytes(3L << 20));
        rejects(() -> openAndRun(model(g), Map.of("x", Tensor.of(new float[1 << 20], 1 << 20)), tooSmall),
                "maxMemoryBytes", "Relu");
    }

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
