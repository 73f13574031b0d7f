package dev.vinfer.quantization.calib;

import dev.vinfer.onnx.proto.OnnxIr.AttributeProto;
import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.onnx.proto.OnnxIr.NodeProto;
import dev.vinfer.onnx.proto.OnnxIr.TensorProto;
import dev.vinfer.onnx.proto.OnnxIr.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which nodes of a float model get quantized and which activation tensors get a QuantizeLinear/DequantizeLinear
 * pair. Compute nodes: Conv, MatMul and Gemm with a float initializer as weights, Add of two computed tensors. Their
 * activation inputs are quantized, and so is their output, taken after a following Relu/Clip when that is the
 * output's only reader (so the activation fuses). Data-movement nodes whose inputs are all quantized get their
 * output quantized too (single-input ones with the input's parameters), keeping chains in int8.
 */
final class QuantizationPlan {
    private static final int FLOAT = 1;
    private static final Set<String> MOVEMENT = Set.of("MaxPool", "Reshape", "Flatten", "Transpose", "Squeeze",
            "Unsqueeze", "Concat", "Split", "Slice", "Identity");
    private static final Set<String> SINGLE_INPUT_MOVEMENT = Set.of("MaxPool", "Reshape", "Flatten", "Transpose",
            "Squeeze", "Unsqueeze", "Split", "Slice", "Identity");

    /** A node whose weights are quantized: its weight input index, channel axis, and bias input (or -1). */
    record WeightedNode(NodeProto node, int weightInput, int channelAxis, int biasInput) {
    }

    final Map<String, TensorProto> initializers = new LinkedHashMap<>();
    final List<WeightedNode> weighted = new ArrayList<>();
    final List<String> quantizedNodes = new ArrayList<>();
    final List<String> floatNodes = new ArrayList<>();
    /** Activation tensors to quantize, in graph order. */
    final Set<String> tensors = new LinkedHashSet<>();
    /**
     * Outputs of Clip (Relu6 and the like): they keep their observed min/max whatever the method, since the
     * histogram methods would cut off the values piled up at the clip bound, which are the point of the clip.
     */
    final Set<String> saturated = new HashSet<>();
    /** Tensors that take the parameters of another (movement outputs from their input). */
    final Map<String, String> tiedTo = new HashMap<>();

    QuantizationPlan(GraphProto g, Set<String> exclude) {
        for (TensorProto t : g.getInitializerList()) {
            initializers.put(t.getName(), t);
        }
        Set<String> graphInputs = new HashSet<>();
        for (ValueInfoProto v : g.getInputList()) {
            graphInputs.add(v.getName());
        }
        Map<String, List<NodeProto>> consumers = new HashMap<>();
        for (NodeProto n : g.getNodeList()) {
            for (String i : n.getInputList()) {
                consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
            }
        }
        Set<String> outputs = new HashSet<>();
        g.getOutputList().forEach(o -> outputs.add(o.getName()));
        for (NodeProto n : g.getNodeList()) {
            String op = n.getOpType();
            boolean compute = op.equals("Conv") || op.equals("MatMul") || op.equals("Gemm") || op.equals("Add");
            if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
                continue;
            }
            if (compute && exclude.contains(n.getName())) {
                floatNodes.add(n.getName() + " (excluded)");
                continue;
            }
            if (compute) {
                String why = quantizable(n);
                if (why != null) {
                    floatNodes.add(n.getName() + " (" + why + ")");
                    continue;
                }
                quantizedNodes.add(n.getName());
                if (op.equals("Add")) {
                    tensors.add(n.getInput(0));
                    tensors.add(n.getInput(1));
                } else {
                    tensors.add(n.getInput(0));
                    int axis = op.equals("Conv") ? 0 : op.equals("Gemm") && intAttr(n, "transB", 0) != 0 ? 0 : 1;
                    int bias = n.getInputCount() > 2 && !n.getInput(2).isEmpty() && biasQuantizable(n) ? 2 : -1;
                    weighted.add(new WeightedNode(n, 1, axis, bias));
                }
                String out = outputAfterActivation(n.getOutput(0), consumers, outputs, exclude);
                if (!outputs.contains(out)) {
                    // A graph output stays float: quantizing it would only add error.
                    tensors.add(out);
                }
            } else if (MOVEMENT.contains(op) && !exclude.contains(n.getName())) {
                List<String> data = new ArrayList<>();
                for (String i : n.getInputList()) {
                    if (!i.isEmpty() && !initializers.containsKey(i)) {
                        data.add(i);
                    }
                }
                if (data.isEmpty() || !tensors.containsAll(data)
                        || SINGLE_INPUT_MOVEMENT.contains(op) && data.size() != 1) {
                    continue;
                }
                if (op.equals("MaxPool") && n.getOutputCount() > 1 && !n.getOutput(1).isEmpty()) {
                    continue;
                }
                for (String o : n.getOutputList()) {
                    if (o.isEmpty()) {
                        continue;
                    }
                    tensors.add(o);
                    if (data.size() == 1) {
                        tiedTo.put(o, root(data.get(0)));
                    }
                }
            }
        }
    }

    private String root(String t) {
        String r = t;
        while (tiedTo.containsKey(r)) {
            r = tiedTo.get(r);
        }
        return r;
    }

    /** Null if the node can be quantized, else why not. */
    private String quantizable(NodeProto n) {
        String op = n.getOpType();
        if (op.equals("Add")) {
            if (n.getInputCount() != 2 || initializers.containsKey(n.getInput(0))
                    || initializers.containsKey(n.getInput(1))) {
                return "an Add of a constant";
            }
            return null;
        }
        if (n.getInputCount() < 2 || initializers.containsKey(n.getInput(0))) {
            return "no computed input";
        }
        TensorProto w = initializers.get(n.getInput(1));
        if (w == null || w.getDataType() != FLOAT) {
            return "weights are not a float initializer";
        }
        if (op.equals("Conv") && w.getDimsCount() < 3) {
            return "unexpected weight rank";
        }
        if (!op.equals("Conv") && w.getDimsCount() != 2) {
            return "weights are not a matrix";
        }
        if (op.equals("Gemm") && intAttr(n, "transA", 0) != 0) {
            return "transA";
        }
        return null;
    }

    private boolean biasQuantizable(NodeProto n) {
        TensorProto b = initializers.get(n.getInput(2));
        if (b == null || b.getDataType() != FLOAT || b.getDimsCount() != 1) {
            return false;
        }
        if (n.getOpType().equals("Gemm")) {
            return floatAttr(n, "beta", 1f) == 1f && floatAttr(n, "alpha", 1f) == 1f;
        }
        return true;
    }

    private String outputAfterActivation(String out, Map<String, List<NodeProto>> consumers,
            Set<String> graphOutputs, Set<String> exclude) {
        List<NodeProto> c = consumers.getOrDefault(out, List.of());
        if (c.size() == 1 && !graphOutputs.contains(out) && !exclude.contains(c.get(0).getName())) {
            String op = c.get(0).getOpType();
            if (op.equals("Relu")) {
                return c.get(0).getOutput(0);
            }
            if (op.equals("Clip") && constantClip(c.get(0))) {
                saturated.add(c.get(0).getOutput(0));
                return c.get(0).getOutput(0);
            }
        }
        return out;
    }

    /** A Clip whose bounds are attributes (opset < 11) or initializers. */
    private boolean constantClip(NodeProto n) {
        for (int i = 1; i < n.getInputCount(); i++) {
            if (!n.getInput(i).isEmpty() && !initializers.containsKey(n.getInput(i))) {
                return false;
            }
        }
        return true;
    }

    static long intAttr(NodeProto n, String name, long def) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getI();
            }
        }
        return def;
    }

    static float floatAttr(NodeProto n, String name, float def) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getF();
            }
        }
        return def;
    }
}
