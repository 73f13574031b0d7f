package dev.vinfer.ops.passes;

import dev.vinfer.ops.conv.ConvConcatOp;
import dev.vinfer.ops.conv.ConvOp;
import dev.vinfer.ops.conv.NchwcConcatOp;
import dev.vinfer.ops.conv.NchwcConvConcatOp;
import dev.vinfer.ops.conv.NchwcConvOp;
import dev.vinfer.ops.shape.ConcatOp;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.GraphPass;
import dev.vinfer.runtime.Node;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Value;

/**
 * Fuses a Concat along the channels (axis 1) all of whose inputs are Conv outputs read by nothing else into one
 * {@link ConvConcatOp}, which writes each convolution's channels straight into the joined output (SqueezeNet's fire
 * modules, GoogLeNet's inception blocks): the Concat's copy disappears. Only convolutions with constant weights (and
 * bias) and no fused residual qualify. Runs after the other fusions (the Convs already carry their activations) and
 * after {@link StaticConvInputs}, so the fused convolutions can still release their raw weights.
 *
 * <p>Likewise a blocked Concat ({@link NchwcConcatOp}, put by {@link ChannelBlockedChains} just before) of blocked
 * convolutions' outputs becomes one {@link NchwcConvConcatOp}.
 */
public final class ConcatConvFusion implements GraphPass {

    @Override
    public String name() {
        return "concat-conv-fusion";
    }

    @Override
    public int order() {
        return 950;
    }

    @Override
    public Graph apply(Graph g, SessionOptions options) {
        GraphIndex index = new GraphIndex(g);
        Rewrite rw = new Rewrite(g);
        for (Node cat : g.nodes()) {
            if (cat.op() instanceof NchwcConcatOp) {
                // -Dvinfer.nchwc.concatFusion=false keeps the blocked copy (read at optimization: for comparisons)
                if (!"false".equals(System.getProperty("vinfer.nchwc.concatFusion"))) {
                    fuseBlocked(cat, index, rw);
                }
                continue;
            }
            if (!(cat.op() instanceof ConcatOp c) || c.axis() != 1 || cat.inputCount() < 2 || cat.outputCount() != 1) {
                continue;
            }
            Node[] producers = new Node[cat.inputCount()];
            ConvOp[] convs = new ConvOp[cat.inputCount()];
            boolean ok = true;
            for (int i = 0; i < cat.inputCount() && ok; i++) {
                Value v = cat.input(i);
                Node p = index.fusible(v) ? index.producer(v) : null;
                ok = p != null && p.outputCount() == 1 && p.op() instanceof ConvOp conv && qualifies(p, conv);
                if (ok) {
                    for (int j = 0; j < i; j++) {
                        ok &= producers[j] != p; // the same conv twice (cannot be: its output is read once)
                    }
                    producers[i] = p;
                    convs[i] = (ConvOp) p.op();
                }
            }
            if (!ok) {
                continue;
            }
            Value[] in = new Value[convs.length * ConvConcatOp.INPUTS_PER_CONV];
            for (int i = 0; i < convs.length; i++) {
                Node p = producers[i];
                in[i * ConvConcatOp.INPUTS_PER_CONV] = p.input(0);
                in[i * ConvConcatOp.INPUTS_PER_CONV + 1] = p.input(1);
                in[i * ConvConcatOp.INPUTS_PER_CONV + 2] = p.inputCount() > 2 ? p.input(2) : null;
                rw.remove(p);
            }
            rw.replace(cat, cat.with(new ConvConcatOp(convs), in, cat.outputs()));
        }
        return rw.build();
    }

    /** A blocked Concat all of whose inputs are blocked convolutions' outputs read by nothing else, fused. */
    private static void fuseBlocked(Node cat, GraphIndex index, Rewrite rw) {
        int k = cat.inputCount();
        if (k < 2 || cat.outputCount() != 1) {
            return;
        }
        Node[] producers = new Node[k];
        NchwcConvOp[] convs = new NchwcConvOp[k];
        for (int i = 0; i < k; i++) {
            Value v = cat.input(i);
            Node p = index.fusible(v) ? index.producer(v) : null;
            if (p == null || p.outputCount() != 1 || !(p.op() instanceof NchwcConvOp nc) || !qualifies(p, nc.conv())) {
                return;
            }
            for (int j = 0; j < i; j++) {
                if (producers[j] == p) {
                    return;
                }
            }
            producers[i] = p;
            convs[i] = nc;
        }
        Value[] in = new Value[k * NchwcConvConcatOp.INPUTS_PER_CONV];
        for (int i = 0; i < k; i++) {
            Node p = producers[i];
            in[i * NchwcConvConcatOp.INPUTS_PER_CONV] = p.input(0);
            in[i * NchwcConvConcatOp.INPUTS_PER_CONV + 1] = p.input(1);
            in[i * NchwcConvConcatOp.INPUTS_PER_CONV + 2] = p.inputCount() > 2 ? p.input(2) : null;
            rw.remove(p);
        }
        rw.replace(cat, cat.with(new NchwcConvConcatOp(convs), in, cat.outputs()));
    }

    /** Constant weights (and bias, if any) as the op holds them, no residual, nothing else read. */
    private static boolean qualifies(Node p, ConvOp conv) {
        if (conv.hasResidual() || conv.constantWeights() == null || p.inputCount() < 2 || p.inputCount() > 3
                || p.input(0) == null || p.input(1) == null || p.input(1).constant() != conv.constantWeights()) {
            return false;
        }
        Value b = p.inputCount() > 2 ? p.input(2) : null;
        return b == null ? conv.constantBias() == null : b.isConstant() && b.constant() == conv.constantBias();
    }
}
