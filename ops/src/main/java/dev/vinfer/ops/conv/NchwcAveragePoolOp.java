package dev.vinfer.ops.conv;

import dev.vinfer.conv.Backend;
import dev.vinfer.conv.Kernels;
import dev.vinfer.conv.NchwcLayout;
import dev.vinfer.conv.Parallel;
import dev.vinfer.ops.nn.pool.AveragePoolOp;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/**
 * AveragePool of whole 2-D windows ({@link AveragePoolOp#wholeWindows2d}: no padding, dilation 1, floor rounding)
 * on a channel-blocked tensor ({@link NchwcLayout}): input {@code [N, ceil(C/16), H, W, 16]}, output
 * {@code [N, ceil(C/16), (H - kh) / sh + 1, (W - kw) / sw + 1, 16]}, each output the float sum of its {@code kh x kw}
 * taps divided by their count ({@link Backend#nchwcAverageRow}). The NCHW op sums in another order, so the two
 * differ by a few float roundings of the window's sum.
 *
 * <p>Why: DenseNet's transitions end in a 2x2/2 average pool between blocked runs; run NCHW it needed a reorder out
 * of the blocked layout and one back, and took 0.54 ms of its 27 against ONNX Runtime's 0.07 (session 38).
 */
public final class NchwcAveragePoolOp implements Operator {
    /** Output positions per task at least, so that small planes stay on one thread. */
    private static final int MIN_POSITIONS_PER_TASK = 512;

    private final int channels;
    private final int kh;
    private final int kw;
    private final int sh;
    private final int sw;

    public NchwcAveragePoolOp(AveragePoolOp pool, int channels) {
        if (!pool.wholeWindows2d()) {
            throw new IllegalArgumentException("NCHWc AveragePool needs whole 2-D windows, got " + pool.describe());
        }
        if (channels < 1) {
            throw new IllegalArgumentException("channels " + channels);
        }
        this.channels = channels;
        int[] k = pool.window().kernel();
        int[] s = pool.window().strides();
        this.kh = k[0];
        this.kw = k[1];
        this.sh = s[0];
        this.sw = s[1];
    }

    @Override
    public String opType() {
        return "AveragePool";
    }

    @Override
    public String describe() {
        return "nchwc " + kh + "x" + kw + "/" + sh + "x" + sw;
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        int[] s = BlockedInputs.require(x, channels, "AveragePool");
        if (s[2] < kh || s[3] < kw) {
            throw new VinferException("NCHWc AveragePool: window " + kh + "x" + kw + " does not fit input " + x);
        }
        int oh = (s[2] - kh) / sh + 1;
        int ow = (s[3] - kw) / sw + 1;
        Tensor y = ctx.output(0, DType.FLOAT32, s[0], s[1], oh, ow, NchwcLayout.BLOCK);
        if (!ctx.preparing()) {
            run(x.floats(), x.offset(), y.floats(), y.offset(), s[0] * s[1], s[2], s[3], oh, ow, ctx.parallel(),
                    Kernels.backend());
        }
        return ctx.result(y);
    }

    /** {@code planes} blocked planes of {@code h x w} into {@code oh x ow}, by output rows. */
    void run(float[] in, int io, float[] out, int oo, int planes, int h, int w, int oh, int ow, Parallel parallel,
            Backend backend) {
        int rowStride = w * NchwcLayout.BLOCK;
        int minRows = Math.max(1, MIN_POSITIONS_PER_TASK / Math.max(1, ow));
        parallel.forRange(planes * oh, minRows, (from, to) -> {
            for (int t = from; t < to; t++) {
                int p = t / oh;
                int r = t % oh;
                backend.nchwcAverageRow(in, io + (p * h + r * sh) * rowStride, rowStride, kh, kw, sw, ow, out,
                        oo + (p * oh + r) * ow * NchwcLayout.BLOCK);
            }
        });
    }
}
