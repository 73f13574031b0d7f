package dev.vinfer.ops.passes;

import dev.vinfer.ops.shape.ChannelShuffleConcatOp;
import dev.vinfer.ops.shape.ConcatOp;
import dev.vinfer.ops.shape.ReshapeOp;
import dev.vinfer.ops.shape.TransposeOp;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.GraphPass;
import dev.vinfer.runtime.Node;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.Value;
import java.util.Arrays;

/**
 * Fuses a channel shuffle into the Concat before it: {@code Concat(axis 1) -> Reshape (5 dims) -> Transpose [0, 2, 1,
 * 3, 4] -> Reshape}, each value read only by the next, with constant reshape targets, becomes one
 * {@link ChannelShuffleConcatOp}, which copies every value once instead of twice. ShuffleNet v2 ends each of its 16
 * units so; with {@code SplitOp}'s views the next unit's channel halves then cost nothing either (session 39:
 * its Concats, shuffles and Splits took about 0.33 ms of 3.35 at one thread).
 *
 * <p>Early (60), before the Concat could be fused with the convolutions that write it ({@code concat-conv-fusion},
 * 950): a shuffle after those would still copy everything once. {@code -Dvinfer.channelShuffleFusion=false} keeps
 * the four nodes (read at optimization).
 */
public final class ChannelShuffleConcatFusion implements GraphPass {
    /** The Transpose between the Reshapes: the two channel axes swapped. */
    private static final int[] SWAP = {0, 2, 1, 3, 4};

    @Override
    public String name() {
        return "channel-shuffle-concat";
    }

    @Override
    public int order() {
        return 60;
    }

    @Override
    public Graph apply(Graph g, SessionOptions options) {
        if ("false".equals(System.getProperty("vinfer.channelShuffleFusion"))) {
            return g;
        }
        GraphIndex index = new GraphIndex(g);
        Rewrite rw = new Rewrite(g);
        boolean any = false;
        for (Node cat : g.nodes()) {
            if (!(cat.op() instanceof ConcatOp c) || c.axis() != 1 || cat.outputCount() != 1
                    || !index.fusible(cat.output(0))) {
                continue;
            }
            Node r1 = index.reader(cat.output(0));
            long[] s1 = reshapeTarget(r1, cat.output(0));
            if (s1 == null || s1.length != 5 || !index.fusible(r1.output(0))) {
                continue;
            }
            Node t = index.reader(r1.output(0));
            if (t == null || !(t.op() instanceof TransposeOp tr) || tr.perm() == null
                    || !Arrays.equals(tr.perm(), SWAP) || t.input(0) != r1.output(0) || t.outputCount() != 1
                    || !index.fusible(t.output(0))) {
                continue;
            }
            Node r2 = index.reader(t.output(0));
            long[] s2 = reshapeTarget(r2, t.output(0));
            if (s2 == null) {
                continue;
            }
            ChannelShuffleConcatOp op = new ChannelShuffleConcatOp(s1, ((ReshapeOp) r1.op()).allowZero(), s2,
                    ((ReshapeOp) r2.op()).allowZero());
            rw.remove(cat);
            rw.remove(r1);
            rw.remove(t);
            rw.replace(r2, new Node(cat.name(), cat.domain(), op, cat.inputs(), r2.outputs()));
            any = true;
        }
        return any ? rw.build() : g;
    }

    /** The constant int64 target of Reshape node {@code r} reading {@code data}, or null. */
    private static long[] reshapeTarget(Node r, Value data) {
        if (r == null || !(r.op() instanceof ReshapeOp) || r.inputCount() != 2 || r.input(0) != data
                || r.input(1) == null || !r.input(1).isConstant() || r.outputCount() != 1 || r.output(0) == null) {
            return null;
        }
        Tensor s = r.input(1).constant();
        if (s.dtype() != DType.INT64 || s.rank() != 1 || s.isReleased()) {
            return null;
        }
        return s.toLongArray();
    }
}
