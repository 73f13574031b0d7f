package dev.vinfer.bench.models;

import com.google.protobuf.UnsafeByteOperations;
import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.onnx.proto.OnnxIr.ModelProto;
import dev.vinfer.onnx.proto.OnnxIr.NodeProto;
import dev.vinfer.onnx.proto.OnnxIr.OperatorSetIdProto;
import dev.vinfer.onnx.proto.OnnxIr.TensorProto;
import dev.vinfer.onnx.proto.OnnxIr.TensorShapeProto;
import dev.vinfer.onnx.proto.OnnxIr.TypeProto;
import dev.vinfer.onnx.proto.OnnxIr.ValueInfoProto;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Assembles an ONNX {@code GraphProto} node by node: unique value and node names, initializers stored as
 * little-endian {@code raw_data} (as exporters write them), inputs and outputs with fixed or symbolic dims.
 * Knows nothing about layers; {@link Layers} builds on it.
 */
public final class GraphBuilder {
    static final int FLOAT = 1;
    static final int INT64 = 7;

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final Map<String, Integer> counters = new HashMap<>();

    public GraphBuilder(String name) {
        graph.setName(name);
    }

    /** A fresh value name "hint_N". */
    public String fresh(String hint) {
        int n = counters.merge(hint, 1, Integer::sum);
        return hint + "_" + n;
    }

    /** Declares a float graph input; each dim is an Integer (fixed) or a String (symbolic). */
    public String input(String name, Object... dims) {
        graph.addInput(floatInfo(name, dims));
        return name;
    }

    /** Declares a float graph output; each dim is an Integer (fixed) or a String (symbolic). */
    public void output(String name, Object... dims) {
        graph.addOutput(floatInfo(name, dims));
    }

    public String floats(String hint, float[] data, int... dims) {
        ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(data);
        return initializer(hint, FLOAT, b.array(), dims);
    }

    public String longs(String hint, long[] data, int... dims) {
        ByteBuffer b = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(data);
        return initializer(hint, INT64, b.array(), dims);
    }

    private String initializer(String hint, int type, byte[] raw, int... dims) {
        String name = fresh(hint);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type)
                .setRawData(UnsafeByteOperations.unsafeWrap(raw));
        for (int d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return name;
    }

    /** Adds a node with one output and returns the output's name. An input "" stands for an omitted optional. */
    public String node(String op, List<String> inputs, Attr... attrs) {
        return node(op, inputs, 1, attrs)[0];
    }

    /** Adds a node with {@code outputs} outputs and returns their names. */
    public String[] node(String op, List<String> inputs, int outputs, Attr... attrs) {
        String base = fresh(op.toLowerCase());
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(base).addAllInput(inputs);
        String[] outs = new String[outputs];
        for (int i = 0; i < outputs; i++) {
            outs[i] = outputs == 1 ? base : base + "_" + i;
            n.addOutput(outs[i]);
        }
        for (Attr a : attrs) {
            n.addAttribute(a.proto());
        }
        graph.addNode(n);
        return outs;
    }

    /** The model: IR version 8 with one default-domain opset import. */
    public ModelProto model(int opset) {
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("vinfer-bench-families")
                .setProducerVersion("1").setGraph(graph.build())
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset)).build();
    }

    /** Writes a model to {@code file} (creating its folder), replacing any earlier file. */
    public static Path write(ModelProto model, Path file) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                model.writeTo(out);
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static ValueInfoProto floatInfo(String name, Object... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof String p) {
                dim.setDimParam(p);
            } else {
                dim.setDimValue(((Number) d).longValue());
            }
            s.addDim(dim);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(FLOAT).setShape(s))).build();
    }
}
