package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import dev.vinfer.conv.NchwcLayout;
import jdk.incubator.vector.FloatVector;

/**
 * {@code Backend.nchwcScaleShift} on the Vector API: a position's 16 channels are one 16-lane vector (two at 8
 * lanes), so the 16 scales and shifts stay in registers for the whole run of positions and each position is a load,
 * an FMA, an optional max and a store. Memory-bound: it moves a tensor once.
 */
final class VectorScaleShift {
    private static final int BLOCK = NchwcLayout.BLOCK;

    private VectorScaleShift() {
    }

    /** Arguments checked by the caller ({@code NchwcChecks.scaleShift}). */
    static void apply(float[] in, int inOff, float[] out, int outOff, int positions, float[] a, float[] b,
            int abOff, boolean relu) {
        FloatVector zero = FloatVector.zero(S);
        if (L == BLOCK) {
            FloatVector av = FloatVector.fromArray(S, a, abOff);
            FloatVector bv = FloatVector.fromArray(S, b, abOff);
            for (int p = 0, i = inOff, o = outOff; p < positions; p++, i += BLOCK, o += BLOCK) {
                FloatVector y = FloatVector.fromArray(S, in, i).fma(av, bv);
                (relu ? y.max(zero) : y).intoArray(out, o);
            }
        } else if (2 * L == BLOCK) {
            FloatVector a0 = FloatVector.fromArray(S, a, abOff);
            FloatVector a1 = FloatVector.fromArray(S, a, abOff + L);
            FloatVector b0 = FloatVector.fromArray(S, b, abOff);
            FloatVector b1 = FloatVector.fromArray(S, b, abOff + L);
            for (int p = 0, i = inOff, o = outOff; p < positions; p++, i += BLOCK, o += BLOCK) {
                FloatVector y0 = FloatVector.fromArray(S, in, i).fma(a0, b0);
                FloatVector y1 = FloatVector.fromArray(S, in, i + L).fma(a1, b1);
                (relu ? y0.max(zero) : y0).intoArray(out, o);
                (relu ? y1.max(zero) : y1).intoArray(out, o + L);
            }
        } else {
            for (int p = 0, i = inOff, o = outOff; p < positions; p++, i += BLOCK, o += BLOCK) {
                for (int l = 0; l < BLOCK; l += L) {
                    FloatVector y = FloatVector.fromArray(S, in, i + l)
                            .fma(FloatVector.fromArray(S, a, abOff + l), FloatVector.fromArray(S, b, abOff + l));
                    (relu ? y.max(zero) : y).intoArray(out, o + l);
                }
            }
        }
    }
}
