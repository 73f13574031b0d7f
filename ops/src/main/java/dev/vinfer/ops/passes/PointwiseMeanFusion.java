package dev.vinfer.ops.passes;

import dev.vinfer.ops.conv.NchwcConvOp;
import dev.vinfer.ops.conv.NchwcGlobalAveragePoolOp;
import dev.vinfer.ops.conv.NchwcPointwiseMeanOp;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.GraphPass;
import dev.vinfer.runtime.Node;
import dev.vinfer.runtime.SessionOptions;

/**
 * Fuses a blocked 1x1 convolution (put by {@link ChannelBlockedChains}) and the blocked GlobalAveragePool that alone
 * reads its output into one {@link NchwcPointwiseMeanOp}: SqueezeNet's 512 -> 1000 classifier and its pool,
 * MobileNetV2's 320 -> 1280 and ResNet-50's last 512 -> 2048 with theirs. The convolution's output is then averaged
 * group by group in cache instead of being written whole and read back.
 *
 * <p>{@code -Dvinfer.nchwc.pointwiseMean=false} keeps two nodes (read at optimization: for comparisons).
 */
public final class PointwiseMeanFusion implements GraphPass {

    @Override
    public String name() {
        return "pointwise-mean-fusion";
    }

    /** After {@link StemPoolFusion} (970), the last of the blocked passes. */
    @Override
    public int order() {
        return 975;
    }

    @Override
    public Graph apply(Graph g, SessionOptions options) {
        if ("false".equals(System.getProperty("vinfer.nchwc.pointwiseMean"))) {
            return g;
        }
        GraphIndex index = new GraphIndex(g);
        Rewrite rw = new Rewrite(g);
        boolean any = false;
        for (Node s : g.nodes()) {
            if (!(s.op() instanceof NchwcConvOp conv) || conv.kind() != NchwcConvOp.Kind.POINTWISE
                    || s.outputCount() != 1 || !index.fusible(s.output(0))) {
                continue;
            }
            Node q = index.reader(s.output(0));
            if (q == null || !(q.op() instanceof NchwcGlobalAveragePoolOp pool) || q.inputCount() != 1
                    || q.input(0) != s.output(0) || q.outputCount() != 1
                    || pool.channels() != conv.conv().constantWeights().shape()[0]) {
                continue;
            }
            rw.remove(s);
            rw.replace(q, new Node(q.name(), q.domain(), new NchwcPointwiseMeanOp(conv, pool), s.inputs(),
                    q.outputs()));
            any = true;
        }
        return any ? rw.build() : g;
    }
}
