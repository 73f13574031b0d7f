package dev.vinfer.onnx.hostile;

import static dev.vinfer.onnx.hostile.Hostile.longs;
import static dev.vinfer.onnx.hostile.Hostile.model;
import static dev.vinfer.onnx.hostile.Hostile.openAndRun;
import static dev.vinfer.onnx.hostile.Hostile.rejects;
import static dev.vinfer.onnx.hostile.Hostile.reluModel;
import static dev.vinfer.onnx.hostile.Hostile.smallOptions;
import static dev.vinfer.onnx.hostile.Hostile.survives;
import static dev.vinfer.testdata.Models.node;
import static dev.vinfer.testdata.Models.tensorInfo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import dev.vinfer.Vinfer;
import dev.vinfer.onnx.TensorProtos;
import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.onnx.proto.OnnxIr.NodeProto;
import dev.vinfer.onnx.proto.OnnxIr.SparseTensorProto;
import dev.vinfer.onnx.proto.OnnxIr.TensorProto;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Limits;
import dev.vinfer.runtime.Session;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Malformed files and allocation bombs in the weights: each must end in a VinferException that says what
 * is wrong, quickly and without a large allocation.
 */
class HostileFileTest {

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
}
