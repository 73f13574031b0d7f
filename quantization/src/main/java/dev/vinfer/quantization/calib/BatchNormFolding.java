package dev.vinfer.quantization.calib;

import dev.vinfer.onnx.TensorProtos;
import dev.vinfer.onnx.proto.OnnxIr.AttributeProto;
import dev.vinfer.onnx.proto.OnnxIr.GraphProto;
import dev.vinfer.onnx.proto.OnnxIr.ModelProto;
import dev.vinfer.onnx.proto.OnnxIr.NodeProto;
import dev.vinfer.onnx.proto.OnnxIr.TensorProto;
import dev.vinfer.runtime.Limits;
import dev.vinfer.runtime.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Folds inference-mode BatchNormalization into the Conv before it (new weights {@code w * gamma / sqrt(var + eps)}
 * and bias {@code (b - mean) * gamma / sqrt(var + eps) + beta}, per output channel), the pre-processing every
 * post-training quantizer does: quantizing the folded weights lets Conv + Relu run as one int8 node, where a float
 * BatchNormalization in between would need a dequantize/quantize round trip. Only Conv outputs read by nothing but
 * the BatchNormalization, with constant statistics, are folded.
 */
final class BatchNormFolding {
    private BatchNormFolding() {
    }

    static ModelProto fold(ModelProto model) {
        GraphProto g = model.getGraph();
        Map<String, TensorProto> inits = new HashMap<>();
        g.getInitializerList().forEach(t -> inits.put(t.getName(), t));
        Map<String, Integer> readers = new HashMap<>();
        for (NodeProto n : g.getNodeList()) {
            for (String i : n.getInputList()) {
                readers.merge(i, 1, Integer::sum);
            }
        }
        Set<String> outputs = new HashSet<>();
        g.getOutputList().forEach(o -> outputs.add(o.getName()));
        Map<String, NodeProto> convByOutput = new HashMap<>();
        for (NodeProto n : g.getNodeList()) {
            if (n.getOpType().equals("Conv") && n.getInputCount() >= 2 && inits.containsKey(n.getInput(1))
                    && (n.getInputCount() < 3 || n.getInput(2).isEmpty() || inits.containsKey(n.getInput(2)))) {
                convByOutput.put(n.getOutput(0), n);
            }
        }
        Map<NodeProto, NodeProto> foldedConv = new HashMap<>();
        Set<NodeProto> removedBn = new HashSet<>();
        List<TensorProto> added = new ArrayList<>();
        for (NodeProto bn : g.getNodeList()) {
            if (!bn.getOpType().equals("BatchNormalization") || bn.getOutputCount() > 1 && hasExtraOutputs(bn)) {
                continue;
            }
            NodeProto conv = convByOutput.get(bn.getInput(0));
            if (conv == null || foldedConv.containsKey(conv) || readers.getOrDefault(bn.getInput(0), 0) != 1
                    || outputs.contains(bn.getInput(0))) {
                continue;
            }
            boolean constant = bn.getInputCount() == 5;
            for (int i = 1; i < bn.getInputCount() && constant; i++) {
                constant = inits.containsKey(bn.getInput(i));
            }
            if (!constant) {
                continue;
            }
            float eps = 1e-5f;
            for (AttributeProto a : bn.getAttributeList()) {
                if (a.getName().equals("epsilon")) {
                    eps = a.getF();
                }
            }
            float[] gamma = floats(inits.get(bn.getInput(1)));
            float[] beta = floats(inits.get(bn.getInput(2)));
            float[] mean = floats(inits.get(bn.getInput(3)));
            float[] var = floats(inits.get(bn.getInput(4)));
            Tensor wt = TensorProtos.decode(inits.get(conv.getInput(1)), Limits.defaults());
            float[] w = wt.toFloatArray();
            int m = wt.dim(0);
            if (gamma.length != m || beta.length != m || mean.length != m || var.length != m) {
                continue;
            }
            float[] b = conv.getInputCount() > 2 && !conv.getInput(2).isEmpty() ? floats(inits.get(conv.getInput(2)))
                    : new float[m];
            int per = w.length / m;
            float[] nb = new float[m];
            for (int c = 0; c < m; c++) {
                double k = gamma[c] / Math.sqrt((double) var[c] + eps);
                for (int i = 0; i < per; i++) {
                    w[c * per + i] = (float) (w[c * per + i] * k);
                }
                nb[c] = (float) ((b[c] - mean[c]) * k + beta[c]);
            }
            String wName = conv.getInput(1) + "_bn_folded_" + bn.getName();
            String bName = conv.getOutput(0) + "_bn_folded_bias";
            added.add(TensorProtos.encode(Tensor.of(w, wt.shape()), wName));
            added.add(TensorProtos.encode(Tensor.of(nb, m), bName));
            NodeProto.Builder nc = conv.toBuilder().setInput(1, wName).setOutput(0, bn.getOutput(0));
            if (nc.getInputCount() > 2) {
                nc.setInput(2, bName);
            } else {
                nc.addInput(bName);
            }
            foldedConv.put(conv, nc.build());
            removedBn.add(bn);
        }
        if (removedBn.isEmpty()) {
            return model;
        }
        GraphProto.Builder gb = g.toBuilder().clearNode();
        for (NodeProto n : g.getNodeList()) {
            if (!removedBn.contains(n)) {
                gb.addNode(foldedConv.getOrDefault(n, n));
            }
        }
        gb.addAllInitializer(added);
        Set<String> read = new HashSet<>();
        gb.getNodeList().forEach(n -> read.addAll(n.getInputList()));
        gb.getOutputList().forEach(o -> read.add(o.getName()));
        List<TensorProto> keep = new ArrayList<>();
        for (TensorProto t : gb.getInitializerList()) {
            if (read.contains(t.getName())) {
                keep.add(t);
            }
        }
        gb.clearInitializer().addAllInitializer(keep);
        return model.toBuilder().setGraph(gb).build();
    }

    private static boolean hasExtraOutputs(NodeProto bn) {
        for (int i = 1; i < bn.getOutputCount(); i++) {
            if (!bn.getOutput(i).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private static float[] floats(TensorProto t) {
        return TensorProtos.decode(t, Limits.defaults()).toFloatArray();
    }
}
