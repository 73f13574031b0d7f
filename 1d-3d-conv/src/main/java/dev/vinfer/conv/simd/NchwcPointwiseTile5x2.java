package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The NCHWc 1x1 register tile of {@link NchwcPointwiseTiles} for 16 vector registers (AVX2, 8 lanes; also 4): 5
 * pixels x 2 output vectors, 10 accumulators, over one flat loop of input channels. Measured on a Zen 3 (session
 * 28, C2 of JDK 25, listings by bench/disasm.sh): the 7 x 2 tile of the 32-register machines kept 8 of its 14
 * accumulators on the stack (ResNet-50's 1x1 layers at 11-40 GFLOP/s, 4-6x ONNX Runtime's time); 6 x 2 still kept
 * 2-3 there, with the loop over blocks of 16 channels (C2 gave the outer loop's accumulators registers of their own)
 * and, flat, with two channels a trip; 5 x 2 with one channel a trip keeps all in registers: 256 -> 1024 at 14x14
 * from 2.5-4 to 1.7-2.1 ms (NchwcProbe, best and median). The bias and clamp run after the sums are stored
 * ({@link #finish}): with them in the tile, their arguments stayed live through the loop and took registers.
 * A tile of n &lt; 5 pixels repeats its last pixel and stores n; the layout is {@link NchwcPointwiseTiles}'
 * (weight rows {@code 2 L} floats apart at 8 lanes, {@code ld} at 4).
 *
 * <p>No method here takes or returns a vector (project rule, bench/README.md "Convolution engine").
 */
final class NchwcPointwiseTile5x2 {
    /** Pixels per tile. */
    static final int R = 5;
    private static final int BLOCK = 16;

    private NchwcPointwiseTile5x2() {
    }

    /**
     * n (1 to 5) pixels from {@code xOff} (16 floats apart) x two output vectors ({@code y[yOff]} and
     * {@code y[yOff + d1]}) over the {@code c} input channels (channel k at {@code (k / 16) * plane + k % 16}), weight
     * row k at {@code w[wOff + k * ld]}: the sums are stored, then the residual, bias and clamp applied to them
     * ({@link #finish}).
     */
    static void tile(int c, float[] w, int wOff, int ld, float[] x, int xOff, int plane, int n, float[] bias,
            int bOff, float[] res, int resDelta, float[] y, int yOff, int d1, boolean clamp, float lo, float hi) {
        sums(c, w, wOff, ld, x, xOff, plane, n, res, resDelta, y, yOff, d1);
        finish(n, bias, bOff, y, yOff, d1, clamp, lo, hi);
    }

    /**
     * The channel sums of {@link #tile} plus the residual (when {@code res} is not null), stored for its n pixels:
     * the residual is added here because it may be {@code y} itself (the input-channel chunks of
     * {@code dev.vinfer.conv.NchwcPointwiseConv} add up in the output).
     */
    private static void sums(int c, float[] w, int wOff, int ld, float[] x, int xOff, int plane, int n, float[] res,
            int resDelta, float[] y, int yOff, int d1) {
        // ld is 2 L at 8 lanes (one block a group): a constant C2 folds into the addressing
        int ldc = L == 8 ? 2 * L : ld;
        int q1 = Math.min(1, n - 1) * BLOCK;
        int q2 = Math.min(2, n - 1) * BLOCK;
        int q3 = Math.min(3, n - 1) * BLOCK;
        int q4 = Math.min(4, n - 1) * BLOCK;
        FloatVector a00 = FloatVector.zero(S);
        FloatVector a01 = a00;
        FloatVector a10 = a00;
        FloatVector a11 = a00;
        FloatVector a20 = a00;
        FloatVector a21 = a00;
        FloatVector a30 = a00;
        FloatVector a31 = a00;
        FloatVector a40 = a00;
        FloatVector a41 = a00;
        if (n == R) {
            // A whole tile: pixel offsets as constants (the clamped ones of a short tile take general registers).
            for (int k = 0; k < c; k++) {
                int wi = wOff + k * ldc;
                FloatVector w0 = FloatVector.fromArray(S, w, wi);
                FloatVector w1 = FloatVector.fromArray(S, w, wi + L);
                int xi = xOff + (k >> 4) * plane + (k & 15);
                FloatVector b = FloatVector.broadcast(S, x[xi]);
                a00 = b.fma(w0, a00);
                a01 = b.fma(w1, a01);
                b = FloatVector.broadcast(S, x[xi + 16]);
                a10 = b.fma(w0, a10);
                a11 = b.fma(w1, a11);
                b = FloatVector.broadcast(S, x[xi + 32]);
                a20 = b.fma(w0, a20);
                a21 = b.fma(w1, a21);
                b = FloatVector.broadcast(S, x[xi + 48]);
                a30 = b.fma(w0, a30);
                a31 = b.fma(w1, a31);
                b = FloatVector.broadcast(S, x[xi + 64]);
                a40 = b.fma(w0, a40);
                a41 = b.fma(w1, a41);
            }
        } else {
            for (int k = 0; k < c; k++) {
                int wi = wOff + k * ldc;
                FloatVector w0 = FloatVector.fromArray(S, w, wi);
                FloatVector w1 = FloatVector.fromArray(S, w, wi + L);
                int xi = xOff + (k >> 4) * plane + (k & 15);
                FloatVector b = FloatVector.broadcast(S, x[xi]);
                a00 = b.fma(w0, a00);
                a01 = b.fma(w1, a01);
                b = FloatVector.broadcast(S, x[xi + q1]);
                a10 = b.fma(w0, a10);
                a11 = b.fma(w1, a11);
                b = FloatVector.broadcast(S, x[xi + q2]);
                a20 = b.fma(w0, a20);
                a21 = b.fma(w1, a21);
                b = FloatVector.broadcast(S, x[xi + q3]);
                a30 = b.fma(w0, a30);
                a31 = b.fma(w1, a31);
                b = FloatVector.broadcast(S, x[xi + q4]);
                a40 = b.fma(w0, a40);
                a41 = b.fma(w1, a41);
            }
        }
        int o0 = yOff;
        int o1 = yOff + d1;
        if (res != null) {
            // Pixels past n read the last real pixel's residual again (in bounds) and are not stored.
            int r0 = o0 + resDelta;
            int r1 = o1 + resDelta;
            a00 = a00.add(FloatVector.fromArray(S, res, r0));
            a01 = a01.add(FloatVector.fromArray(S, res, r1));
            a10 = a10.add(FloatVector.fromArray(S, res, r0 + q1));
            a11 = a11.add(FloatVector.fromArray(S, res, r1 + q1));
            a20 = a20.add(FloatVector.fromArray(S, res, r0 + q2));
            a21 = a21.add(FloatVector.fromArray(S, res, r1 + q2));
            a30 = a30.add(FloatVector.fromArray(S, res, r0 + q3));
            a31 = a31.add(FloatVector.fromArray(S, res, r1 + q3));
            a40 = a40.add(FloatVector.fromArray(S, res, r0 + q4));
            a41 = a41.add(FloatVector.fromArray(S, res, r1 + q4));
        }
        a00.intoArray(y, o0);
        a01.intoArray(y, o1);
        if (n > 1) {
            a10.intoArray(y, o0 + 1 * BLOCK);
            a11.intoArray(y, o1 + 1 * BLOCK);
        }
        if (n > 2) {
            a20.intoArray(y, o0 + 2 * BLOCK);
            a21.intoArray(y, o1 + 2 * BLOCK);
        }
        if (n > 3) {
            a30.intoArray(y, o0 + 3 * BLOCK);
            a31.intoArray(y, o1 + 3 * BLOCK);
        }
        if (n > 4) {
            a40.intoArray(y, o0 + 4 * BLOCK);
            a41.intoArray(y, o1 + 4 * BLOCK);
        }
    }

    /** {@code y = clamp(y + bias, lo, hi)} for the n pixels' two vectors. */
    private static void finish(int n, float[] bias, int bOff, float[] y, int yOff, int d1, boolean clamp, float lo,
            float hi) {
        FloatVector b0 = FloatVector.fromArray(S, bias, bOff);
        FloatVector b1 = FloatVector.fromArray(S, bias, bOff + L);
        FloatVector l = FloatVector.broadcast(S, lo);
        FloatVector h = FloatVector.broadcast(S, hi);
        boolean low = clamp && lo > Float.NEGATIVE_INFINITY;
        boolean high = clamp && hi < Float.POSITIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            int o0 = yOff + j * BLOCK;
            int o1 = o0 + d1;
            FloatVector v0 = FloatVector.fromArray(S, y, o0).add(b0);
            FloatVector v1 = FloatVector.fromArray(S, y, o1).add(b1);
            if (low) {
                // max(v, lo) by compare and blend (NaN stays NaN), as NchwcPointwiseTiles.tile2
                v0 = v0.blend(l, v0.compare(VectorOperators.LT, l));
                v1 = v1.blend(l, v1.compare(VectorOperators.LT, l));
            }
            if (high) {
                v0 = v0.blend(h, v0.compare(VectorOperators.GT, h));
                v1 = v1.blend(h, v1.compare(VectorOperators.GT, h));
            }
            v0.intoArray(y, o0);
            v1.intoArray(y, o1);
        }
    }
}
