package dev.vinfer.ops.conv;

import dev.vinfer.conv.NchwcLayout;
import dev.vinfer.conv.NchwcMaxPool;
import dev.vinfer.ops.nn.pool.PoolGeometry;
import dev.vinfer.ops.nn.pool.PoolWindow;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * MaxPool (2-D, float32, no indices) on a channel-blocked tensor ({@link NchwcLayout}): input
 * {@code [N, ceil(C/16), H, W, 16]}, output {@code [N, ceil(C/16), OH, OW, 16]}, the output size and pads exactly
 * those of the NCHW {@code MaxPoolOp} on {@code [N, C, H, W]} ({@link PoolGeometry}: ceil mode, auto_pad), the
 * values ONNX's (NaN skipped, all-NaN windows NaN). Put by the channel-blocked chains pass where a pool sits inside
 * a chain (SqueezeNet's pools between fire modules), so the chain stays blocked instead of reordering around it.
 */
public final class NchwcMaxPoolOp implements Operator {
    private final PoolWindow window;
    private final int channels;
    /** The kernel of the most recent input shape (replaced whole): a steady run builds nothing. */
    private volatile Shaped last;

    private record Shaped(int[] in, int[] out, NchwcMaxPool pool) {
    }

    public NchwcMaxPoolOp(PoolWindow window, int channels) {
        if (!supports(window)) {
            throw new IllegalArgumentException("NCHWc MaxPool needs a 2-D window, got " + window);
        }
        if (channels < 1) {
            throw new IllegalArgumentException("channels " + channels);
        }
        this.window = window;
        this.channels = channels;
    }

    /**
     * Whether this op computes {@code window}: 2-D (any kernel, strides, dilations, pads, ceil mode, auto_pad). The
     * caller also needs a float32 input and no Indices output (storage order then does not matter).
     */
    public static boolean supports(PoolWindow window) {
        return window != null && window.spatialDims() == 2;
    }

    public PoolWindow window() {
        return window;
    }

    public int channels() {
        return channels;
    }

    @Override
    public String opType() {
        return "MaxPool";
    }

    @Override
    public String describe() {
        return "nchwc";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        if (x.dtype() != DType.FLOAT32) {
            throw new VinferException("NCHWc MaxPool supports float32 only, got " + x);
        }
        Shaped sh = last;
        if (sh == null || !ConvOp.sameShape(x, sh.in)) {
            sh = shape(x);
            last = sh;
        }
        Tensor y = ctx.output(0, DType.FLOAT32, sh.out);
        if (!ctx.preparing()) {
            sh.pool.run(x.floats(), x.offset(), y.floats(), y.offset(), ctx.parallel());
        }
        return ctx.result(y);
    }

    private Shaped shape(Tensor x) {
        int[] s = x.shape();
        NchwcMaxPool pool = kernel(window, channels, s, x.toString());
        return new Shaped(s, new int[] {s[0], s[1], pool.outH(), pool.outW(), NchwcLayout.BLOCK}, pool);
    }

    /**
     * The pool kernel of {@code window} on a blocked input of shape {@code s} holding {@code channels} channels
     * (also for {@link NchwcStemPoolOp}, whose input is a stem's output); {@code what} names the input in errors.
     */
    static NchwcMaxPool kernel(PoolWindow window, int channels, int[] s, String what) {
        if (s.length != 5 || s[1] != NchwcLayout.blocks(channels) || s[4] != NchwcLayout.BLOCK) {
            throw new VinferException("NCHWc MaxPool: expected a blocked [N, " + NchwcLayout.blocks(channels)
                    + ", H, W, 16] tensor, got " + what);
        }
        PoolGeometry g = PoolGeometry.of(window, new int[] {s[0], channels, s[2], s[3]});
        int[] k = window.kernel();
        int[] st = window.strides();
        int[] d = window.dilations();
        int[] pads = g.pads();
        try {
            return NchwcMaxPool.prepare(s[0], channels, s[2], s[3], k[0], k[1], st[0], st[1], d[0], d[1], pads[0],
                    pads[1], g.out(1), g.out(2));
        } catch (IllegalArgumentException e) {
            throw new VinferException("NCHWc MaxPool " + window + " on " + what + ": " + e.getMessage());
        }
    }
}
