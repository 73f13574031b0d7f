package dev.vinfer.ops.conv;

import dev.vinfer.conv.NchwcLayout;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * GlobalAveragePool reading a channel-blocked tensor ({@link NchwcLayout}, {@code [N, C/16, spatial..., 16]}) and
 * writing the NCHW result {@code [N, C, 1, ..., 1]}: put by the channel-blocked chains pass where a chain's last
 * output is only pooled (MobileNetV2's and ResNet-50's heads), so no reorder runs before the pool.
 */
public final class NchwcGlobalAveragePoolOp implements Operator {
    private final int channels;
    /** The last blocked input shape and its output shape (a steady run allocates no shape array). */
    private volatile int[][] last;

    public NchwcGlobalAveragePoolOp(int channels) {
        if (channels < 1) {
            throw new IllegalArgumentException("channels " + channels);
        }
        this.channels = channels;
    }

    /** The channels it averages (the blocked input holds them in {@code ceil(channels / 16)} blocks). */
    public int channels() {
        return channels;
    }

    @Override
    public String opType() {
        return "GlobalAveragePool";
    }

    @Override
    public String describe() {
        return "nchwc";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        if (x.dtype() != DType.FLOAT32) {
            throw new VinferException("NCHWc GlobalAveragePool supports float32 only, got " + x);
        }
        int[][] sh = last;
        if (sh == null || !ConvOp.sameShape(x, sh[0])) {
            int[] s = x.shape();
            if (s.length < 4 || s[1] != NchwcLayout.blocks(channels) || s[s.length - 1] != NchwcLayout.BLOCK) {
                throw new VinferException("NCHWc GlobalAveragePool: expected a blocked [N, "
                        + NchwcLayout.blocks(channels) + ", spatial..., 16] tensor, got " + x);
            }
            int[] out = new int[s.length - 1];
            out[0] = s[0];
            out[1] = channels;
            java.util.Arrays.fill(out, 2, out.length, 1);
            sh = new int[][] {s, out};
            last = sh;
        }
        int[] s = sh[0];
        int spatial = 1;
        for (int d = 2; d < s.length - 1; d++) {
            spatial *= s[d];
        }
        Tensor y = ctx.output(0, DType.FLOAT32, sh[1]);
        if (!ctx.preparing()) {
            NchwcLayout.globalAverage(s[0], channels, spatial, x.floats(), x.offset(), y.floats(), y.offset());
        }
        return ctx.result(y);
    }
}
