package dev.vinfer.onnx.fuzz;

import com.google.protobuf.ByteString;
import dev.vinfer.onnx.OpRegistry;
import dev.vinfer.onnx.proto.OnnxIr.AttributeProto;
import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.onnx.proto.OnnxIr.ModelProto;
import dev.vinfer.onnx.proto.OnnxIr.NodeProto;
import dev.vinfer.onnx.proto.OnnxIr.StringStringEntryProto;
import dev.vinfer.onnx.proto.OnnxIr.TensorProto;
import dev.vinfer.onnx.proto.OnnxIr.TensorShapeProto;
import dev.vinfer.onnx.proto.OnnxIr.TypeProto;
import dev.vinfer.onnx.proto.OnnxIr.ValueInfoProto;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Structure-aware mutation of ONNX models at the protobuf-field level: the mutations keep the file a well-formed
 * ModelProto (which random bytes almost never are) while breaking what the importer and the ops must check:
 * op types, wiring (undefined values, cycles, duplicate producers), attribute values, tensor dims, dtypes and data
 * sizes, declared input types and shapes, opset versions, subgraphs.
 */
public final class ModelMutator {
    private static final long[] INTERESTING_LONGS = {0, 1, -1, 2, 3, 4, 7, 16, 255, 256, 65535, 65536,
        Integer.MAX_VALUE, 1L << 31, 1L << 32, Integer.MIN_VALUE, 1L << 62, Long.MAX_VALUE, Long.MIN_VALUE,
        1_000_000_000_000L, -2, -3, -7};
    private static final float[] INTERESTING_FLOATS = {0f, -0f, 1f, -1f, 0.5f, 2f, Float.NaN,
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e30f, -1e30f, 1e-45f, Float.MAX_VALUE, 1e-7f};
    private static final String[] ATTRIBUTE_NAMES = {"axis", "axes", "perm", "pads", "strides", "kernel_shape",
        "dilations", "group", "to", "keepdims", "alpha", "beta", "mode", "auto_pad", "value", "transA", "transB",
        "equation", "direction", "split", "starts", "ends", "allowzero", "select_last_index", "largest", "sorted",
        "k", "output_shape", "output_padding", "ceil_mode", "count_include_pad", "epsilon", "blocksize",
        "upper", "seed", "batch_dims", "reduction", "fmod", "then_branch", "else_branch"};
    private static final String[] STRINGS = {"", "constant", "reflect", "edge", "wrap", "SAME_UPPER", "SAME_LOWER",
        "VALID", "NOTSET", "LEFT", "RIGHT", "ij,jk->ik", "i,i->", "...ii->...i", "abc,cd->abd", "none", "tanh",
        "DCR", "CRD", "add", "mul", "max"};

    private final List<String> ops;
    private final Choices c;
    private int fresh;

    private ModelMutator(Choices c) {
        this.c = c;
        List<String> names = new ArrayList<>();
        for (OpRegistry.Entry e : OpRegistry.standard().entries()) {
            if (e.domain().isEmpty()) {
                names.add(e.opType());
            }
        }
        names.add("NoSuchOp");
        names.add("Constant");
        this.ops = names;
    }

    /** {@code seed} after {@code count} mutations drawn from {@code choices}. */
    public static ModelProto mutate(ModelProto seed, Choices choices, int count) {
        ModelMutator m = new ModelMutator(choices);
        ModelProto.Builder b = seed.toBuilder();
        for (int i = 0; i < count; i++) {
            m.mutateModel(b);
        }
        return b.build();
    }

    private void mutateModel(ModelProto.Builder m) {
        int k = c.pick(20);
        if (k == 0 && m.getOpsetImportCount() > 0) {
            m.getOpsetImportBuilder(0).setVersion(c.pick(26));
        } else if (k == 1) {
            m.setIrVersion(c.pick(12));
        } else {
            mutateGraph(m.getGraphBuilder(), 0);
        }
    }

