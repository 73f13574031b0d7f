package dev.vinfer.ops.conv;

import dev.vinfer.conv.Parallel;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Graph;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.PackedConstants;
import dev.vinfer.runtime.SessionOptions;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * Several convolutions joined by a Concat along the channels (SqueezeNet's fire modules: a 1x1 and a 3x3 expand of
 * one input; GoogLeNet's inception branches), as one node: each convolution writes its output channels straight into
 * its slice of the joined output, so the Concat's copy (a read and a write of every output value) disappears.
 *
 * <p>Inputs are three per convolution, in Concat order: its data input, weights and bias (or null). With a batch of
 * 1 the channel slices of NCHW are contiguous, so each kernel writes its slice in place; with a larger batch each
 * convolution runs on its own into a scratch tensor, copied image by image (correct, but allocating: the fusion is
 * meant for batch-1 latency).
 */
public final class ConvConcatOp implements Operator, PackedConstants {
    /** Inputs per convolution: data, weights, bias. */
    public static final int INPUTS_PER_CONV = 3;

    private final ConvOp[] convs;

    public ConvConcatOp(ConvOp[] convs) {
        if (convs.length < 1) {
            throw new IllegalArgumentException("ConvConcatOp needs at least one convolution");
        }
        this.convs = convs.clone();
    }

    @Override
    public String opType() {
        return convs[0].opType() + "+Concat";
    }

    /** The algorithms of the convolutions, in Concat order. */
    @Override
    public String describe() {
        StringJoiner j = new StringJoiner("|");
        for (ConvOp c : convs) {
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
            throw new VinferException("Conv+Concat: expected " + convs.length * INPUTS_PER_CONV + " inputs, got "
                    + inputs.length);
        }
        int[][] shapes = new int[convs.length][];
        int channels = 0;
        for (int i = 0; i < convs.length; i++) {
            Tensor x = inputs[i * INPUTS_PER_CONV];
            Tensor w = inputs[i * INPUTS_PER_CONV + 1];
            if (x == null || w == null) {
                throw new VinferException("Conv+Concat: convolution " + i + " is missing its input or weights");
            }
            shapes[i] = convs[i].outputShape(x.shape(), w.shape());
            if (!sameExceptChannels(shapes[0], shapes[i])) {
                throw new VinferException("Concat on axis 1: shapes " + Arrays.toString(shapes[0]) + " and "
                        + Arrays.toString(shapes[i]) + " differ elsewhere");
            }
            channels = Math.addExact(channels, shapes[i][1]);
        }
        int[] outShape = shapes[0].clone();
        outShape[1] = channels;
        Tensor y = ctx.output(0, DType.FLOAT32, outShape);
        int inner = 1;
        for (int d = 2; d < outShape.length; d++) {
            inner *= outShape[d];
        }
        if (outShape[0] == 1) {
            int at = 0;
            for (int i = 0; i < convs.length; i++) {
                convs[i].computeInto(ctx, slice(inputs, i), y.floats(), y.offset() + at * inner);
                at += shapes[i][1];
            }
            return ctx.result(y);
        }
        OpContext own = new ScratchOutputs(ctx);
        int outRow = channels * inner;
        int at = 0;
        for (int i = 0; i < convs.length; i++) {
            Tensor t = convs[i].run(own, slice(inputs, i))[0];
            int row = shapes[i][1] * inner;
            if (!ctx.preparing()) {
                for (int n = 0; n < outShape[0]; n++) {
                    System.arraycopy(t.floats(), t.offset() + n * row, y.floats(), y.offset() + n * outRow + at, row);
                }
            }
            at += row;
        }
        return ctx.result(y);
    }

    /** The three inputs of convolution i. */
    static Tensor[] slice(Tensor[] inputs, int i) {
        return Arrays.copyOfRange(inputs, i * INPUTS_PER_CONV, (i + 1) * INPUTS_PER_CONV);
    }

    /** Whether two shapes agree except along axis 1 (channels, or channel blocks). */
    static boolean sameExceptChannels(int[] a, int[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int d = 0; d < a.length; d++) {
            if (d != 1 && a[d] != b[d]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return opType().toLowerCase(Locale.ROOT) + Arrays.toString(convs);
    }

    /** The session's context, except that outputs are new tensors (the per-convolution scratch of a batch). */
    private record ScratchOutputs(OpContext ctx) implements OpContext {
        @Override
        public Tensor output(int index, DType dtype, int... shape) {
            return Tensor.zeros(dtype, shape);
        }

        @Override
        public boolean preparing() {
            return ctx.preparing();
        }

        @Override
        public void preparation(Runnable task) {
            ctx.preparation(task);
        }

        @Override
        public Parallel parallel() {
            return ctx.parallel();
        }

        @Override
        public SessionOptions options() {
            return ctx.options();
        }

        @Override
        public Tensor[] runSubgraph(Graph graph, Tensor[] inputs) {
            return ctx.runSubgraph(graph, inputs);
        }
    }
}
