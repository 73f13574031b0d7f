package dev.vinfer.quantization.exec;

import dev.vinfer.ops.conv.ConvOp;
import dev.vinfer.ops.gemm.GemmOp;
import dev.vinfer.ops.gemm.MatMulOp;
import dev.vinfer.ops.nn.pool.MaxPoolOp;
import dev.vinfer.ops.quant.DequantizeLinearOp;
import dev.vinfer.ops.quant.QLinearConvOp;
import dev.vinfer.ops.quant.QuantizeLinearOp;
import dev.vinfer.quantization.simd.QuantKernels.Activation;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.GraphPass;
import dev.vinfer.runtime.Node;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Recognizes QDQ chains and runs them on quantized data:
 * <ul>
 * <li>{@code DQ(x) -> Conv(DQ(w), [DQ(b) | b]) [-> Relu/Clip/LeakyRelu] -> Q} becomes a {@link QConvOp};</li>
 * <li>{@code DQ(a) -> MatMul(DQ(B)) / Gemm(DQ(B), C) [-> act] -> Q} with constant B becomes a {@link QMatMulOp};</li>
 * <li>{@code DQ(a), DQ(b) -> Add/Mul [-> act] -> Q} becomes a {@link QAddOp};</li>
 * <li>{@code DQ(x...) -> Reshape/Transpose/Concat/Split/Slice/MaxPool/... -> Q...} runs the op on the bytes
 * ({@link QuantizedMoveOp}), with a {@link RequantizeOp} on inputs quantized differently from the output;</li>
 * <li>a QOperator-form QLinearConv with constant weights also runs as a {@link QConvOp}, and the other QOperator
 * ops as {@link QOperatorRewrite} lists.</li>
 * </ul>
 * A chain is fused only when it matches exactly: activations per tensor, weights per tensor or per output channel,
 * int8/uint8, and every intermediate float value read by nothing else. Everything else keeps its float ops. Runs
 * before constant folding, which would otherwise turn the weights' DequantizeLinear into float constants.
 */
public final class QdqFusionPass implements GraphPass {
    /** Ops whose every output element is one input element (or, for MaxPool, the max of some). */
    private static final Set<String> MOVEMENT = Set.of("Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose",
            "Concat", "Split", "Slice", "MaxPool", "Identity", "DepthToSpace", "SpaceToDepth", "Gather", "Expand",
            "Tile");

    @Override
    public String name() {
        return "qdq-fusion";
    }

    @Override
    public int order() {
        return 5;
    }

    @Override
    public Graph apply(Graph g, SessionOptions options) {
        QdqGraph q = new QdqGraph(g);
        Map<Node, List<Node>> replaceAt = new HashMap<>();
        Set<Node> absorbed = new HashSet<>();
        Graph.Builder b = g.rebuild();
        for (Node n : g.nodes()) {
            if (absorbed.contains(n)) {
                continue;
            }
            if (n.op() instanceof QLinearConvOp qlc) {
                Node r = QLinearConvRewrite.rewrite(n, qlc);
                if (r != null) {
                    replaceAt.put(n, List.of(r));
                }
            } else if (QOperatorRewrite.rewrite(n) instanceof Node r) {
                replaceAt.put(n, List.of(r));
            } else if (n.op() instanceof QuantizeLinearOp) {
                fuseCompute(q, n, replaceAt, absorbed);
            } else if (n.op() instanceof GemmOp || n.op() instanceof MatMulOp) {
                fuseFloatOutputMatMul(q, n, replaceAt);
            } else if (MOVEMENT.contains(n.op().opType())) {
                fuseMovement(q, b, n, replaceAt, absorbed);
            }
        }
        // The QuantizeLinear nodes left (a float value entering the int8 region, e.g. the model input), and the
        // DequantizeLinear nodes of data leaving it.
        for (Node n : g.nodes()) {
            if (absorbed.contains(n) || replaceAt.containsKey(n)) {
                continue;
            }
            if (n.op() instanceof QuantizeLinearOp) {
                QParams y = q.quantizeParams(n);
                if (y != null) {
                    replaceAt.put(n, List.of(n.with(new QuantizeOp(y, n.op()), n.inputs(), n.outputs())));
                }
            } else if (n.op() instanceof DequantizeLinearOp && n.output(0) != null) {
                QParams x = q.dequantizeParams(n.output(0));
                if (x != null) {
                    replaceAt.put(n, List.of(n.with(new DequantizeOp(x, n.op()), n.inputs(), n.outputs())));
                }
            }
        }
        if (replaceAt.isEmpty()) {
            return g;
        }
        b.nodes().clear();
        for (Node n : g.nodes()) {
            List<Node> r = replaceAt.get(n);
            if (r != null) {
                r.forEach(b::node);
            } else if (!absorbed.contains(n)) {
                b.node(n);
            }
        }
        dropDeadNodes(b);
        return b.build();
    }