    private void mutateGraph(GraphProto.Builder g, int depth) {
        int nodes = g.getNodeCount();
        switch (c.pick(16)) {
            case 0 -> {
                if (nodes > 0) {
                    g.getNodeBuilder(c.pick(nodes)).setOpType(ops.get(c.pick(ops.size())));
                }
            }
            case 1 -> {
                if (nodes > 0) {
                    NodeProto.Builder n = g.getNodeBuilder(c.pick(nodes));
                    if (n.getInputCount() > 0) {
                        n.setInput(c.pick(n.getInputCount()), someName(g));
                    } else {
                        n.addInput(someName(g));
                    }
                }
            }
            case 2 -> {
                if (nodes > 0) {
                    NodeProto.Builder n = g.getNodeBuilder(c.pick(nodes));
                    if (c.coin() && n.getInputCount() > 0) {
                        List<String> in = new ArrayList<>(n.getInputList());
                        in.remove(in.size() - 1);
                        n.clearInput().addAllInput(in);
                    } else {
                        n.addInput(someName(g));
                    }
                }
            }
            case 3 -> {
                if (nodes > 0) {
                    NodeProto.Builder n = g.getNodeBuilder(c.pick(nodes));
                    if (n.getOutputCount() > 0 && c.coin()) {
                        n.setOutput(c.pick(n.getOutputCount()), someName(g));
                    } else {
                        n.addOutput("f" + fresh++);
                    }
                }
            }
            case 4 -> {
                if (nodes > 0) {
                    g.removeNode(c.pick(nodes));
                }
            }
            case 5 -> {
                if (nodes > 0) {
                    NodeProto.Builder copy = g.getNode(c.pick(nodes)).toBuilder();
                    for (int o = 0; o < copy.getOutputCount(); o++) {
                        if (c.coin()) {
                            copy.setOutput(o, "f" + fresh++);
                        }
                    }
                    g.addNode(c.pick(nodes + 1), copy);
                }
            }
            case 6 -> {
                if (nodes > 1) {
                    int a = c.pick(nodes);
                    int b = c.pick(nodes);
                    NodeProto na = g.getNode(a);
                    g.setNode(a, g.getNode(b));
                    g.setNode(b, na);
                }
            }
            case 7, 8 -> {
                if (nodes > 0) {
                    mutateAttributes(g.getNodeBuilder(c.pick(nodes)), depth);
                }
            }
            case 9, 10 -> {
                if (g.getInitializerCount() > 0) {
                    mutateTensor(g.getInitializerBuilder(c.pick(g.getInitializerCount())));
                } else if (nodes > 0) {
                    mutateAttributes(g.getNodeBuilder(c.pick(nodes)), depth);
                }
            }
            case 11 -> {
                if (g.getInputCount() > 0) {
                    mutateType(g.getInputBuilder(c.pick(g.getInputCount())));
                }
            }
            case 12 -> {
                if (g.getOutputCount() > 0 && c.coin()) {
                    g.removeOutput(c.pick(g.getOutputCount()));
                } else {
                    g.addOutput(ValueInfoProto.newBuilder().setName(someName(g)));
                }
            }
            case 13 -> {
                // A value becomes a graph input (fed from outside) with some declared type.
                ValueInfoProto.Builder vi = ValueInfoProto.newBuilder().setName(someName(g));
                mutateType(vi);
                g.addInput(vi);
            }
            case 14 -> {
                // An initializer becomes a Constant node, or a Constant node an initializer.
                if (g.getInitializerCount() > 0 && c.coin()) {
                    int i = c.pick(g.getInitializerCount());
                    TensorProto t = g.getInitializer(i);
                    g.removeInitializer(i);
                    g.addNode(c.pick(nodes + 1), NodeProto.newBuilder().setOpType("Constant").addOutput(t.getName())
                            .addAttribute(AttributeProto.newBuilder().setName("value")
                                    .setType(AttributeProto.AttributeType.TENSOR).setT(t)));
                } else {
                    g.addInitializer(TensorProto.newBuilder().setName(someName(g)).setDataType(1 + c.pick(13))
                            .addDims(c.pick(4)).setRawData(ByteString.copyFrom(new byte[c.pick(40)])));
                }
            }
            default -> {
                // Recurse into a subgraph if there is one, else mutate a node's attributes.
                for (int i = 0; i < nodes; i++) {
                    NodeProto.Builder n = g.getNodeBuilder(i);
                    for (int a = 0; a < n.getAttributeCount(); a++) {
                        if (n.getAttribute(a).hasG() && depth < 4) {
                            mutateGraph(n.getAttributeBuilder(a).getGBuilder(), depth + 1);
                            return;
                        }
                    }
                }
                if (nodes > 0) {
                    mutateAttributes(g.getNodeBuilder(c.pick(nodes)), depth);
                }
            }
        }
    }

