package dev.vinfer.quantization.exec;

import dev.vinfer.conv.Epilogue;
import dev.vinfer.ops.quant.DequantizeLinearOp;
import dev.vinfer.ops.quant.QuantizeLinearOp;
import dev.vinfer.quantization.simd.QuantKernels.Activation;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.Node;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Read-only queries on a graph for the QDQ pass: producers, consumers, and the parameters of Q and DQ nodes. */
final class QdqGraph {
    private final Map<Value, Node> producers = new HashMap<>();
    private final Map<Value, List<Node>> consumers = new HashMap<>();
    private final Set<Value> graphOutputs;

    QdqGraph(Graph g) {
        for (Node n : g.nodes()) {
            for (Value o : n.outputs()) {
                if (o != null) {
                    producers.put(o, n);
                }
            }
            for (Value i : n.inputs()) {
                if (i != null) {
                    consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
                }
            }
        }
        graphOutputs = new HashSet<>(g.outputs());
    }

    Node producer(Value v) {
        return v == null ? null : producers.get(v);
    }

    /** True when exactly one node reads {@code v} (once) and it is not a graph output. */
    boolean singleUse(Value v) {
        if (v == null || graphOutputs.contains(v)) {
            return false;
        }
        List<Node> c = consumers.get(v);
        return c != null && c.size() == 1;
    }

    Node singleConsumer(Value v) {
        return singleUse(v) ? consumers.get(v).get(0) : null;
    }

    /** The per-tensor int8/uint8 parameters of a QuantizeLinear node with constant scale and zero point, or null. */
    QParams quantizeParams(Node q) {
        if (!(q.op() instanceof QuantizeLinearOp op) || op.blockSize() != 0) {
            return null;
        }
        Tensor scale = constant(q.input(1));
        Tensor zero = q.input(2) == null ? null : constant(q.input(2));
        if (scale == null || scale.size() != 1 || !scale.dtype().isFloatingPoint() || q.input(2) != null
                && zero == null) {
            return null;
        }
        DType t = zero != null ? zero.dtype() : op.outputDtype() != null ? op.outputDtype() : DType.UINT8;
        if (t != DType.INT8 && t != DType.UINT8 || zero != null && zero.size() != 1) {
            return null;
        }
        float s = scale.getFloat(0);
        if (!(s > 0) || Float.isInfinite(s)) {
            return null;
        }
        return new QParams(s, zero == null ? 0 : (int) zero.getLong(0), t);
    }

    /**
     * For a value computed by a per-tensor DequantizeLinear of a non-constant int8/uint8 tensor, its parameters;
     * else null.
     */
    QParams dequantizeParams(Value v) {
        Node dq = producer(v);
        if (dq == null || !(dq.op() instanceof DequantizeLinearOp op) || op.blockSize() != 0) {
            return null;
        }
        Value src = dq.input(0);
        Tensor scale = constant(dq.input(1));
        Tensor zero = dq.input(2) == null ? null : constant(dq.input(2));
        if (src == null || src.isConstant() || scale == null || scale.size() != 1
                || !scale.dtype().isFloatingPoint() || dq.input(2) != null && (zero == null || zero.size() != 1)) {
            return null;
        }
        DType t = zero != null ? zero.dtype() : src.info() != null ? src.info().dtype() : null;
        if (t == null) {
            Node srcProducer = producer(src);
            if (srcProducer != null && srcProducer.op() instanceof QuantizeLinearOp) {
                QParams qp = quantizeParams(srcProducer);
                t = qp == null ? null : qp.dtype();
            }
        }
        if (t != DType.INT8 && t != DType.UINT8) {
            return null;
        }
        float s = scale.getFloat(0);
        if (!(s > 0) || Float.isInfinite(s)) {
            return null;
        }
        return new QParams(s, zero == null ? 0 : (int) zero.getLong(0), t);
    }

    /** The quantized tensor a DequantizeLinear output reads. */
    Value quantizedSource(Value dequantized) {
        return producer(dequantized).input(0);
    }

    /** Constant quantized weights behind a DequantizeLinear, per tensor or per axis {@code axis}. */
    record Weights(Tensor values, float[] scales, int[] zeros) {
    }

