package dev.vinfer.ops.conv;

import dev.vinfer.conv.Backend;
import dev.vinfer.conv.Kernels;
import dev.vinfer.conv.NchwcLayout;
import dev.vinfer.conv.Parallel;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;

/**
 * Inference BatchNormalization, optionally with its Relu, on a channel-blocked tensor ({@link NchwcLayout}, input
 * and output {@code [N, ceil(C/16), H, W, 16]}): {@code y = fma(x, a[c], b[c])} per channel, with {@code a, b} the
 * double {@code scale / sqrt(var + eps)} and {@code B - mean * a} of {@code BatchNormalizationOp} rounded to float,
 * then {@code max(y, 0)} ({@link Backend#nchwcScaleShift}). Against the NCHW op, which computes in double, a value
 * differs by at most about 2 float roundings of {@code |x a| + |b|} (NchwcBatchNormOpTest). a and b are 0 on the
 * lanes past C, so those stay 0 as every blocked kernel writes them.
 *
 * <p>Why: a pre-activation network (DenseNet: BatchNorm and Relu on each layer's growing concatenation, then a
 * 1x1 convolution) otherwise leaves the blocked run at every layer, with a reorder of the whole concatenation out
 * and one back in around the NCHW pass.
 */
public final class NchwcBatchNormOp implements Operator {
    /** Positions per task at least, so that small planes stay on one thread. */
    private static final int MIN_POSITIONS_PER_TASK = 1 << 11;

    private final int channels;
    /** Per lane of the padded channels ({@code blocks x 16}), 0 past {@link #channels}. */
    private final float[] a;
    private final float[] b;
    private final boolean relu;

    public NchwcBatchNormOp(double[] a, double[] b, boolean relu) {
        if (a.length != b.length || a.length < 1) {
            throw new IllegalArgumentException("a and b: " + a.length + " and " + b.length + " channels");
        }
        this.channels = a.length;
        int padded = NchwcLayout.blocks(channels) * NchwcLayout.BLOCK;
        this.a = new float[padded];
        this.b = new float[padded];
        for (int c = 0; c < channels; c++) {
            this.a[c] = (float) a[c];
            this.b[c] = (float) b[c];
        }
        this.relu = relu;
    }

    public int channels() {
        return channels;
    }

    public boolean relu() {
        return relu;
    }

    @Override
    public String opType() {
        return "BatchNormalization";
    }

    @Override
    public String describe() {
        return relu ? "nchwc+Relu" : "nchwc";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        Tensor x = inputs[0];
        int[] s = BlockedInputs.require(x, channels, "BatchNormalization");
        Tensor y = ctx.output(0, DType.FLOAT32, s);
        if (!ctx.preparing()) {
            run(x.floats(), x.offset(), y.floats(), y.offset(), s[0] * s[1], s[2] * s[3], ctx.parallel(),
                    Kernels.backend());
        }
        return ctx.result(y);
    }

    /** {@code planes} blocked planes ({@code (n, block)}) of {@code pixels} positions each, on {@code backend}. */
    void run(float[] in, int io, float[] out, int oo, int planes, int pixels, Parallel parallel, Backend backend) {
        int blocks = a.length / NchwcLayout.BLOCK;
        int planeFloats = pixels * NchwcLayout.BLOCK;
        int minPlanes = Math.max(1, MIN_POSITIONS_PER_TASK / Math.max(1, pixels));
        parallel.forRange(planes, minPlanes, (from, to) -> {
            for (int p = from; p < to; p++) {
                int off = p * planeFloats;
                backend.nchwcScaleShift(in, io + off, out, oo + off, pixels, a, b, p % blocks * NchwcLayout.BLOCK,
                        relu);
            }
        });
    }
}