    /** A name from the graph (so wiring stays plausible), the empty name, or a fresh one. */
    private String someName(GraphProto.Builder g) {
        Set<String> names = new LinkedHashSet<>();
        for (ValueInfoProto v : g.getInputList()) {
            names.add(v.getName());
        }
        for (TensorProto t : g.getInitializerList()) {
            names.add(t.getName());
        }
        for (NodeProto n : g.getNodeList()) {
            names.addAll(n.getInputList());
            names.addAll(n.getOutputList());
        }
        int k = c.pick(names.size() + 2);
        if (k == names.size()) {
            return "";
        }
        if (k == names.size() + 1) {
            return "f" + fresh++;
        }
        return new ArrayList<>(names).get(k);
    }

    private void mutateAttributes(NodeProto.Builder n, int depth) {
        int count = n.getAttributeCount();
        int k = c.pick(4);
        if (count == 0 || k == 0) {
            AttributeProto.Builder a = AttributeProto.newBuilder()
                    .setName(ATTRIBUTE_NAMES[c.pick(ATTRIBUTE_NAMES.length)]);
            switch (c.pick(5)) {
                case 0 -> a.setType(AttributeProto.AttributeType.INT).setI(interestingLong());
                case 1 -> a.setType(AttributeProto.AttributeType.FLOAT).setF(interestingFloat());
                case 2 -> {
                    a.setType(AttributeProto.AttributeType.INTS);
                    for (int i = c.pick(6); i > 0; i--) {
                        a.addInts(interestingLong());
                    }
                }
                case 3 -> a.setType(AttributeProto.AttributeType.STRING)
                        .setS(ByteString.copyFromUtf8(STRINGS[c.pick(STRINGS.length)]));
                default -> a.setType(AttributeProto.AttributeType.TENSOR).setT(TensorProto.newBuilder()
                        .setDataType(1 + c.pick(13)).addDims(c.pick(3)).setRawData(ByteString.copyFrom(
                                new byte[c.pick(24)])));
            }
            n.addAttribute(a);
            return;
        }
        if (k == 1) {
            n.removeAttribute(c.pick(count));
            return;
        }
        AttributeProto.Builder a = n.getAttributeBuilder(c.pick(count));
        if (a.hasG() && depth < 4) {
            mutateGraph(a.getGBuilder(), depth + 1);
        } else if (a.hasT()) {
            mutateTensor(a.getTBuilder());
        } else if (a.getIntsCount() > 0 || a.getType() == AttributeProto.AttributeType.INTS) {
            switch (c.pick(4)) {
                case 0 -> a.addInts(interestingLong());
                case 1 -> a.clearInts();
                default -> {
                    if (a.getIntsCount() > 0) {
                        a.setInts(c.pick(a.getIntsCount()), interestingLong());
                    }
                }
            }
        } else if (a.getFloatsCount() > 0) {
            a.setFloats(c.pick(a.getFloatsCount()), interestingFloat());
        } else if (a.getType() == AttributeProto.AttributeType.FLOAT) {
            a.setF(interestingFloat());
        } else if (a.getType() == AttributeProto.AttributeType.STRING) {
            a.setS(ByteString.copyFromUtf8(STRINGS[c.pick(STRINGS.length)]));
        } else {
            a.setI(interestingLong());
        }
    }

