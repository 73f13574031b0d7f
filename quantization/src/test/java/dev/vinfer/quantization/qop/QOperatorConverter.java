package dev.vinfer.quantization.qop;

import dev.vinfer.onnx.TensorProtos;
import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.onnx.proto.OnnxIr.ModelProto;
import dev.vinfer.onnx.proto.OnnxIr.NodeProto;
import dev.vinfer.onnx.proto.OnnxIr.OperatorSetIdProto;
import dev.vinfer.onnx.proto.OnnxIr.TensorProto;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Limits;
import dev.vinfer.runtime.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Test-scope tool: rewrites a QDQ model into QOperator form, as ONNX Runtime's quantizer writes it with
 * {@code QuantFormat.QOperator}, so there is a real QOperator model to check against ONNX Runtime:
 * <ul>
 * <li>{@code DQ(x) -> Conv(DQ(w), [DQ(b32) | b]) [-> Relu when the output zero point is the type's minimum] -> Q}
 * becomes QLinearConv (int32 bias in units of x_scale * w_scale);</li>
 * <li>{@code DQ(a) -> MatMul(DQ(B)) -> Q} becomes QLinearMatMul;</li>
 * <li>{@code DQ(a), DQ(b) -> Add/Mul [-> Relu, as for Conv] -> Q} becomes com.microsoft QLinearAdd / QLinearMul;</li>
 * <li>{@code DQ(x...) -> Concat -> Q} becomes com.microsoft QLinearConcat;</li>
 * <li>{@code DQ(x) -> GlobalAveragePool -> Q} becomes com.microsoft QLinearGlobalAveragePool.</li>
 * </ul>
 * Everything else (data movement, pooling, the float input and output) keeps its QDQ form. Only per-tensor
 * activation parameters given as initializers are converted.
 */
public final class QOperatorConverter {
    private final GraphProto graph;
    private final Map<String, TensorProto> inits = new HashMap<>();
    private final Map<String, NodeProto> producer = new HashMap<>();
    private final Map<String, Integer> uses = new HashMap<>();
    private final Set<String> outputs = new HashSet<>();
    private final List<TensorProto> newInits = new ArrayList<>();
    /** How many nodes of each QOperator type were written. */
    public final Map<String, Integer> converted = new LinkedHashMap<>();

    private QOperatorConverter(GraphProto graph) {
        this.graph = graph;
        graph.getInitializerList().forEach(t -> inits.put(t.getName(), t));
        for (NodeProto n : graph.getNodeList()) {
            n.getOutputList().forEach(o -> producer.put(o, n));
            for (String i : n.getInputList()) {
                uses.merge(i, 1, Integer::sum);
            }
        }
        graph.getOutputList().forEach(o -> outputs.add(o.getName()));
    }

    /** The converted model and, in {@code counts}, how many nodes of each QOperator type it has. */
    public static ModelProto convert(ModelProto model, Map<String, Integer> counts) {
        QOperatorConverter c = new QOperatorConverter(model.getGraph());
        GraphProto g = c.run();
        counts.putAll(c.converted);
        ModelProto.Builder m = model.toBuilder().setGraph(g);
        boolean hasMs = model.getOpsetImportList().stream().anyMatch(o -> o.getDomain().equals("com.microsoft"));
        if (!hasMs) {
            m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("com.microsoft").setVersion(1));
        }
        return m.build();
    }

    private GraphProto run() {
        Map<NodeProto, NodeProto> replaceAt = new HashMap<>();
        Set<NodeProto> absorbed = new HashSet<>();
        for (NodeProto q : graph.getNodeList()) {
            if (!q.getOpType().equals("QuantizeLinear") || !scalarParams(q)) {
                continue;
            }
            String f = q.getInput(0);
            NodeProto p = producer.get(f);
            if (p == null || !singleUse(f)) {
                continue;
            }
            NodeProto relu = null;
            if (p.getOpType().equals("Relu") && singleUse(p.getInput(0)) && producer.get(p.getInput(0)) != null
                    && List.of("Conv", "Add").contains(producer.get(p.getInput(0)).getOpType()) && zeroIsMinimum(q)) {
                relu = p;
                p = producer.get(p.getInput(0));
            }
            NodeProto made = switch (p.getOpType()) {
                case "Conv" -> conv(p, q);
                case "MatMul" -> matMul(p, q);
                case "Add", "Mul" -> binary(p, q);
                case "Concat" -> concat(p, q);
                case "GlobalAveragePool" -> globalAveragePool(p, q);
                default -> null;
            };
            if (made != null) {
                replaceAt.put(q, made);
                absorbed.add(p);
                if (relu != null) {
                    absorbed.add(relu);
                }
                converted.merge(made.getOpType(), 1, Integer::sum);
            }
        }
        List<NodeProto> nodes = new ArrayList<>();
        for (NodeProto n : graph.getNodeList()) {
            if (replaceAt.containsKey(n)) {
                nodes.add(replaceAt.get(n));
            } else if (!absorbed.contains(n)) {
                nodes.add(n);
            }
        }
        nodes = live(nodes);
        Set<String> read = new HashSet<>();
        nodes.forEach(n -> read.addAll(n.getInputList()));
        GraphProto.Builder out = graph.toBuilder().clearNode().addAllNode(nodes).clearInitializer();
        for (TensorProto t : graph.getInitializerList()) {
            if (read.contains(t.getName())) {
                out.addInitializer(t);
            }
        }
        newInits.forEach(out::addInitializer);
        return out.build();
    }

    private NodeProto conv(NodeProto conv, NodeProto q) {
        NodeProto dx = dq(conv.getInput(0));
        NodeProto dw = dq(conv.getInput(1));
        if (dx == null || dw == null || !scalarParams(dx) || !inits.containsKey(dw.getInput(0))) {
            return null;
        }
        float xs = tensor(dx.getInput(1)).getFloat(0);
        Tensor ws = tensor(dw.getInput(1));
        int m = tensor(dw.getInput(0)).dim(0);
        List<String> in = new ArrayList<>(List.of(dx.getInput(0), dx.getInput(1), dx.getInput(2), dw.getInput(0),
                dw.getInput(1), dw.getInputCount() > 2 ? dw.getInput(2) : "", q.getInput(1), q.getInput(2)));
        if (conv.getInputCount() > 2 && !conv.getInput(2).isEmpty()) {
            int[] b32 = new int[m];
            NodeProto db = dq(conv.getInput(2));
            Tensor b = db != null ? tensor(db.getInput(0)) : tensor(conv.getInput(2));
            if (b == null) {
                return null;
            }
            for (int c = 0; c < m; c++) {
                double real = db != null ? (b.getLong(c) - zeroOf(db, c)) * (double) tensor(db.getInput(1))
                        .getFloat(tensor(db.getInput(1)).size() == 1 ? 0 : c) : b.getFloat(c);
                b32[c] = (int) Math.rint(real / ((double) xs * ws.getFloat(ws.size() == 1 ? 0 : c)));
            }
            String name = conv.getName() + "_bias_int32";
            newInits.add(TensorProtos.encode(Tensor.of(b32, m), name));
            in.add(name);
        }
        return NodeProto.newBuilder().setName(conv.getName() + "_quant").setOpType("QLinearConv").addAllInput(in)
                .addOutput(q.getOutput(0)).addAllAttribute(conv.getAttributeList()).build();
    }

    private NodeProto matMul(NodeProto mm, NodeProto q) {
        NodeProto da = dq(mm.getInput(0));
        NodeProto db = dq(mm.getInput(1));
        if (da == null || db == null || !scalarParams(da) || da.getInputCount() < 3 || db.getInputCount() < 3) {
            return null;
        }
        return NodeProto.newBuilder().setName(mm.getName() + "_quant").setOpType("QLinearMatMul")
                .addAllInput(List.of(da.getInput(0), da.getInput(1), da.getInput(2), db.getInput(0), db.getInput(1),
                        db.getInput(2), q.getInput(1), q.getInput(2)))
                .addOutput(q.getOutput(0)).build();
    }

    private NodeProto binary(NodeProto op, NodeProto q) {
        NodeProto da = dq(op.getInput(0));
        NodeProto db = dq(op.getInput(1));
        if (da == null || db == null || !scalarParams(da) || !scalarParams(db)) {
            return null;
        }
        return NodeProto.newBuilder().setName(op.getName() + "_quant").setDomain("com.microsoft")
                .setOpType(op.getOpType().equals("Add") ? "QLinearAdd" : "QLinearMul")
                .addAllInput(List.of(da.getInput(0), da.getInput(1), da.getInput(2), db.getInput(0), db.getInput(1),
                        db.getInput(2), q.getInput(1), q.getInput(2)))
                .addOutput(q.getOutput(0)).build();
    }

    private NodeProto concat(NodeProto op, NodeProto q) {
        List<String> in = new ArrayList<>(List.of(q.getInput(1), q.getInput(2)));
        for (String i : op.getInputList()) {
            NodeProto d = dq(i);
            if (d == null || !scalarParams(d)) {
                return null;
            }
            in.addAll(List.of(d.getInput(0), d.getInput(1), d.getInput(2)));
        }
        return NodeProto.newBuilder().setName(op.getName() + "_quant").setDomain("com.microsoft")
                .setOpType("QLinearConcat").addAllInput(in).addOutput(q.getOutput(0))
                .addAllAttribute(op.getAttributeList()).build();
    }

    private NodeProto globalAveragePool(NodeProto op, NodeProto q) {
        NodeProto d = dq(op.getInput(0));
        if (d == null || !scalarParams(d)) {
            return null;
        }
        return NodeProto.newBuilder().setName(op.getName() + "_quant").setDomain("com.microsoft")
                .setOpType("QLinearGlobalAveragePool")
                .addAllInput(List.of(d.getInput(0), d.getInput(1), d.getInput(2), q.getInput(1), q.getInput(2)))
                .addOutput(q.getOutput(0)).addAttribute(dev.vinfer.testdata.Models.intAttr("channels_last", 0))
                .build();
    }

    /** The DequantizeLinear producing {@code v}, or null. */
    private NodeProto dq(String v) {
        NodeProto p = producer.get(v);
        return p != null && p.getOpType().equals("DequantizeLinear") ? p : null;
    }

    /** Scale and zero point are scalar initializers (both present). */
    private boolean scalarParams(NodeProto n) {
        if (n.getInputCount() < 3) {
            return false;
        }
        Tensor s = tensor(n.getInput(1));
        Tensor z = tensor(n.getInput(2));
        return s != null && z != null && s.size() == 1 && z.size() == 1;
    }

    private boolean zeroIsMinimum(NodeProto q) {
        Tensor z = tensor(q.getInput(2));
        return z.dtype() == DType.UINT8 ? z.getLong(0) == 0 : z.getLong(0) == -128;
    }

    private long zeroOf(NodeProto d, int c) {
        if (d.getInputCount() < 3 || d.getInput(2).isEmpty()) {
            return 0;
        }
        Tensor z = tensor(d.getInput(2));
        return z.getLong(z.size() == 1 ? 0 : c);
    }

    private boolean singleUse(String v) {
        return uses.getOrDefault(v, 0) == 1 && !outputs.contains(v);
    }

    private Tensor tensor(String name) {
        TensorProto t = inits.get(name);
        return t == null ? null : TensorProtos.decode(t, Limits.defaults());
    }

    /** Drops nodes nothing reads any more (the absorbed DequantizeLinear nodes). */
    private List<NodeProto> live(List<NodeProto> nodes) {
        Set<String> needed = new HashSet<>(outputs);
        List<NodeProto> kept = new ArrayList<>();
        for (int k = nodes.size() - 1; k >= 0; k--) {
            NodeProto n = nodes.get(k);
            if (n.getOutputList().stream().anyMatch(needed::contains)) {
                kept.add(0, n);
                needed.addAll(n.getInputList());
            }
        }
        return kept;
    }
}
