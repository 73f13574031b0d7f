package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import jdk.incubator.vector.FloatVector;

/**
 * {@link dev.vinfer.conv.Backend#blockBiasClamp}: a GEMM product's block of L channels (one vector a position) into
 * a channel-blocked output, one vector load, add, clamp and store a position. Written as a loop over positions with
 * the bias and bounds in registers: the same loop in plain Java (16 lanes inside each position) ran the blocked
 * channels-last convolution's output pass 20-30% of the layer slower than the NCHW transpose it replaced.
 */
final class BlockBiasClamp {
    private static final int BLOCK = 16;

    private BlockBiasClamp() {
    }

    /** Arguments checked by the caller. */
    static void rows(int n, float[] src, int sOff, float[] bias, int bOff, float[] res, int rOff, float lo, float hi,
            float[] dst, int dOff) {
        FloatVector b = FloatVector.fromArray(S, bias, bOff);
        FloatVector l = FloatVector.broadcast(S, lo);
        FloatVector h = FloatVector.broadcast(S, hi);
        if (res == null) {
            for (int q = 0; q < n; q++) {
                FloatVector v = FloatVector.fromArray(S, src, sOff + q * L).add(b);
                v.max(l).min(h).intoArray(dst, dOff + q * BLOCK);
            }
        } else {
            for (int q = 0; q < n; q++) {
                FloatVector v = FloatVector.fromArray(S, src, sOff + q * L).add(b)
                        .add(FloatVector.fromArray(S, res, rOff + q * BLOCK));
                v.max(l).min(h).intoArray(dst, dOff + q * BLOCK);
            }
        }
    }
}
