package dev.vinfer.ops.conv;

import dev.vinfer.conv.NchwcLayout;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.PackedConstants;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;
import java.util.StringJoiner;

/**
 * Blocked convolutions ({@link NchwcConvOp}) joined by a blocked Concat along the channels ({@link NchwcConcatOp}),
 * as one node: each convolution writes its blocks straight into its range of the joined output, so the Concat's copy
 * disappears (SqueezeNet's fire modules: a 1x1 and a 3x3 expand; GoogLeNet's inception branches). All convolutions
 * but the last have a multiple of 16 output channels, so channel ranges are block ranges.
 *
 * <p>Why: the copy read and wrote every output value once more (SqueezeNet: 0.15-0.19 ms of 4.8 at one thread), and
 * at two threads it ran 2-3 times slower than at one, each thread copying blocks the other core had just written
 * (session 13, per node in one JVM: this VM's two vCPUs share no cache).
 *
 * <p>Inputs are three per convolution, in Concat order: its blocked data input, weights and bias (or null). With a
 * batch of 1 each convolution's blocks are one contiguous range of the output, written in place; with a larger batch
 * each convolution runs into a scratch tensor, copied image by image (correct, but allocating: the fusion is meant
 * for batch-1 latency).
 */
public final class NchwcConvConcatOp implements Operator, PackedConstants {
    /** Inputs per convolution: data, weights, bias. */
    public static final int INPUTS_PER_CONV = 3;

    private final NchwcConvOp[] convs;

    /**
     * @param convs the blocked convolutions in Concat order, without fused residuals, all but the last with a
     *     multiple of 16 output channels
     */
    public NchwcConvConcatOp(NchwcConvOp[] convs) {
        if (convs.length < 1) {
            throw new IllegalArgumentException("NchwcConvConcatOp needs at least one convolution");
        }
        for (int i = 0; i < convs.length; i++) {
            ConvOp c = convs[i].conv();
            if (c.hasResidual()) {
                throw new IllegalArgumentException("NchwcConvConcatOp: convolution " + i + " has a fused residual");
            }
            if (i < convs.length - 1 && c.constantWeights().shape()[0] % NchwcLayout.BLOCK != 0) {
                throw new IllegalArgumentException("NchwcConvConcatOp: convolution " + i + " has "
                        + c.constantWeights().shape()[0] + " output channels, not a multiple of 16");
            }
        }
        this.convs = convs.clone();
    }

    @Override
    public String opType() {
        return convs[0].opType() + "+Concat";
    }

    /** The kernels of the convolutions, in Concat order. */
    @Override
    public String describe() {
        StringJoiner j = new StringJoiner("|");
        for (NchwcConvOp c : convs) {
            j.add(c.describe());
        }
        return j.toString();
    }

    @Override
    public boolean packedInput(int index, Tensor constant) {
        return convs[index / INPUTS_PER_CONV].packedInput(index % INPUTS_PER_CONV, constant);
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        if (inputs.length != convs.length * INPUTS_PER_CONV) {
            throw new VinferException("NCHWc Conv+Concat: expected " + convs.length * INPUTS_PER_CONV
                    + " inputs, got " + inputs.length);
        }
        NchwcConvOp.Prepared[] p = new NchwcConvOp.Prepared[convs.length];
        Tensor[][] ins = new Tensor[convs.length][];
        int blocks = 0;
        for (int i = 0; i < convs.length; i++) {
            Tensor[] in = ConvConcatOp.slice(inputs, i);
            ins[i] = in;
            if (in[0] == null || in[1] == null) {
                throw new VinferException("NCHWc Conv+Concat: convolution " + i + " is missing its input or weights");
            }
            p[i] = convs[i].prepared(ctx, in);
            int[] s = p[i].outShape();
            int[] s0 = p[0].outShape();
            if (!ConvConcatOp.sameExceptChannels(s0, s)) {
                throw new VinferException("NCHWc Concat on channels: shapes " + Arrays.toString(s0) + " and "
                        + Arrays.toString(s) + " differ elsewhere");
            }
            blocks = Math.addExact(blocks, s[1]);
        }
        int[] outShape = p[0].outShape().clone();
        outShape[1] = blocks;
        Tensor y = ctx.output(0, DType.FLOAT32, outShape);
        if (ctx.preparing()) {
            return ctx.result(y);
        }
        int plane = 1; // floats per block: spatial x 16
        for (int d = 2; d < outShape.length; d++) {
            plane *= outShape[d];
        }
        int at = 0;
        for (int i = 0; i < convs.length; i++) {
            int[] s = p[i].outShape();
            if (outShape[0] == 1) {
                convs[i].compute(ctx, p[i], ins[i], y.floats(), y.offset() + at * plane);
            } else {
                Tensor t = Tensor.zeros(DType.FLOAT32, s);
                convs[i].compute(ctx, p[i], ins[i], t.floats(), t.offset());
                int part = s[1] * plane;
                for (int n = 0; n < outShape[0]; n++) {
                    System.arraycopy(t.floats(), t.offset() + n * part, y.floats(),
                            y.offset() + (n * blocks + at) * plane, part);
                }
            }
            at += s[1];
        }
        return ctx.result(y);
    }

    @Override
    public String toString() {
        return "nchwc_conv+concat" + Arrays.toString(convs);
    }
}
