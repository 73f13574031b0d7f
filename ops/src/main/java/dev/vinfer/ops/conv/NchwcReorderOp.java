package dev.vinfer.ops.conv;

import dev.vinfer.conv.NchwcLayout;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;

/**
 * The edge of a channel-blocked chain ({@link NchwcConvOp}): an NCHW tensor {@code [N, C, spatial...]} to the
 * blocked layout {@code [N, ceil(C/16), spatial..., 16]} ({@link NchwcLayout}, pad lanes zero), or back. Inserted by
 * the optimizer only; {@code channels} is the true channel count, which the blocked shape rounds up.
 */
public final class NchwcReorderOp implements Operator {
    private final boolean toBlocked;
    private final int channels;

    public NchwcReorderOp(boolean toBlocked, int channels) {
        if (channels < 1) {
            throw new IllegalArgumentException("channels " + channels);
        }
        this.toBlocked = toBlocked;
        this.channels = channels;
    }

    public boolean toBlocked() {
        return toBlocked;
    }

    public int channels() {
        return channels;
    }

    @Override
    public String opType() {
        return toBlocked ? "ReorderToNchwc" : "ReorderFromNchwc";
    }

    @Override
    public String describe() {
        return channels + " channels";
    }

    /** The last input shape seen and the output shape and positions per channel it gives (a steady run: no arrays). */
    private volatile Shapes last;

    private record Shapes(int[] in, int[] out, int spatial) {
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        if (x.dtype() != DType.FLOAT32) {
            throw new VinferException(opType() + " supports float32 only, got " + x);
        }
        Shapes sh = last;
        if (sh == null || !ConvOp.sameShape(x, sh.in)) {
            sh = shapes(x);
            last = sh;
        }
        Tensor y = ctx.output(0, DType.FLOAT32, sh.out);
        if (!ctx.preparing()) {
            if (toBlocked) {
                NchwcLayout.toBlocked(sh.in[0], channels, sh.spatial, x.floats(), x.offset(), y.floats(), y.offset(),
                        ctx.parallel());
            } else {
                NchwcLayout.fromBlocked(sh.in[0], channels, sh.spatial, x.floats(), x.offset(), y.floats(),
                        y.offset(), ctx.parallel());
            }
        }
        return ctx.result(y);
    }

    private Shapes shapes(Tensor x) {
        int[] s = x.shape();
        int[] out;
        int spatial = 1;
        if (toBlocked) {
            if (s.length < 3 || s[1] != channels) {
                throw new VinferException(opType() + ": expected [N, " + channels + ", spatial...], got " + x);
            }
            for (int d = 2; d < s.length; d++) {
                spatial = Math.multiplyExact(spatial, s[d]);
            }
            out = new int[s.length + 1];
            out[0] = s[0];
            out[1] = NchwcLayout.blocks(channels);
            System.arraycopy(s, 2, out, 2, s.length - 2);
            out[s.length] = NchwcLayout.BLOCK;
        } else {
            if (s.length < 4 || s[1] != NchwcLayout.blocks(channels) || s[s.length - 1] != NchwcLayout.BLOCK) {
                throw new VinferException(opType() + ": expected a blocked [N, " + NchwcLayout.blocks(channels)
                        + ", spatial..., 16] tensor, got " + x);
            }
            for (int d = 2; d < s.length - 1; d++) {
                spatial = Math.multiplyExact(spatial, s[d]);
            }
            out = Arrays.copyOf(s, s.length - 1);
            out[1] = channels;
        }
        return new Shapes(s, out, spatial);
    }
}
