package dev.vinfer.ops.rnn;

import dev.vinfer.conv.PackedMatrix;
import dev.vinfer.conv.Parallel;
import dev.vinfer.conv.Sgemm;
import dev.vinfer.runtime.Tensor;

/**
 * W and R of a recurrent layer packed for the GEMM kernel, per direction: W^T ([input, gates*hidden]) for the
 * input projection of all steps, and R^T split into the gate blocks a step multiplies together. Immutable, so one
 * instance built from constant weights serves every run.
 */
final class RecurrentWeights {
    private final PackedMatrix[] w;
    private final PackedMatrix[][] r;
    private final int hidden;
    private final int inputSize;

    /**
     * @param w      [dirs, gates*hidden, input]
     * @param rr     [dirs, gates*hidden, hidden]
     * @param blocks gate ranges {from, to} of R to pack separately
     */
    RecurrentWeights(Tensor w, Tensor rr, int hidden, int gates, int[][] blocks, int dirs) {
        this.hidden = hidden;
        this.inputSize = w.dim(2);
        Sgemm gemm = Sgemm.get();
        this.w = new PackedMatrix[dirs];
        this.r = new PackedMatrix[dirs][blocks.length];
        for (int d = 0; d < dirs; d++) {
            // Row-major W_d is [gates*hidden, input]; as the B operand transposed it is W_d^T [input, gates*hidden].
            this.w[d] = gemm.packB(true, inputSize, gates * hidden, w.floats(),
                    w.offset() + d * gates * hidden * inputSize, inputSize);
            for (int k = 0; k < blocks.length; k++) {
                int from = blocks[k][0];
                int to = blocks[k][1];
                this.r[d][k] = gemm.packB(true, hidden, (to - from) * hidden, rr.floats(),
                        rr.offset() + (d * gates + from) * hidden * hidden, hidden);
            }
        }
    }

    /** {@code out[rows, gates*hidden] = x[rows, input] * W_d^T}. */
    void projectInputs(int d, int rows, float[] x, int xOff, int lda, float[] out, Parallel p) {
        if (rows == 0) {
            return;
        }
        if (inputSize == 0) {
            java.util.Arrays.fill(out, 0, rows * w[d].cols(), 0f);
            return;
        }
        Sgemm.get().multiplyPackedB(false, rows, x, xOff, lda, w[d], out, 0, w[d].cols(), false, p);
    }

    /** {@code out[batch, blockWidth] = state[batch, hidden] * R_(d,block)^T}. */
    void recurrent(int d, int block, int batch, float[] state, float[] out, Parallel p) {
        PackedMatrix m = r[d][block];
        if (batch == 0) {
            return;
        }
        Sgemm.get().multiplyPackedB(false, batch, state, 0, hidden, m, out, 0, m.cols(), false, p);
    }
}
