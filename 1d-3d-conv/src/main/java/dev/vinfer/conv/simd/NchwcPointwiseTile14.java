package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The NCHWc 1x1 register tile of {@link NchwcPointwiseTiles} at 14 pixels x 1 output vector (14 accumulators), for
 * a last odd block of output channels at 16 lanes (SqueezeNet's 16- and 48-channel squeeze layers, a 1000-channel
 * classifier's 63rd block): per input channel one weight vector and 14 broadcasts feed 14 FMAs, where the 7-pixel
 * tile feeds 7 with one weight vector and 7 broadcasts, twice as many loads per FMA. Whole tiles only; the layout
 * and the epilogue are {@link NchwcPointwiseTiles}' (weight rows {@code L} floats apart: a group of one block).
 *
 * <p>No method here takes or returns a vector (project rule, bench/README.md "Convolution engine").
 */
final class NchwcPointwiseTile14 {
    /** Pixels per tile. */
    static final int R = 14;
    private static final int BLOCK = 16;

    private NchwcPointwiseTile14() {
    }

    /**
     * Fourteen pixels from {@code xOff} (16 floats apart) x one output vector ({@code y[yOff]}, pixels 16 floats
     * apart) over the {@code c} input channels (channel k at {@code (k / 16) * plane + k % 16}); 16 lanes only.
     */
    static void tile(int c, float[] w, int wOff, float[] x, int xOff, int plane, float[] bias, int bOff,
            float[] res, int resDelta, float[] y, int yOff, boolean clamp, float lo, float hi) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        FloatVector a7 = a0;
        FloatVector a8 = a0;
        FloatVector a9 = a0;
        FloatVector a10 = a0;
        FloatVector a11 = a0;
        FloatVector a12 = a0;
        FloatVector a13 = a0;
        for (int k0 = 0; k0 < c; k0 += BLOCK) {
            // a loop of (at most) 16 per block of input channels, as NchwcPointwiseTiles.tile2
            int kn = Math.min(BLOCK, c - k0);
            int xk = xOff + (k0 >> 4) * plane;
            int wk = wOff + k0 * L;
            int kk = 0;
            // two channels a trip: see NchwcPointwiseTiles.tile2
            for (; kk + 1 < kn; kk += 2) {
                {
                    FloatVector w0 = FloatVector.fromArray(S, w, wk + kk * L);
                    int xi = xk + kk;
                    a0 = FloatVector.broadcast(S, x[xi]).fma(w0, a0);
                    a1 = FloatVector.broadcast(S, x[xi + 16]).fma(w0, a1);
                    a2 = FloatVector.broadcast(S, x[xi + 32]).fma(w0, a2);
                    a3 = FloatVector.broadcast(S, x[xi + 48]).fma(w0, a3);
                    a4 = FloatVector.broadcast(S, x[xi + 64]).fma(w0, a4);
                    a5 = FloatVector.broadcast(S, x[xi + 80]).fma(w0, a5);
                    a6 = FloatVector.broadcast(S, x[xi + 96]).fma(w0, a6);
                    a7 = FloatVector.broadcast(S, x[xi + 112]).fma(w0, a7);
                    a8 = FloatVector.broadcast(S, x[xi + 128]).fma(w0, a8);
                    a9 = FloatVector.broadcast(S, x[xi + 144]).fma(w0, a9);
                    a10 = FloatVector.broadcast(S, x[xi + 160]).fma(w0, a10);
                    a11 = FloatVector.broadcast(S, x[xi + 176]).fma(w0, a11);
                    a12 = FloatVector.broadcast(S, x[xi + 192]).fma(w0, a12);
                    a13 = FloatVector.broadcast(S, x[xi + 208]).fma(w0, a13);
                }
                {
                    FloatVector w0 = FloatVector.fromArray(S, w, wk + (kk + 1) * L);
                    int xi = xk + kk + 1;
                    a0 = FloatVector.broadcast(S, x[xi]).fma(w0, a0);
                    a1 = FloatVector.broadcast(S, x[xi + 16]).fma(w0, a1);
                    a2 = FloatVector.broadcast(S, x[xi + 32]).fma(w0, a2);
                    a3 = FloatVector.broadcast(S, x[xi + 48]).fma(w0, a3);
                    a4 = FloatVector.broadcast(S, x[xi + 64]).fma(w0, a4);
                    a5 = FloatVector.broadcast(S, x[xi + 80]).fma(w0, a5);
                    a6 = FloatVector.broadcast(S, x[xi + 96]).fma(w0, a6);
                    a7 = FloatVector.broadcast(S, x[xi + 112]).fma(w0, a7);
                    a8 = FloatVector.broadcast(S, x[xi + 128]).fma(w0, a8);
                    a9 = FloatVector.broadcast(S, x[xi + 144]).fma(w0, a9);
                    a10 = FloatVector.broadcast(S, x[xi + 160]).fma(w0, a10);
                    a11 = FloatVector.broadcast(S, x[xi + 176]).fma(w0, a11);
                    a12 = FloatVector.broadcast(S, x[xi + 192]).fma(w0, a12);
                    a13 = FloatVector.broadcast(S, x[xi + 208]).fma(w0, a13);
                }
            }
            for (; kk < kn; kk++) {
                FloatVector w0 = FloatVector.fromArray(S, w, wk + kk * L);
                int xi = xk + kk;
                a0 = FloatVector.broadcast(S, x[xi]).fma(w0, a0);
                a1 = FloatVector.broadcast(S, x[xi + 16]).fma(w0, a1);
                a2 = FloatVector.broadcast(S, x[xi + 32]).fma(w0, a2);
                a3 = FloatVector.broadcast(S, x[xi + 48]).fma(w0, a3);
                a4 = FloatVector.broadcast(S, x[xi + 64]).fma(w0, a4);
                a5 = FloatVector.broadcast(S, x[xi + 80]).fma(w0, a5);
                a6 = FloatVector.broadcast(S, x[xi + 96]).fma(w0, a6);
                a7 = FloatVector.broadcast(S, x[xi + 112]).fma(w0, a7);
                a8 = FloatVector.broadcast(S, x[xi + 128]).fma(w0, a8);
                a9 = FloatVector.broadcast(S, x[xi + 144]).fma(w0, a9);
                a10 = FloatVector.broadcast(S, x[xi + 160]).fma(w0, a10);
                a11 = FloatVector.broadcast(S, x[xi + 176]).fma(w0, a11);
                a12 = FloatVector.broadcast(S, x[xi + 192]).fma(w0, a12);
                a13 = FloatVector.broadcast(S, x[xi + 208]).fma(w0, a13);
            }
        }
        if (res != null) {
            int r0 = yOff + resDelta;
            a0 = a0.add(FloatVector.fromArray(S, res, r0));
            a1 = a1.add(FloatVector.fromArray(S, res, r0 + 16));
            a2 = a2.add(FloatVector.fromArray(S, res, r0 + 32));
            a3 = a3.add(FloatVector.fromArray(S, res, r0 + 48));
            a4 = a4.add(FloatVector.fromArray(S, res, r0 + 64));
            a5 = a5.add(FloatVector.fromArray(S, res, r0 + 80));
            a6 = a6.add(FloatVector.fromArray(S, res, r0 + 96));
            a7 = a7.add(FloatVector.fromArray(S, res, r0 + 112));
            a8 = a8.add(FloatVector.fromArray(S, res, r0 + 128));
            a9 = a9.add(FloatVector.fromArray(S, res, r0 + 144));
            a10 = a10.add(FloatVector.fromArray(S, res, r0 + 160));
            a11 = a11.add(FloatVector.fromArray(S, res, r0 + 176));
            a12 = a12.add(FloatVector.fromArray(S, res, r0 + 192));
            a13 = a13.add(FloatVector.fromArray(S, res, r0 + 208));
        }
        FloatVector b0 = FloatVector.fromArray(S, bias, bOff);
        a0 = a0.add(b0);
        a1 = a1.add(b0);
        a2 = a2.add(b0);
        a3 = a3.add(b0);
        a4 = a4.add(b0);
        a5 = a5.add(b0);
        a6 = a6.add(b0);
        a7 = a7.add(b0);
        a8 = a8.add(b0);
        a9 = a9.add(b0);
        a10 = a10.add(b0);
        a11 = a11.add(b0);
        a12 = a12.add(b0);
        a13 = a13.add(b0);
        if (clamp && lo > Float.NEGATIVE_INFINITY) {
            // compare and blend (NaN stays NaN), each bound only where it is finite, as NchwcPointwiseTiles
            FloatVector l = FloatVector.broadcast(S, lo);
            a0 = a0.blend(l, a0.compare(VectorOperators.LT, l));
            a1 = a1.blend(l, a1.compare(VectorOperators.LT, l));
            a2 = a2.blend(l, a2.compare(VectorOperators.LT, l));
            a3 = a3.blend(l, a3.compare(VectorOperators.LT, l));
            a4 = a4.blend(l, a4.compare(VectorOperators.LT, l));
            a5 = a5.blend(l, a5.compare(VectorOperators.LT, l));
            a6 = a6.blend(l, a6.compare(VectorOperators.LT, l));
            a7 = a7.blend(l, a7.compare(VectorOperators.LT, l));
            a8 = a8.blend(l, a8.compare(VectorOperators.LT, l));
            a9 = a9.blend(l, a9.compare(VectorOperators.LT, l));
            a10 = a10.blend(l, a10.compare(VectorOperators.LT, l));
            a11 = a11.blend(l, a11.compare(VectorOperators.LT, l));
            a12 = a12.blend(l, a12.compare(VectorOperators.LT, l));
            a13 = a13.blend(l, a13.compare(VectorOperators.LT, l));
        }
        if (clamp && hi < Float.POSITIVE_INFINITY) {
            FloatVector h = FloatVector.broadcast(S, hi);
            a0 = a0.blend(h, a0.compare(VectorOperators.GT, h));
            a1 = a1.blend(h, a1.compare(VectorOperators.GT, h));
            a2 = a2.blend(h, a2.compare(VectorOperators.GT, h));
            a3 = a3.blend(h, a3.compare(VectorOperators.GT, h));
            a4 = a4.blend(h, a4.compare(VectorOperators.GT, h));
            a5 = a5.blend(h, a5.compare(VectorOperators.GT, h));
            a6 = a6.blend(h, a6.compare(VectorOperators.GT, h));
            a7 = a7.blend(h, a7.compare(VectorOperators.GT, h));
            a8 = a8.blend(h, a8.compare(VectorOperators.GT, h));
            a9 = a9.blend(h, a9.compare(VectorOperators.GT, h));
            a10 = a10.blend(h, a10.compare(VectorOperators.GT, h));
            a11 = a11.blend(h, a11.compare(VectorOperators.GT, h));
            a12 = a12.blend(h, a12.compare(VectorOperators.GT, h));
            a13 = a13.blend(h, a13.compare(VectorOperators.GT, h));
        }
        a0.intoArray(y, yOff);
        a1.intoArray(y, yOff + 16);
        a2.intoArray(y, yOff + 32);
        a3.intoArray(y, yOff + 48);
        a4.intoArray(y, yOff + 64);
        a5.intoArray(y, yOff + 80);
        a6.intoArray(y, yOff + 96);
        a7.intoArray(y, yOff + 112);
        a8.intoArray(y, yOff + 128);
        a9.intoArray(y, yOff + 144);
        a10.intoArray(y, yOff + 160);
        a11.intoArray(y, yOff + 176);
        a12.intoArray(y, yOff + 192);
        a13.intoArray(y, yOff + 208);
    }
}