    /** {@code ... -> op [-> act] -> Q}: replaces Q (and absorbs op and act) with one fused node. */
    private static void fuseCompute(QdqGraph q, Node quant, Map<Node, List<Node>> replaceAt, Set<Node> absorbed) {
        QParams y = q.quantizeParams(quant);
        Value f = quant.input(0);
        if (y == null || !q.singleUse(f)) {
            return;
        }
        Node p = q.producer(f);
        Activation act = Activation.NONE;
        Node actNode = null;
        if (p != null && q.singleUse(p.input(0))) {
            Activation a = q.activation(p);
            if (a != null) {
                act = a;
                actNode = p;
                p = q.producer(p.input(0));
            }
        }
        if (p == null || absorbed.contains(p)) {
            return;
        }
        String name = p.op().opType() + (actNode != null ? "+" + actNode.op().opType() : "") + "(int8)";
        Node fused = null;
        if (p.op() instanceof ConvOp c) {
            fused = fuseConv(q, p, c, act, y, name, quant);
        } else if (p.op() instanceof MatMulOp) {
            fused = fuseMatMul(q, p, null, act, y, name, quant);
        } else if (p.op() instanceof GemmOp gemm) {
            fused = fuseMatMul(q, p, gemm, act, y, name, quant);
        } else if (p.op().opType().equals("Add") || p.op().opType().equals("Mul")) {
            QParams a = q.dequantizeParams(p.input(0));
            QParams bq = q.dequantizeParams(p.input(1));
            if (a != null && bq != null && p.inputCount() == 2) {
                QAddOp op = new QAddOp(p.op().opType().equals("Mul"), a, bq, act, y, name);
                fused = quant.with(op, new Value[] {q.quantizedSource(p.input(0)),
                        q.quantizedSource(p.input(1))}, new Value[] {quant.output(0)});
            }
        }
        if (fused != null) {
            replaceAt.put(quant, List.of(fused));
            absorbed.add(p);
            if (actNode != null) {
                absorbed.add(actNode);
            }
        }
    }

    private static Node fuseConv(QdqGraph q, Node p, ConvOp c, Activation act, QParams y, String name, Node quant) {
        if (!c.epilogue().isIdentity() && !act.isNone()) {
            return null;
        }
        Activation a = act.isNone() ? QdqGraph.activationOf(c.epilogue()) : act;
        if (a == null) {
            return null;
        }
        if (p.inputCount() > 3 && p.input(3) != null) {
            return null;
        }
        QParams x = q.dequantizeParams(p.input(0));
        QdqGraph.Weights w = q.constantWeights(p.input(1), 0);
        if (x == null || w == null || w.values().rank() < 3) {
            return null;
        }
        int m = w.values().dim(0);
        float[] bias = null;
        if (p.input(2) != null) {
            bias = q.constantFloats(p.input(2));
            if (bias == null || bias.length != m) {
                return null;
            }
        }
        QConvOp op = new QConvOp(c.attributes(), x, w.values(), w.scales(), w.zeros(), bias, a, y, name);
        return quant.with(op, new Value[] {q.quantizedSource(p.input(0))}, new Value[] {quant.output(0)});
    }

    private static Node fuseMatMul(QdqGraph q, Node p, GemmOp gemm, Activation act, QParams y, String name,
            Node quant) {
        if (gemm != null && gemm.transA()) {
            return null;
        }
        QParams a = q.dequantizeParams(p.input(0));
        boolean transB = gemm != null && gemm.transB();
        QdqGraph.Weights w = q.constantWeights(p.input(1), transB ? 0 : 1);
        if (a == null || w == null || w.values().rank() != 2) {
            return null;
        }
        Tensor b = transB ? QdqGraph.transpose(w.values()) : w.values();
        int n = b.dim(1);
        float[] bias = null;
        float alpha = 1f;
        if (gemm != null) {
            alpha = gemm.alpha();
            if (p.input(2) != null && gemm.beta() != 0f) {
                float[] c = q.constantFloats(p.input(2));
                Tensor ct = q.constantTensor(p.input(2));
                boolean row = ct != null && (ct.rank() == 1 || ct.rank() == 2 && ct.dim(0) == 1);
                if (c == null || !row || (c.length != n && c.length != 1)) {
                    return null;
                }
                bias = new float[n];
                for (int i = 0; i < n; i++) {
                    bias[i] = gemm.beta() * c[c.length == 1 ? 0 : i];
                }
            }
        }
        QMatMulOp op = new QMatMulOp(a, b, w.scales(), w.zeros(), bias, alpha, act, y, name);
        return quant.with(op, new Value[] {q.quantizedSource(p.input(0))}, new Value[] {quant.output(0)});
    }