    Weights constantWeights(Value v, int channelAxis) {
        Node dq = producer(v);
        if (dq == null || !(dq.op() instanceof DequantizeLinearOp op) || op.blockSize() != 0) {
            return null;
        }
        Tensor w = constant(dq.input(0));
        Tensor scale = constant(dq.input(1));
        Tensor zero = dq.input(2) == null ? null : constant(dq.input(2));
        if (w == null || scale == null || dq.input(2) != null && zero == null
                || w.dtype() != DType.INT8 && w.dtype() != DType.UINT8 || !scale.dtype().isFloatingPoint()) {
            return null;
        }
        if (scale.size() != 1) {
            long axis = op.axis() < 0 ? op.axis() + w.rank() : op.axis();
            if (axis != channelAxis || scale.rank() != 1 || scale.size() != w.dim(channelAxis)) {
                return null;
            }
        }
        if (zero != null && zero.size() != scale.size()) {
            return null;
        }
        float[] scales = new float[scale.size()];
        for (int i = 0; i < scales.length; i++) {
            scales[i] = scale.getFloat(i);
            if (!(scales[i] > 0) || Float.isInfinite(scales[i])) {
                return null;
            }
        }
        int[] zeros = zero == null ? new int[scales.length] : zero.toIntArray();
        return new Weights(w, scales, zeros);
    }

    /** A constant float tensor, or the exact dequantized values of a DequantizeLinear of constants; else null. */
    float[] constantFloats(Value v) {
        Tensor t = constantTensor(v);
        return t == null ? null : t.toFloatArray();
    }

    Tensor constantTensor(Value v) {
        if (v == null) {
            return null;
        }
        if (v.isConstant()) {
            return v.constant().dtype() == DType.FLOAT32 ? v.constant() : null;
        }
        Node dq = producer(v);
        if (dq == null || !(dq.op() instanceof DequantizeLinearOp)) {
            return null;
        }
        for (Value in : dq.inputs()) {
            if (in != null && !in.isConstant()) {
                return null;
            }
        }
        Tensor[] in = new Tensor[dq.inputCount()];
        for (int i = 0; i < in.length; i++) {
            in[i] = dq.input(i) == null ? null : dq.input(i).constant();
        }
        return dq.op().run(ConstantContext.INSTANCE, in)[0];
    }

    private static Tensor constant(Value v) {
        return v == null ? null : v.constant();
    }

    /** The activation a Relu, LeakyRelu or Clip node applies (Clip bounds must be constant), or null. */
    Activation activation(Node n) {
        switch (n.op().opType()) {
            case "Relu":
                return new Activation(0f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
            case "Clip": {
                // Probe the op itself: it maps -inf and +inf to its lower and upper bounds.
                Tensor[] in = new Tensor[n.inputCount()];
                in[0] = Tensor.of(new float[] {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY}, 2);
                for (int i = 1; i < in.length; i++) {
                    if (n.input(i) != null) {
                        if (!n.input(i).isConstant()) {
                            return null;
                        }
                        in[i] = n.input(i).constant();
                    }
                }
                Tensor r = n.op().run(ConstantContext.INSTANCE, in)[0];
                return new Activation(1f, r.getFloat(0), r.getFloat(1));
            }
            default:
                return null;
        }
    }

    static Activation activationOf(Epilogue e) {
        return switch (e.kind()) {
            case NONE -> Activation.NONE;
            case RELU -> new Activation(0f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
            case CLIP -> new Activation(1f, e.min(), e.max());
            case LEAKY_RELU -> e.alpha() >= 0f && e.alpha() <= 1f
                    ? new Activation(e.alpha(), Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY) : null;
            // Sigmoid, HardSigmoid, HardSwish, PRelu...: no exact integer form here, so the float path stays.
            default -> null;
        };
    }

    /** A 2-D byte tensor transposed. */
    static Tensor transpose(Tensor t) {
        int r = t.dim(0);
        int c = t.dim(1);
        byte[] src = t.bytes();
        byte[] dst = new byte[r * c];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                dst[j * r + i] = src[t.offset() + i * c + j];
            }
        }
        return Tensor.ofBytes(t.dtype(), dst, c, r);
    }
}
