package dev.vinfer.ops.passes;

import dev.vinfer.ops.conv.ConvOp;
import dev.vinfer.ops.conv.NchwcBottleneckOp;
import dev.vinfer.ops.conv.NchwcConvOp;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.GraphPass;
import dev.vinfer.runtime.Node;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Value;

/**
 * Fuses blocked inverted bottlenecks (put by {@link ChannelBlockedChains}) into one {@link NchwcBottleneckOp}: a
 * blocked depthwise convolution whose output only a blocked 1x1 stride-1 convolution reads (the projection, with or
 * without a fused residual), and, when the depthwise's input is only read by it and written by a blocked 1x1
 * stride-1 convolution without a residual, that one too (the expansion). MobileNetV2's 17 blocks; ShuffleNet's
 * branches (depthwise then 1x1). The expanded and filtered tensors become the fused kernel's per-thread scratch.
 *
 * <p>{@code -Dvinfer.nchwc.bottleneckFusion=false} keeps the three nodes (read at optimization: for comparisons).
 */
public final class BottleneckFusion implements GraphPass {

    @Override
    public String name() {
        return "bottleneck-fusion";
    }

    /** After {@link ChannelBlockedChains} (940) and {@link ConcatConvFusion} (950). */
    @Override
    public int order() {
        return 960;
    }

    @Override
    public Graph apply(Graph g, SessionOptions options) {
        if ("false".equals(System.getProperty("vinfer.nchwc.bottleneckFusion"))) {
            return g;
        }
        GraphIndex index = new GraphIndex(g);
        Rewrite rw = new Rewrite(g);
        java.util.Set<Node> taken = new java.util.HashSet<>();
        for (Node d : g.nodes()) {
            if (!(d.op() instanceof NchwcConvOp dw) || dw.kind() != NchwcConvOp.Kind.DEPTHWISE || taken.contains(d)
                    || !constants(d, dw.conv()) || d.outputCount() != 1 || !index.fusible(d.output(0))) {
                continue;
            }
            Node q = index.reader(d.output(0)); // its one reader (fusible)
            if (q == null || !(q.op() instanceof NchwcConvOp project) || !NchwcBottleneckOp.unstridedPointwise(project)
                    || q.input(0) != d.output(0) || !constants(q, project.conv()) || taken.contains(q)) {
                continue;
            }
            Node p = index.fusible(d.input(0)) ? index.producer(d.input(0)) : null;
            NchwcConvOp expand = null;
            if (p != null && p.op() instanceof NchwcConvOp e && NchwcBottleneckOp.unstridedPointwise(e)
                    && !e.conv().hasResidual() && p.outputCount() == 1 && constants(p, e.conv())
                    && !taken.contains(p)) {
                expand = e;
            } else {
                p = null;
            }
            boolean res = project.conv().hasResidual();
            Value[] in = new Value[NchwcBottleneckOp.RESIDUAL + (res ? 1 : 0)];
            in[NchwcBottleneckOp.X] = p != null ? p.input(0) : d.input(0);
            if (p != null) {
                in[NchwcBottleneckOp.EXPAND] = p.input(1);
                in[NchwcBottleneckOp.EXPAND + 1] = bias(p);
            }
            in[NchwcBottleneckOp.DEPTHWISE] = d.input(1);
            in[NchwcBottleneckOp.DEPTHWISE + 1] = bias(d);
            in[NchwcBottleneckOp.PROJECT] = q.input(1);
            in[NchwcBottleneckOp.PROJECT + 1] = bias(q);
            if (res) {
                in[NchwcBottleneckOp.RESIDUAL] = q.input(ConvOp.RESIDUAL_INPUT);
            }
            if (p != null) {
                rw.remove(p);
                taken.add(p);
            }
            rw.remove(d);
            taken.add(d);
            taken.add(q);
            rw.replace(q, q.with(new NchwcBottleneckOp(expand, dw, project), in, q.outputs()));
        }
        return rw.build();
    }

    private static Value bias(Node n) {
        return n.inputCount() > 2 ? n.input(2) : null;
    }

    /** Weights (and bias, if any) are the constants the op holds. */
    private static boolean constants(Node n, ConvOp conv) {
        if (conv.constantWeights() == null || n.inputCount() < 2 || n.input(0) == null || n.input(1) == null
                || n.input(1).constant() != conv.constantWeights()) {
            return false;
        }
        Value b = bias(n);
        return b == null ? conv.constantBias() == null : b.isConstant() && b.constant() == conv.constantBias();
    }
}
