package dev.vinfer.ops.passes;

import dev.vinfer.ops.binary.ArithmeticOp;
import dev.vinfer.ops.conv.ConvOp;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.GraphPass;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Node;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.Value;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Fuses {@code Add(Conv(x), r)} into the convolution: the conv kernel adds {@code r} to each output row while it is
 * still in cache ({@link ConvOp#withResidual}), so the ResNet shortcut costs no extra pass over memory. A following
 * Relu is then fused by {@link ActivationFusion}, giving {@code Conv+Add+Relu}.
 *
 * <p>Fires when the Conv has constant weights and bias, no activation yet, and its output is read only by the Add;
 * the Add is a plain two-input numpy-broadcasting Add. When both addends are such convolutions (a downsampling
 * shortcut), the later one in node order is fused so that the other addend is ready before it runs.
 *
 * <p>A constant addend with one value per output channel (shape {@code [M, 1, 1]} and the like: a bias written as
 * a separate Add, as in older exports) is folded into the convolution's bias instead. Other constant addends are
 * left alone: their shape may broadcast the output, which the fused kernel would do slowly.
 */
public final class ResidualAddFusion implements GraphPass {

    @Override
    public String name() {
        return "residual-add-fusion";
    }

    @Override
    public int order() {
        return 40;
    }

    @Override
    public Graph apply(Graph g, SessionOptions options) {
        GraphIndex index = new GraphIndex(g);
        Rewrite rw = new Rewrite(g);
        List<Node> nodes = g.nodes();
        Set<Node> used = new HashSet<>();
        for (Node add : nodes) {
            if (!(add.op() instanceof ArithmeticOp a) || !add.op().opType().equals("Add") || a.legacyBroadcast()
                    || add.inputCount() != 2 || add.output(0) == null || add.input(0) == add.input(1)) {
                continue;
            }
            Node best = null;
            int bestSide = -1;
            for (int side = 0; side < 2; side++) {
                Node p = index.producer(add.input(side));
                if (p != null && !used.contains(p) && fusible(p, index)
                        && (best == null || nodes.indexOf(p) > nodes.indexOf(best))) {
                    best = p;
                    bestSide = side;
                }
            }
            if (best == null) {
                continue;
            }
            Value residual = add.input(1 - bestSide);
            if (residual.isConstant()) {
                foldBias(rw, best, add, residual.constant());
                used.add(best);
                continue;
            }
            Value[] in = new Value[ConvOp.RESIDUAL_INPUT + 1];
            for (int i = 0; i < best.inputCount() && i < ConvOp.RESIDUAL_INPUT; i++) {
                in[i] = best.input(i);
            }
            in[ConvOp.RESIDUAL_INPUT] = residual;
            ConvOp fused = ((ConvOp) best.op()).withResidual();
            used.add(best);
            rw.replace(best, best.with(fused, in, new Value[] {add.output(0)}));
            rw.remove(add);
        }
        return rw.build();
    }

    /** Conv + constant per-channel addend: the addend joins the bias. */
    private static void foldBias(Rewrite rw, Node conv, Node add, Tensor c) {
        ConvOp op = (ConvOp) conv.op();
        int m = op.constantWeights().dim(0);
        int rank = op.constantWeights().rank();
        boolean scalar = c.size() == 1;
        if (c.dtype() != DType.FLOAT32 || !(scalar || c.size() == m) || c.rank() > rank) {
            return;
        }
        // The channel axis of the output is 1; aligned from the right, c must be 1 everywhere else.
        int channelAxis = 1 - (rank - c.rank());
        for (int d = 0; d < c.rank(); d++) {
            if (d != channelAxis && c.dim(d) != 1) {
                return;
            }
        }
        if (!scalar && (channelAxis < 0 || c.dim(channelAxis) != m)) {
            return;
        }
        Tensor old = op.constantBias();
        float[] b = new float[m];
        for (int i = 0; i < m; i++) {
            b[i] = (old == null ? 0f : old.getFloat(i)) + c.getFloat(scalar ? 0 : i);
        }
        Tensor bt = Tensor.of(b, m);
        Value bv = rw.constant(conv.name() + "_bias_add", bt);
        rw.replace(conv, conv.with(op.withWeights(op.constantWeights(), bt),
                new Value[] {conv.input(0), conv.input(1), bv}, new Value[] {add.output(0)}));
        rw.remove(add);
    }

    private static boolean fusible(Node p, GraphIndex index) {
        if (!(p.op() instanceof ConvOp conv) || conv.hasResidual() || !conv.epilogue().isIdentity()
                || !index.fusible(p.output(0))) {
            return false;
        }
        Value w = p.input(1);
        Value b = p.inputCount() > 2 ? p.input(2) : null;
        return conv.constantWeights() != null && w != null && w.isConstant() && w.constant() == conv.constantWeights()
                && (b == null || (b.isConstant() && b.constant() == conv.constantBias()));
    }
}
