package dev.vinfer.ops.shape;

import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Shapes;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;

/**
 * A Concat on axis 1 and the channel shuffle after it as one op: {@code Reshape(Transpose(Reshape(Concat(x...),
 * s1), [0, 2, 1, 3, 4]), s2)}, as ShuffleNet writes its shuffle ({@code view(n, g, c / g, h, w)}, swap the two
 * channel axes, {@code view(n, c, h, w)}). Where {@code s1} cuts the concatenated {@code [N, C, H, W]} into
 * {@code [N, g, C / g, H, W]}, output channel {@code c * g + i} is channel {@code i * (C / g) + c} of the
 * concatenation: every output plane is one input plane, copied once, where the three ops copied every value twice
 * (the Concat, then the Transpose). Any other shapes give the same values by the general route (the concatenation
 * in a scratch tensor, then the transpose).
 *
 * <p>Put by the {@code channel-shuffle-concat} pass; the Reshapes' shape constants are kept, so the op resolves them
 * against the actual input as the Reshapes would.
 */
public final class ChannelShuffleConcatOp implements Operator {
    private final long[] shape1;
    private final boolean allowZero1;
    private final long[] shape2;
    private final boolean allowZero2;

    /** {@code shape1} and {@code shape2}: the Reshapes' targets (5 entries, and any), with their allowzero. */
    public ChannelShuffleConcatOp(long[] shape1, boolean allowZero1, long[] shape2, boolean allowZero2) {
        if (shape1.length != 5) {
            throw new IllegalArgumentException("channel shuffle: the first reshape must have 5 dims: "
                    + Arrays.toString(shape1));
        }
        this.shape1 = shape1.clone();
        this.allowZero1 = allowZero1;
        this.shape2 = shape2.clone();
        this.allowZero2 = allowZero2;
    }

    @Override
    public String opType() {
        return "ChannelShuffleConcat";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        int[] cat = concatShape(inputs);
        int[] r1 = ReshapeOp.resolve(cat, shape1, allowZero1);
        // the transposed shape: axes 1 and 2 swapped
        int[] moved = {r1[0], r1[2], r1[1], r1[3], r1[4]};
        int[] out = ReshapeOp.resolve(moved, shape2, allowZero2);
        ctx.options().limits().checkShape("ChannelShuffleConcat output", out);
        Tensor y = ctx.output(0, inputs[0].dtype(), out);
        if (cat.length == 4 && r1[0] == cat[0] && (long) r1[3] * r1[4] == (long) cat[2] * cat[3]) {
            planes(ctx, inputs, r1[1], r1[2], cat[2] * cat[3], y);
        } else {
            general(inputs, cat, r1, moved, y);
        }
        return ctx.result(y);
    }

    /** The shape Concat on axis 1 would give, checked as Concat checks it. */
    private static int[] concatShape(Tensor[] inputs) {
        if (inputs.length > 0 && inputs[0] != null && inputs[0].rank() == 1) {
            throw new VinferException("ChannelShuffleConcat: inputs of rank 1 have no axis 1");
        }
        return ConcatOp.outputShape(inputs, 1, "ChannelShuffleConcat");
    }

    /**
     * The usual case: {@code groups x perGroup} channels of {@code plane} values each per image; output plane
     * {@code c * groups + i} is concatenated channel {@code i * perGroup + c}. Split over threads as Concat splits
     * large planes (each thread the same part of every plane: the part its convolutions wrote and will read).
     */
    private static void planes(OpContext ctx, Tensor[] inputs, int groups, int perGroup, int plane, Tensor y) {
        int threads = ctx.parallel().threads();
        long count = (long) inputs[0].dim(0) * groups * perGroup * plane;
        if (threads < 2 || count < 2L * ConcatOp.MIN_PARALLEL_ELEMENTS || plane < threads) {
            copyPlanes(inputs, groups, perGroup, plane, y, 0, plane);
            return;
        }
        ctx.parallel().forEach(threads, t -> {
            int lo = (int) ((long) plane * t / threads);
            int hi = (int) ((long) plane * (t + 1) / threads);
            copyPlanes(inputs, groups, perGroup, plane, y, lo, hi);
        });
    }

    /**
     * Positions {@code [lo, hi)} of every plane, input by input: concatenated channel {@code ch = i perGroup + k}
     * goes to output channel {@code k groups + i}.
     */
    private static void copyPlanes(Tensor[] inputs, int groups, int perGroup, int plane, Tensor y, int lo, int hi) {
        int n = hi - lo;
        if (n <= 0) {
            return;
        }
        int images = inputs[0].dim(0);
        int c = groups * perGroup;
        for (int img = 0; img < images; img++) {
            int ch = 0;
            for (Tensor x : inputs) {
                int channels = x.dim(1);
                for (int j = 0; j < channels; j++, ch++) {
                    int to = ch % perGroup * groups + ch / perGroup;
                    ElementCopy.copy(x, (img * channels + j) * plane + lo, y, (img * c + to) * plane + lo, n);
                }
            }
        }
    }

    /** Any other shapes: the concatenation into a scratch tensor, then the transpose of its 5-D view into y. */
    private static void general(Tensor[] inputs, int[] cat, int[] r1, int[] moved, Tensor y) {
        Tensor joined = Tensor.zeros(inputs[0].dtype(), cat);
        int outer = cat[0];
        int inner = IndexArgs.product(cat, 2, cat.length);
        int at = 0;
        for (int o = 0; o < outer; o++) {
            for (Tensor t : inputs) {
                int row = t.dim(1) * inner;
                ElementCopy.copy(t, o * row, joined, at, row);
                at += row;
            }
        }
        int[] strides = Shapes.strides(r1);
        int[] src = {strides[0], strides[2], strides[1], strides[3], strides[4]};
        ElementCopy.copyStrided(joined.reshape(r1), 0, src, y.reshape(moved), moved);
    }

    /** The first Reshape's target (tests). */
    long[] shape1() {
        return shape1.clone();
    }
}
