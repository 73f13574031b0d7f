package dev.vinfer.ops.passes;

import dev.vinfer.ops.conv.NchwcConvOp;
import dev.vinfer.ops.conv.NchwcMaxPoolOp;
import dev.vinfer.ops.conv.NchwcStemPoolOp;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.GraphPass;
import dev.vinfer.runtime.Node;
import dev.vinfer.runtime.SessionOptions;

/**
 * Fuses a blocked stem (put by {@link ChannelBlockedChains}) and the blocked max pool that alone reads its output
 * into one {@link NchwcStemPoolOp}: ResNet's 7x7/2 stem and 3x3/2 pool, SqueezeNet's 3x3/2 stem and pool. The stem's
 * output (3.2 MB in both) is then pooled band by band while it is in cache instead of passing through L3.
 *
 * <p>{@code -Dvinfer.nchwc.stemPool=false} keeps two nodes (read at optimization: for comparisons).
 */
public final class StemPoolFusion implements GraphPass {

    @Override
    public String name() {
        return "stem-pool-fusion";
    }

    /** After {@link ChannelBlockedChains} (940), {@link ConcatConvFusion} (950), {@link BottleneckFusion} (960). */
    @Override
    public int order() {
        return 970;
    }

    @Override
    public Graph apply(Graph g, SessionOptions options) {
        if ("false".equals(System.getProperty("vinfer.nchwc.stemPool"))) {
            return g;
        }
        GraphIndex index = new GraphIndex(g);
        Rewrite rw = new Rewrite(g);
        boolean any = false;
        for (Node s : g.nodes()) {
            if (!(s.op() instanceof NchwcConvOp stem) || stem.kind() != NchwcConvOp.Kind.STEM
                    || stem.conv().hasResidual() || s.outputCount() != 1 || !index.fusible(s.output(0))) {
                continue;
            }
            Node q = index.reader(s.output(0));
            if (q == null || !(q.op() instanceof NchwcMaxPoolOp pool) || q.inputCount() != 1
                    || q.input(0) != s.output(0) || q.outputCount() != 1) {
                continue;
            }
            rw.remove(s);
            rw.replace(q, new Node(q.name(), q.domain(), new NchwcStemPoolOp(stem, pool), s.inputs(), q.outputs()));
            any = true;
        }
        return any ? rw.build() : g;
    }
}
