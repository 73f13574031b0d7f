package dev.vinfer.ops.passes;

import dev.vinfer.ops.conv.ConvOp;
import dev.vinfer.ops.nn.pool.AveragePoolOp;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.GraphPass;
import dev.vinfer.runtime.Node;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Value;

/**
 * Swaps a 1x1 convolution and the AveragePool that alone reads its output, {@code AvgPool(Conv1x1(x))} to
 * {@code Conv1x1(AvgPool(x))}, where the pool reads whole windows ({@link AveragePoolOp#wholeWindows2d}: no padding,
 * dilation 1, floor rounding) that reduce the positions (a stride above 1), and the convolution is a plain 1x1: stride
 * 1, no padding, one group, no activation and no residual. Both are linear and every output averages the same number
 * of positions, so {@code avg(W x + b) = W avg(x) + b}; the convolution then runs on a quarter of the positions
 * (2x2/2), and the pool reads its input instead of its output. The sums round differently, by a few float roundings.
 *
 * <p>Why: DenseNet's transitions (BatchNorm + Relu, 1x1 halving the channels, AveragePool 2x2/2) spent 2.9 ms of
 * DenseNet-121's 27 in their three 1x1 layers at full resolution (session 38). Before {@code static-conv-inputs}
 * (900), which records each convolution's input shape, and the blocked chains (940), which then see pool, then
 * convolution. {@code -Dvinfer.poolBeforePointwise=false} leaves the order (read at optimization).
 */
public final class AveragePoolBeforePointwise implements GraphPass {

    @Override
    public String name() {
        return "avgpool-before-pointwise";
    }

    @Override
    public int order() {
        return 890;
    }

    @Override
    public Graph apply(Graph g, SessionOptions options) {
        if ("false".equals(System.getProperty("vinfer.poolBeforePointwise"))) {
            return g;
        }
        GraphIndex index = new GraphIndex(g);
        Rewrite rw = new Rewrite(g);
        boolean any = false;
        for (Node pool : g.nodes()) {
            if (!(pool.op() instanceof AveragePoolOp ap) || !ap.wholeWindows2d() || pool.inputCount() != 1
                    || pool.outputCount() != 1 || pool.output(0) == null || !reduces(ap)
                    || !index.fusible(pool.input(0))) {
                continue;
            }
            Node conv = index.producer(pool.input(0));
            if (conv == null || conv.outputCount() != 1 || !(conv.op() instanceof ConvOp c) || !plainPointwise(c, conv)) {
                continue;
            }
            Value pooled = rw.freshValue(conv.input(0).name() + "_pooled");
            rw.replace(conv, new Node(pool.name(), pool.domain(), pool.op(), new Value[] {conv.input(0)},
                    new Value[] {pooled}));
            Value[] convInputs = conv.inputs().clone();
            convInputs[0] = pooled;
            rw.replace(pool, new Node(conv.name(), conv.domain(), conv.op(), convInputs, pool.outputs()));
            any = true;
        }
        return any ? rw.build() : g;
    }

    private static boolean reduces(AveragePoolOp ap) {
        int[] s = ap.window().strides();
        return s[0] * s[1] > 1;
    }

    /** A 1x1, stride-1, unpadded, one-group convolution of constant 4-D weights, no activation, no residual. */
    private static boolean plainPointwise(ConvOp c, Node n) {
        if (c.hasResidual() || !c.epilogue().isIdentity() || c.constantWeights() == null
                || c.constantWeights().rank() != 4 || n.inputCount() < 2 || n.input(0) == null
                || c.attributes().group() != 1) {
            return false;
        }
        int[] ws = c.constantWeights().shape();
        return ws[2] == 1 && ws[3] == 1 && !BlockedEligibility.strided(c) && BlockedEligibility.noPads(c);
    }
}