    /**
     * {@code DQ(a) -> MatMul/Gemm(DQ(B)[, C])} with a float result that is not quantized again (a classifier before
     * the graph output): the integer products, dequantized once ({@link QMatMulFloatOp}). A result read by a single
     * QuantizeLinear is left to {@link #fuseCompute}.
     */
    private static void fuseFloatOutputMatMul(QdqGraph q, Node p, Map<Node, List<Node>> replaceAt) {
        Value out = p.output(0);
        Node consumer = q.singleConsumer(out);
        if (out == null || consumer != null && consumer.op() instanceof QuantizeLinearOp || p.inputCount() < 2) {
            return;
        }
        GemmOp gemm = p.op() instanceof GemmOp g ? g : null;
        QParams unit = new QParams(1f, 0, DType.UINT8);
        Node fused = fuseMatMul(q, p, gemm, Activation.NONE, unit, p.op().opType() + "(int8->float)", p);
        if (fused == null || !(fused.op() instanceof QMatMulOp products)) {
            return;
        }
        // fuseMatMul folded alpha, the input scale and the weight scales into the multiplier (output scale 1) and
        // beta * C into the addend: exactly the dequantization of the products.
        QMatMulFloatOp op = new QMatMulFloatOp(products, products.columns(), products.multipliers(),
                products.addends(), products.opType());
        replaceAt.put(p, List.of(p.with(op, fused.inputs(), new Value[] {out})));
    }

    /** {@code DQ(x...) -> move -> Q...}: the move runs on the bytes; the Qs and float values disappear. */
    private static void fuseMovement(QdqGraph q, Graph.Builder b, Node n, Map<Node, List<Node>> replaceAt,
            Set<Node> absorbed) {
        QParams out = null;
        List<Node> quants = new ArrayList<>();
        Value[] newOutputs = new Value[n.outputCount()];
        for (int o = 0; o < n.outputCount(); o++) {
            Value v = n.output(o);
            if (v == null) {
                continue;
            }
            Node c = q.singleConsumer(v);
            if (c == null || !(c.op() instanceof QuantizeLinearOp)) {
                return;
            }
            QParams p = q.quantizeParams(c);
            if (p == null || out != null && !out.equals(p)) {
                return;
            }
            out = p;
            quants.add(c);
            newOutputs[o] = c.output(0);
        }
        if (out == null) {
            return;
        }
        Value[] newInputs = new Value[n.inputCount()];
        boolean[] data = new boolean[n.inputCount()];
        List<Node> made = new ArrayList<>();
        boolean anyData = false;
        for (int i = 0; i < n.inputCount(); i++) {
            Value v = n.input(i);
            if (v == null || v.isConstant()) {
                newInputs[i] = v;
                continue;
            }
            QParams in = q.dequantizeParams(v);
            if (in == null) {
                return;
            }
            anyData = true;
            data[i] = true;
            Value src = q.quantizedSource(v);
            if (in.equals(out)) {
                newInputs[i] = src;
            } else {
                Value r = b.freshValue(src.name() + "_requantized");
                made.add(new Node(n.name() + "_requantize_" + i, "", new RequantizeOp(in, out), new Value[] {src},
                        new Value[] {r}));
                newInputs[i] = r;
            }
        }
        if (!anyData) {
            return;
        }
        Operator op = n.op() instanceof MaxPoolOp mp && !mp.withIndices() ? new ByteMaxPoolOp(mp.window())
                : new QuantizedMoveOp(n.op(), out, data);
        made.add(n.with(op, newInputs, newOutputs));
        replaceAt.put(n, made);
        absorbed.addAll(quants);
    }

    /** Removes nodes whose outputs nothing reads any more (the DequantizeLinear of fused weights and inputs). */
    private static void dropDeadNodes(Graph.Builder b) {
        Set<Value> live = new HashSet<>(b.outputs());
        List<Node> nodes = b.nodes();
        List<Node> kept = new ArrayList<>();
        for (int k = nodes.size() - 1; k >= 0; k--) {
            Node n = nodes.get(k);
            boolean used = false;
            for (Value o : n.outputs()) {
                used |= o != null && live.contains(o);
            }
            if (used) {
                kept.add(n);
                for (Value in : n.inputs()) {
                    if (in != null) {
                        live.add(in);
                    }
                }
            }
        }
        java.util.Collections.reverse(kept);
        nodes.clear();
        nodes.addAll(kept);
    }
}
