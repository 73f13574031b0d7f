package dev.vinfer.quantization.calib;

import dev.vinfer.onnx.TensorProtos;
import dev.vinfer.onnx.proto.OnnxIr.AttributeProto;
import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.onnx.proto.OnnxIr.ModelProto;
import dev.vinfer.onnx.proto.OnnxIr.NodeProto;
import dev.vinfer.onnx.proto.OnnxIr.OperatorSetIdProto;
import dev.vinfer.onnx.proto.OnnxIr.TensorProto;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Limits;
import dev.vinfer.runtime.Tensor;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Writes the standard QDQ form of a float model: each planned activation tensor {@code t} gets
 * {@code QuantizeLinear(t) -> t_quantized -> DequantizeLinear -> t_dequantized}, read by every consumer of t; each
 * quantized weight becomes an int8 initializer behind a DequantizeLinear (per tensor, or per channel with
 * {@code axis}); each bias an int32 initializer with scale {@code x_scale * w_scale} and zero point 0. This is the
 * form ONNX Runtime's quantizer writes and fuses into QLinearConv and friends.
 */
final class QdqModelWriter {
    private final QuantizationPlan plan;
    private final Map<String, ActivationQuant> params;
    private final boolean perChannel;
    private final Set<String> usedNames = new HashSet<>();
    long weightBytesBefore;
    long weightBytesAfter;

    /** Scale and zero point of one uint8 activation tensor. */
    record ActivationQuant(float scale, int zeroPoint) {
        /** Asymmetric uint8 parameters for a real range [lo, hi] containing 0. */
        static ActivationQuant of(double lo, double hi) {
            double l = Math.min(0, lo);
            double h = Math.max(0, hi);
            if (!(h - l > 0) || !Double.isFinite(h - l)) {
                return new ActivationQuant(1f, 0);
            }
            float scale = (float) ((h - l) / 255.0);
            int zp = (int) Math.max(0, Math.min(255, Math.rint(-l / scale)));
            return new ActivationQuant(scale, zp);
        }
    }

    QdqModelWriter(QuantizationPlan plan, Map<String, ActivationQuant> params, boolean perChannel) {
        this.plan = plan;
        this.params = params;
        this.perChannel = perChannel;
    }

    ModelProto write(ModelProto model) {
        GraphProto g = model.getGraph();
        for (NodeProto n : g.getNodeList()) {
            usedNames.addAll(n.getInputList());
            usedNames.addAll(n.getOutputList());
        }
        usedNames.addAll(plan.initializers.keySet());
        g.getInputList().forEach(v -> usedNames.add(v.getName()));
        GraphProto.Builder out = g.toBuilder().clearNode().clearInitializer();
        Map<String, String> dequantizedName = new HashMap<>();
        Map<String, QuantizationPlan.WeightedNode> weighted = new HashMap<>();
        for (QuantizationPlan.WeightedNode w : plan.weighted) {
            weighted.put(w.node().getName() + "\u0000" + w.node().getOutput(0), w);
        }
        Set<String> replacedInitializers = new HashSet<>();
        for (var in : g.getInputList()) {
            if (plan.tensors.contains(in.getName()) && !plan.initializers.containsKey(in.getName())) {
                addQdq(out, in.getName(), dequantizedName);
            }
        }
        for (NodeProto n : g.getNodeList()) {
            NodeProto.Builder nb = n.toBuilder();
            for (int i = 0; i < n.getInputCount(); i++) {
                String d = dequantizedName.get(n.getInput(i));
                if (d != null) {
                    nb.setInput(i, d);
                }
            }
            QuantizationPlan.WeightedNode w = weighted.get(n.getName() + "\u0000" + n.getOutput(0));
            if (w != null) {
                ActivationQuant x = params.get(n.getInput(0));
                float[] wScales = addWeights(out, n, w, nb, replacedInitializers);
                if (w.biasInput() >= 0) {
                    addBias(out, n, w, x, wScales, nb, replacedInitializers);
                }
            }
            out.addNode(nb);
            for (String o : n.getOutputList()) {
                if (plan.tensors.contains(o)) {
                    addQdq(out, o, dequantizedName);
                }
            }
        }
        Set<String> stillRead = new HashSet<>();
        for (NodeProto n : out.getNodeList()) {
            stillRead.addAll(n.getInputList());
        }
        out.getOutputList().forEach(v -> stillRead.add(v.getName()));
        for (TensorProto t : g.getInitializerList()) {
            if (!replacedInitializers.contains(t.getName()) || stillRead.contains(t.getName())) {
                out.addInitializer(t);
            }
        }
        ModelProto.Builder mb = model.toBuilder().setGraph(out).setProducerName("vinfer-quantize")
                .setProducerVersion("0.1.0");
        return mb.build();
    }

    /** Q and DQ after tensor {@code t}; consumers then read {@code t_dequantized}. */
    private void addQdq(GraphProto.Builder out, String t, Map<String, String> dequantizedName) {
        ActivationQuant a = params.get(t);
        String scale = fresh(t + "_scale");
        String zero = fresh(t + "_zero_point");
        String q = fresh(t + "_quantized");
        String dq = fresh(t + "_dequantized");
        out.addInitializer(TensorProtos.encode(Tensor.of(new float[] {a.scale()}), scale));
        out.addInitializer(TensorProtos.encode(Tensor.ofBytes(DType.UINT8, new byte[] {(byte) a.zeroPoint()}), zero));
        out.addNode(NodeProto.newBuilder().setOpType("QuantizeLinear").setName(fresh(t + "_QuantizeLinear"))
                .addInput(t).addInput(scale).addInput(zero).addOutput(q));
        out.addNode(NodeProto.newBuilder().setOpType("DequantizeLinear").setName(fresh(t + "_DequantizeLinear"))
                .addInput(q).addInput(scale).addInput(zero).addOutput(dq));
        dequantizedName.put(t, dq);
    }