    private void mutateTensor(TensorProto.Builder t) {
        switch (c.pick(8)) {
            case 0 -> {
                if (t.getDimsCount() > 0) {
                    t.setDims(c.pick(t.getDimsCount()), interestingLong());
                } else {
                    t.addDims(interestingLong());
                }
            }
            case 1 -> {
                if (t.getDimsCount() > 0 && c.coin()) {
                    List<Long> d = new ArrayList<>(t.getDimsList());
                    d.remove(d.size() - 1);
                    t.clearDims().addAllDims(d);
                } else {
                    t.addDims(c.pick(4));
                }
            }
            case 2 -> t.setDataType(c.pick(27));
            case 3 -> {
                ByteString raw = t.getRawData();
                int cut = raw.isEmpty() ? 0 : c.pick(raw.size() + 1);
                t.setRawData(raw.substring(0, cut));
            }
            case 4 -> {
                // Overwrite some bytes of the data: NaN and infinity patterns, huge and negative integers.
                byte[] raw = t.getRawData().toByteArray();
                for (int i = 0; i + 3 < raw.length; i += 4) {
                    if (c.pick(3) == 0) {
                        int bits = Float.floatToRawIntBits(interestingFloat());
                        if (c.coin()) {
                            bits = (int) interestingLong();
                        }
                        raw[i] = (byte) bits;
                        raw[i + 1] = (byte) (bits >> 8);
                        raw[i + 2] = (byte) (bits >> 16);
                        raw[i + 3] = (byte) (bits >> 24);
                    }
                }
                t.setRawData(ByteString.copyFrom(raw));
            }
            case 5 -> {
                // Switch to the typed fields, with a count that may not match the dims.
                t.clearRawData();
                for (int i = c.pick(6); i > 0; i--) {
                    t.addFloatData(interestingFloat());
                    t.addInt64Data(interestingLong());
                    t.addInt32Data((int) interestingLong());
                }
            }
            case 6 -> t.setDataLocation(TensorProto.DataLocation.EXTERNAL).addExternalData(
                    StringStringEntryProto.newBuilder().setKey("location").setValue(c.coin() ? "../w.bin" : "w.bin"));
            default -> t.setName(t.getName() + (c.coin() ? "" : "_" + fresh++));
        }
    }

    private void mutateType(ValueInfoProto.Builder vi) {
        TypeProto.Tensor.Builder tt = vi.getTypeBuilder().getTensorTypeBuilder();
        switch (c.pick(4)) {
            case 0 -> tt.setElemType(c.pick(27));
            case 1 -> tt.clearShape();
            default -> {
                TensorShapeProto.Builder s = tt.getShapeBuilder();
                if (s.getDimCount() > 0 && c.coin()) {
                    TensorShapeProto.Dimension.Builder d = s.getDimBuilder(c.pick(s.getDimCount()));
                    if (c.coin()) {
                        d.setDimValue(interestingLong());
                    } else {
                        d.setDimParam("N");
                    }
                } else {
                    s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(c.pick(5)));
                }
            }
        }
    }

    private long interestingLong() {
        return c.pick(4) == 0 ? c.anyLong() : c.coin() ? INTERESTING_LONGS[c.pick(INTERESTING_LONGS.length)]
                : c.pick(8) - 2;
    }

    private float interestingFloat() {
        return c.coin() ? INTERESTING_FLOATS[c.pick(INTERESTING_FLOATS.length)] : Float.intBitsToFloat((int) c
                .anyLong());
    }
}
