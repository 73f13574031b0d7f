package dev.vinfer.ops.conv;

import dev.vinfer.conv.NchwcLayout;
import dev.vinfer.runtime.DType;
import dev.vinfer.runtime.Tensor;
import dev.vinfer.runtime.VinferException;

/** The input check of the blocked element-wise and pooling ops: a clear error, naming the op, for any other tensor. */
final class BlockedInputs {
    private BlockedInputs() {
    }

    /** {@code x}'s shape if it is a float32 blocked {@code [N, ceil(channels / 16), H, W, 16]} tensor. */
    static int[] require(Tensor x, int channels, String op) {
        int[] s = x.shape();
        if (x.dtype() != DType.FLOAT32 || s.length != 5 || s[1] != NchwcLayout.blocks(channels)
                || s[4] != NchwcLayout.BLOCK) {
            throw new VinferException("NCHWc " + op + ": expected a float32 blocked [N, " + NchwcLayout.blocks(channels)
                    + ", H, W, 16] tensor, got " + x);
        }
        return s;
    }
}
