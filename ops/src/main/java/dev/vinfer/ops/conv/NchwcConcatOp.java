package dev.vinfer.ops.conv;

import dev.vinfer.conv.NchwcLayout;
import dev.vinfer.conv.Parallel;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.OpContext;
import dev.vinfer.runtime.Operator;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Concat along channels of channel-blocked tensors ({@link NchwcLayout}, {@code [N, ceil(C_i/16), spatial..., 16]}),
 * the result blocked: put by the channel-blocked chains pass where a chain's branches join (SqueezeNet's fire
 * modules concatenate their 1x1 and 3x3 expands). When every input but the last has a multiple of 16 channels
 * ({@link #supports}) an input's blocks land whole after the blocks before it, so per image the op copies one
 * contiguous range per input; the last input's pad lanes are already zero, and so are the result's.
 */
public final class NchwcConcatOp implements Operator {
    /** Output floats from which the copy is split across threads (a copy of fewer is over before a thread joins). */
    private static final int MIN_PARALLEL_FLOATS = 1 << 15;

    private final int[] channels;
    /** First block of each input in the output, and the total blocks at the end. */
    private final int[] blockStart;
    /** The last input shapes and the output shape (a steady run allocates no shape array). */
    private volatile int[][] last;
    private final AtomicReference<Copy> spare = new AtomicReference<>();

    public NchwcConcatOp(int[] channels) {
        if (!supports(channels)) {
            throw new IllegalArgumentException("NCHWc Concat needs positive channel counts, all but the last a multiple"
                    + " of 16, got " + Arrays.toString(channels));
        }
        this.channels = channels.clone();
        this.blockStart = new int[channels.length + 1];
        for (int i = 0; i < channels.length; i++) {
            blockStart[i + 1] = blockStart[i] + NchwcLayout.blocks(channels[i]);
        }
    }

    /** Whether blocked inputs of these channel counts concatenate by whole blocks: all but the last a multiple of 16. */
    public static boolean supports(int[] channels) {
        if (channels == null || channels.length == 0) {
            return false;
        }
        for (int i = 0; i < channels.length; i++) {
            if (channels[i] < 1 || i < channels.length - 1 && channels[i] % NchwcLayout.BLOCK != 0) {
                return false;
            }
        }
        return true;
    }

    /** The inputs' channel counts (a copy). */
    public int[] channels() {
        return channels.clone();
    }

    @Override
    public String opType() {
        return "Concat";
    }

    @Override
    public String describe() {
        return "nchwc";
    }

    @Override
    public Tensor[] run(OpContext ctx, Tensor[] inputs) {
        if (inputs.length != channels.length) {
            throw new VinferException("NCHWc Concat: expected " + channels.length + " inputs, got " + inputs.length);
        }
        int[][] sh = last;
        if (sh == null || !sameShapes(inputs, sh)) {
            sh = shapes(inputs);
            last = sh;
        }
        int[] out = sh[channels.length];
        Tensor y = ctx.output(0, DType.FLOAT32, out);
        if (ctx.preparing()) {
            return ctx.result(y);
        }
        int plane = 1; // floats per block: spatial x 16
        for (int d = 2; d < out.length; d++) {
            plane *= out[d];
        }
        long total = (long) out[0] * blockStart[channels.length] * plane;
        Parallel p = ctx.parallel();
        int parts = p.threads() < 2 ? 1 : (int) Math.max(1, Math.min(p.threads(), total / MIN_PARALLEL_FLOATS));
        Copy call = spare.getAndSet(null);
        if (call == null) {
            call = new Copy();
        }
        call.inputs = inputs;
        call.out = y;
        call.plane = plane;
        call.total = total;
        call.parts = parts;
        try {
            if (parts == 1) {
                call.run(0);
            } else {
                p.forEach(parts, call);
            }
        } finally {
            call.inputs = null;
            call.out = null;
            spare.set(call);
        }
        return ctx.result(y);
    }

    /** One task: output floats {@code [total * t / parts, total * (t + 1) / parts)}, input by input. */
    private final class Copy implements Parallel.Task {
        Tensor[] inputs;
        Tensor out;
        int plane;
        long total;
        int parts;

        @Override
        public void run(int t) {
            int image = blockStart[channels.length] * plane;
            int from = (int) (total * t / parts);
            int to = (int) (total * (t + 1) / parts);
            float[] dst = out.floats();
            int dOff = out.offset();
            int at = from;
            while (at < to) {
                int n = at / image;
                int within = at - n * image;
                int i = 0;
                while ((blockStart[i + 1]) * plane <= within) {
                    i++;
                }
                int len = (blockStart[i + 1] - blockStart[i]) * plane;
                int skip = within - blockStart[i] * plane;
                int count = Math.min(len - skip, to - at);
                Tensor x = inputs[i];
                System.arraycopy(x.floats(), x.offset() + n * len + skip, dst, dOff + at, count);
                at += count;
            }
        }
    }

    private boolean sameShapes(Tensor[] inputs, int[][] sh) {
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] == null || inputs[i].dtype() != DType.FLOAT32 || !ConvOp.sameShape(inputs[i], sh[i])) {
                return false;
            }
        }
        return true;
    }

    private int[][] shapes(Tensor[] inputs) {
        int[][] sh = new int[channels.length + 1][];
        Tensor first = inputs[0];
        for (int i = 0; i < inputs.length; i++) {
            Tensor x = inputs[i];
            if (x == null) {
                throw new VinferException("NCHWc Concat: input " + i + " is missing");
            }
            if (x.dtype() != DType.FLOAT32) {
                throw new VinferException("NCHWc Concat supports float32 only, input " + i + " is " + x);
            }
            int[] s = x.shape();
            int blocks = NchwcLayout.blocks(channels[i]);
            boolean ok = s.length >= 4 && s.length == first.rank() && s[1] == blocks
                    && s[s.length - 1] == NchwcLayout.BLOCK;
            for (int d = 0; ok && d < s.length; d++) {
                ok = d == 1 || s[d] == first.dim(d);
            }
            if (!ok) {
                throw new VinferException("NCHWc Concat: input " + i + " should be a blocked [" + first.dim(0) + ", "
                        + blocks + ", spatial..., 16] tensor like input 0 (" + first + "), got " + x);
            }
            sh[i] = s;
        }
        int[] out = first.shape();
        out[1] = blockStart[channels.length];
        long floats = 1;
        for (int d : out) {
            floats *= d;
        }
        if (floats > Integer.MAX_VALUE) {
            throw new VinferException("NCHWc Concat: output " + Arrays.toString(out) + " beyond 2^31 floats");
        }
        sh[channels.length] = out;
        return sh;
    }
}