    /** Int8 symmetric weights with their DQ node; returns the scales (1 or one per channel). */
    private float[] addWeights(GraphProto.Builder out, NodeProto n, QuantizationPlan.WeightedNode w,
            NodeProto.Builder nb, Set<String> replaced) {
        String name = n.getInput(w.weightInput());
        Tensor wt = TensorProtos.decode(plan.initializers.get(name), Limits.defaults());
        float[] v = wt.toFloatArray();
        int[] shape = wt.shape();
        int axis = w.channelAxis();
        int channels = perChannel ? shape[axis] : 1;
        int inner = 1;
        for (int d = axis + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        float[] maxAbs = new float[channels];
        for (int i = 0; i < v.length; i++) {
            int c = channels == 1 ? 0 : (i / inner) % shape[axis];
            maxAbs[c] = Math.max(maxAbs[c], Math.abs(v[i]));
        }
        float[] scales = new float[channels];
        for (int c = 0; c < channels; c++) {
            scales[c] = maxAbs[c] > 0 && Float.isFinite(maxAbs[c]) ? maxAbs[c] / 127f : 1f;
        }
        byte[] q = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            int c = channels == 1 ? 0 : (i / inner) % shape[axis];
            q[i] = (byte) Math.max(-127, Math.min(127, Math.rint(v[i] / scales[c])));
        }
        String qn = fresh(name + "_quantized");
        String sn = fresh(name + "_scale");
        String zn = fresh(name + "_zero_point");
        String dn = fresh(name + "_dequantized");
        out.addInitializer(TensorProtos.encode(Tensor.ofBytes(DType.INT8, q, shape), qn));
        out.addInitializer(TensorProtos.encode(channels == 1 ? Tensor.of(new float[] {scales[0]})
                : Tensor.of(scales, channels), sn));
        out.addInitializer(TensorProtos.encode(channels == 1 ? Tensor.ofBytes(DType.INT8, new byte[1])
                : Tensor.ofBytes(DType.INT8, new byte[channels], channels), zn));
        NodeProto.Builder dq = NodeProto.newBuilder().setOpType("DequantizeLinear").setName(fresh(name
                + "_DequantizeLinear")).addInput(qn).addInput(sn).addInput(zn).addOutput(dn);
        if (channels > 1) {
            dq.addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT)
                    .setI(axis));
        }
        out.addNode(dq);
        nb.setInput(w.weightInput(), dn);
        replaced.add(name);
        weightBytesBefore += 4L * v.length;
        weightBytesAfter += v.length + 5L * channels;
        return scales;
    }

    /** Int32 bias with scale x_scale * w_scale[c], zero point 0, and its DQ node (axis 0 when per channel). */
    private void addBias(GraphProto.Builder out, NodeProto n, QuantizationPlan.WeightedNode w, ActivationQuant x,
            float[] wScales, NodeProto.Builder nb, Set<String> replaced) {
        String name = n.getInput(w.biasInput());
        float[] b = TensorProtos.decode(plan.initializers.get(name), Limits.defaults()).toFloatArray();
        float[] scales = new float[wScales.length];
        for (int c = 0; c < scales.length; c++) {
            scales[c] = x.scale() * wScales[c];
        }
        int[] q = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            double s = scales[scales.length == 1 ? 0 : i];
            q[i] = (int) Math.max(Integer.MIN_VALUE + 1, Math.min(Integer.MAX_VALUE, Math.rint(b[i] / s)));
        }
        String qn = fresh(name + "_quantized");
        String sn = fresh(name + "_scale");
        String zn = fresh(name + "_zero_point");
        String dn = fresh(name + "_dequantized");
        out.addInitializer(TensorProtos.encode(Tensor.of(q, b.length), qn));
        boolean perC = scales.length > 1;
        out.addInitializer(TensorProtos.encode(perC ? Tensor.of(scales, scales.length)
                : Tensor.of(new float[] {scales[0]}), sn));
        out.addInitializer(TensorProtos.encode(perC ? Tensor.of(new int[scales.length], scales.length)
                : Tensor.of(new int[1]), zn));
        NodeProto.Builder dq = NodeProto.newBuilder().setOpType("DequantizeLinear").setName(fresh(name
                + "_DequantizeLinear")).addInput(qn).addInput(sn).addInput(zn).addOutput(dn);
        if (perC) {
            dq.addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT)
                    .setI(0));
        }
        out.addNode(dq);
        nb.setInput(w.biasInput(), dn);
        replaced.add(name);
        weightBytesBefore += 4L * b.length;
        weightBytesAfter += 4L * b.length + 8L * scales.length;
    }

    private String fresh(String hint) {
        String n = hint;
        int k = 1;
        while (!usedNames.add(n)) {
            n = hint + "_" + k++;
        }
        return n;
    }

    /** The default-domain opset the QDQ model needs (10 per tensor, 13 per channel). */
    static void requireOpset(ModelProto m, boolean perChannel) {
        int need = perChannel ? 13 : 10;
        for (OperatorSetIdProto o : m.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                if (o.getVersion() < need) {
                    throw new IllegalArgumentException("the model uses opset " + o.getVersion() + "; quantization "
                            + (perChannel ? "per channel needs opset 13" : "needs opset 10")
                            + " or newer (convert the model first)");
                }
                return;
            }
        }
    }
}
