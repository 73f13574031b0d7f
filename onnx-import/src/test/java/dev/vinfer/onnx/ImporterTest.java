package dev.vinfer.onnx;

import static dev.vinfer.testdata.Models.graphAttr;
import static dev.vinfer.testdata.Models.model;
import static dev.vinfer.testdata.Models.node;
import static dev.vinfer.testdata.Models.tensorAttr;
import static dev.vinfer.testdata.Models.tensorInfo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vinfer.Vinfer;
import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.onnx.proto.OnnxIr.ModelProto;
import dev.vinfer.onnx.proto.OnnxIr.NodeProto;
import dev.vinfer.onnx.proto.OnnxIr.StringStringEntryProto;
import dev.vinfer.onnx.proto.OnnxIr.TensorProto;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.InputException;
import dev.vinfer.runtime.ModelException;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Import rules that the conformance data does not exercise: external data, IR 3 weights, errors. */
class ImporterTest {
    @TempDir
    Path tmp;

    private static GraphProto.Builder identityGraph() {
        return GraphProto.newBuilder().setName("g").addInput(tensorInfo("x", DType.FLOAT32, 2))
                .addOutput(tensorInfo("y", DType.FLOAT32, 2))
                .addNode(node("Identity", new String[] {"x"}, new String[] {"y"}));
    }

    @Test
    void everyUnsupportedOpIsListedAtOnce() {
        GraphProto g = GraphProto.newBuilder().setName("g").addInput(tensorInfo("x", DType.FLOAT32, 2))
                .addOutput(tensorInfo("z", DType.FLOAT32, 2))
                .addNode(node("NoSuchOpA", new String[] {"x"}, new String[] {"y"}))
                .addNode(node("NoSuchOpB", new String[] {"y"}, new String[] {"z"})).build();
        UnsupportedOpException e = assertThrows(UnsupportedOpException.class,
                () -> Vinfer.open(model(g, 13).toByteArray(), new SessionOptions()));
        assertEquals(2, e.unsupported().size(), e.getMessage());
        assertTrue(e.getMessage().contains("ai.onnx:NoSuchOpA (opset 13)"), e.getMessage());
        assertTrue(e.getMessage().contains("ai.onnx:NoSuchOpB (opset 13)"), e.getMessage());
    }

    @Test
    void inputWithInitializerIsAConstant() {
        // IR 3 style: the weight is listed as a graph input and also has an initializer.
        GraphProto g = GraphProto.newBuilder().setName("g").addInput(tensorInfo("x", DType.FLOAT32, 2))
                .addInput(tensorInfo("w", DType.FLOAT32, 2))
                .addInitializer(TensorProtos.encode(Tensor.of(new float[] {5, 6}, 2), "w"))
                .addOutput(tensorInfo("w", DType.FLOAT32, 2))
                .addOutput(tensorInfo("y", DType.FLOAT32, 2))
                .addNode(node("Identity", new String[] {"x"}, new String[] {"y"})).build();
        try (Session s = Vinfer.open(model(g, 9).toByteArray(), new SessionOptions())) {
            assertEquals(1, s.inputs().size(), "only x is fed");
            Map<String, Tensor> out = s.run(Map.of("x", Tensor.of(new float[] {1, 2}, 2)));
            assertArrayEquals(new float[] {5, 6}, out.get("w").toFloatArray());
        }
    }

    @Test
    void constantNodeForms() {
        GraphProto g = GraphProto.newBuilder().setName("g")
                .addOutput(tensorInfo("c", DType.FLOAT32, 3))
                .addNode(node("Constant", new String[] {}, new String[] {"c"},
                        tensorAttr("value", Tensor.of(new float[] {1, 2, 3}, 3))))
                .build();
        try (Session s = Vinfer.open(model(g, 13).toByteArray(), new SessionOptions())) {
            assertArrayEquals(new float[] {1, 2, 3}, s.run(Map.of()).get("c").toFloatArray());
        }
    }

