package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import dev.vinfer.conv.ChannelLrn;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * {@code Backend.lrn} on the Vector API: positions as lanes, the window's squares summed by FMA from the lowest
 * channel up (as the plain form), the power by the vector {@code POW} (the platform's vector math library: about
 * 0.55 ns an element here against 11 for {@link Math#pow}, within 6e-8 relative of the double result on
 * AlexNet-like bases, session 39). The tail of a row runs the plain form.
 */
final class VectorLrn {
    private VectorLrn() {
    }

    /** Arguments checked by the caller ({@link ChannelLrn#check}). */
    static void run(float[] x, int xOff, float[] y, int yOff, int channels, int inner, int c0, int c1, int before,
            int after, float scale, float bias, float beta) {
        float e = -beta;
        for (int c = c0; c < c1; c++) {
            int lo = Math.max(0, c - before);
            int hi = Math.min(channels - 1, c + after);
            int row = c * inner;
            int i = 0;
            for (; i + L <= inner; i += L) {
                FloatVector s = FloatVector.zero(S);
                for (int k = lo, o = xOff + lo * inner + i; k <= hi; k++, o += inner) {
                    FloatVector v = FloatVector.fromArray(S, x, o);
                    s = v.fma(v, s);
                }
                FloatVector f = s.fma(scale, bias).lanewise(VectorOperators.POW, e);
                FloatVector.fromArray(S, x, xOff + row + i).mul(f).intoArray(y, yOff + row + i);
            }
            for (; i < inner; i++) {
                y[yOff + row + i] = x[xOff + row + i]
                        * ChannelLrn.factor(x, xOff, inner, lo, hi, i, scale, bias, beta);
            }
        }
    }
}
