package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import jdk.incubator.vector.FloatVector;

/**
 * GlobalAveragePool of one channel-blocked image ({@code dev.vinfer.conv.Backend#nchwcAverage}): a position's 16
 * channels are one vector (two at 8 lanes), so a block's sums are vector adds down its positions, each lane summing
 * its channel in position order exactly as the scalar loop (the same floats). Four blocks are summed at once: four
 * independent add chains, so the adds' latency hides behind each other and the loads set the pace (one chain, one
 * scalar lane at a time, was 170 000 dependent adds for SqueezeNet's 1008 x 13 x 13 head).
 *
 * <p>No method here takes or returns a vector (project rule, bench/README.md "Convolution engine").
 */
final class NchwcAverage {
    private static final int BLOCK = 16;

    private NchwcAverage() {
    }

    /** See {@code dev.vinfer.conv.Backend#nchwcAverage}; arguments checked by the caller. */
    static void image(int channels, int spatial, float[] src, int sOff, float[] dst, int dOff) {
        int blocks = Math.ceilDiv(channels, BLOCK);
        int plane = spatial * BLOCK;
        int full = channels / BLOCK;
        float div = spatial;
        int b = 0;
        for (; b + 4 <= full; b += 4) {
            for (int half = 0; half < BLOCK; half += L) {
                four(spatial, plane, div, src, sOff + b * plane + half, dst, dOff + b * BLOCK + half);
            }
        }
        for (; b < blocks; b++) {
            for (int half = 0; half < BLOCK; half += L) {
                int n = Math.min(L, channels - b * BLOCK - half);
                if (n > 0) {
                    one(spatial, div, src, sOff + b * plane + half, dst, dOff + b * BLOCK + half, n);
                }
            }
        }
    }

    /** Four blocks {@code plane} apart from {@code s}: their L-lane sums over positions, divided, into dst. */
    private static void four(int spatial, int plane, float div, float[] src, int s, float[] dst, int d) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        for (int p = 0, i = s; p < spatial; p++, i += BLOCK) {
            a0 = a0.add(FloatVector.fromArray(S, src, i));
            a1 = a1.add(FloatVector.fromArray(S, src, i + plane));
            a2 = a2.add(FloatVector.fromArray(S, src, i + 2 * plane));
            a3 = a3.add(FloatVector.fromArray(S, src, i + 3 * plane));
        }
        a0.div(div).intoArray(dst, d);
        a1.div(div).intoArray(dst, d + BLOCK);
        a2.div(div).intoArray(dst, d + 2 * BLOCK);
        a3.div(div).intoArray(dst, d + 3 * BLOCK);
    }

    /** One block's first {@code n <= L} lanes from {@code s}. */
    private static void one(int spatial, float div, float[] src, int s, float[] dst, int d, int n) {
        FloatVector a = FloatVector.zero(S);
        for (int p = 0, i = s; p < spatial; p++, i += BLOCK) {
            a = a.add(FloatVector.fromArray(S, src, i));
        }
        a = a.div(div);
        if (n == L) {
            a.intoArray(dst, d);
            return;
        }
        // A partial block through a scratch, not a masked store: C2 left the mask's methods as virtual calls
        // (boxing, bytes allocated every run; bench/jit-check.sh squeezenet11).
        float[] t = TAIL.get();
        a.intoArray(t, 0);
        System.arraycopy(t, 0, dst, d, n);
    }

    private static final ThreadLocal<float[]> TAIL = ThreadLocal.withInitial(() -> new float[L]);
}