    private Path writeExternalModel(String location, long offset) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        b.putFloat(7).putFloat(8);
        Files.write(tmp.resolve("weights.bin"), b.array());
        TensorProto w = TensorProto.newBuilder().setName("w").setDataType(1).addDims(2)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue("" + offset))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue("8")).build();
        GraphProto g = GraphProto.newBuilder().setName("g").addInitializer(w)
                .addOutput(tensorInfo("w", DType.FLOAT32, 2)).build();
        Path file = tmp.resolve("model.onnx");
        Files.write(file, model(g, 13).toByteArray());
        return file;
    }

    @Test
    void externalDataIsReadFromTheModelsFolder() throws Exception {
        Path m = writeExternalModel("weights.bin", 0);
        try (Session s = Vinfer.open(m)) {
            assertArrayEquals(new float[] {7, 8}, s.run(Map.of()).get("w").toFloatArray());
        }
    }

    @Test
    void externalDataMayNotLeaveTheModelsFolder() throws Exception {
        for (String bad : new String[] {"../weights.bin", "/etc/passwd", "sub/../../x.bin"}) {
            Path m = writeExternalModel(bad, 0);
            ModelException e = assertThrows(ModelException.class, () -> Vinfer.open(m));
            assertTrue(e.getMessage().contains("'w'"), e.getMessage());
        }
        Path outside = Files.createTempFile("vinfer-outside", ".bin");
        Files.write(outside, new byte[8]);
        Files.createSymbolicLink(tmp.resolve("link.bin"), outside);
        Path m = writeExternalModel("link.bin", 0);
        ModelException e = assertThrows(ModelException.class, () -> Vinfer.open(m));
        assertTrue(e.getMessage().contains("outside"), e.getMessage());
        Files.delete(outside);
    }

    @Test
    void externalDataOffsetsAreChecked() throws Exception {
        Path m = writeExternalModel("weights.bin", 4);
        ModelException e = assertThrows(ModelException.class, () -> Vinfer.open(m));
        assertTrue(e.getMessage().contains("outside"), e.getMessage());
    }

    @Test
    void externalDataNeedsAFolder() throws Exception {
        Path m = writeExternalModel("weights.bin", 0);
        byte[] bytes = Files.readAllBytes(m);
        assertThrows(ModelException.class, () -> Vinfer.open(bytes, new SessionOptions()));
    }

    @Test
    void wrongInputsAreNamed() {
        try (Session s = Vinfer.open(model(identityGraph().build(), 13).toByteArray(), new SessionOptions())) {
            InputException missing = assertThrows(InputException.class, () -> s.run(Map.of()));
            assertTrue(missing.getMessage().contains("'x'"), missing.getMessage());
            InputException shape = assertThrows(InputException.class,
                    () -> s.run(Map.of("x", Tensor.of(new float[3], 3))));
            assertTrue(shape.getMessage().contains("[2]") && shape.getMessage().contains("[3]"), shape.getMessage());
            InputException dtype = assertThrows(InputException.class,
                    () -> s.run(Map.of("x", Tensor.of(new long[2], 2))));
            assertTrue(dtype.getMessage().contains("float32"), dtype.getMessage());
            InputException extra = assertThrows(InputException.class,
                    () -> s.run(Map.of("x", Tensor.of(new float[2], 2), "nope", Tensor.scalar(1f))));
            assertTrue(extra.getMessage().contains("'nope'"), extra.getMessage());
        }
    }

    @Test
    void corruptBytesGiveAModelException() {
        byte[] junk = {0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 1, 2, 3};
        assertThrows(ModelException.class, () -> Vinfer.open(junk, new SessionOptions()));
        assertThrows(ModelException.class, () -> Vinfer.open(tmp.resolve("missing.onnx")));
    }

    @Test
    void ifBranchReadsOuterValues() {
        // then: y = x (outer value); else: y = c (outer constant)
        GraphProto thenG = GraphProto.newBuilder().setName("then").addOutput(tensorInfo("t", DType.FLOAT32, 2))
                .addNode(node("Identity", new String[] {"x"}, new String[] {"t"})).build();
        GraphProto elseG = GraphProto.newBuilder().setName("else").addOutput(tensorInfo("e", DType.FLOAT32, 2))
                .addNode(node("Identity", new String[] {"c"}, new String[] {"e"})).build();
        NodeProto ifNode = node("If", new String[] {"cond"}, new String[] {"y"}, graphAttr("then_branch", thenG),
                graphAttr("else_branch", elseG));
        GraphProto g = GraphProto.newBuilder().setName("g").addInput(tensorInfo("cond", DType.BOOL))
                .addInput(tensorInfo("x", DType.FLOAT32, 2))
                .addInitializer(TensorProtos.encode(Tensor.of(new float[] {9, 9}, 2), "c"))
                .addOutput(tensorInfo("y", DType.FLOAT32, 2)).addNode(ifNode).build();
        ModelProto m = model(g, 13);
        try (Session s = Vinfer.open(m.toByteArray(), new SessionOptions())) {
            Tensor x = Tensor.of(new float[] {1, 2}, 2);
            assertArrayEquals(new float[] {1, 2}, s.run(Map.of("cond", Tensor.of(new boolean[] {true}), "x", x))
                    .get("y").toFloatArray());
            assertArrayEquals(new float[] {9, 9}, s.run(Map.of("cond", Tensor.of(new boolean[] {false}), "x", x))
                    .get("y").toFloatArray());
        }
    }

    @Test
    void cyclesAreRejectedNamingANode() {
        GraphProto g = GraphProto.newBuilder().setName("g").addInput(tensorInfo("x", DType.FLOAT32, 2))
                .addOutput(tensorInfo("b", DType.FLOAT32, 2))
                .addNode(node("Identity", new String[] {"b"}, new String[] {"a"}))
                .addNode(node("Identity", new String[] {"a"}, new String[] {"b"})).build();
        ModelException e = assertThrows(ModelException.class, () -> Vinfer.open(model(g, 13).toByteArray(),
                new SessionOptions()));
        assertTrue(e.getMessage().contains("cycle"), e.getMessage());
    }
}
