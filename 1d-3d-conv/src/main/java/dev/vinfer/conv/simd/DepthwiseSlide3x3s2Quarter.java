package dev.vinfer.conv.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DepthwiseSlide3x3s2} with 4-lane (128-bit) vectors, for output rows of 4-7 values (a 14x14 input to 7x7)
 * where the preferred vector is wider; a copy because the Vector API compiles to vector instructions only for a
 * constant species (see {@link DepthwiseSlide3x3Half}).
 */
final class DepthwiseSlide3x3s2Quarter {
    /** The species of this kernel: 4 lanes. */
    static final VectorSpecies<Float> S = FloatVector.SPECIES_128;
    /** Its lanes. */
    static final int L = 4;
    private static final FloatVector EVEN = indices(0);
    private static final FloatVector ODD = indices(1);

    private DepthwiseSlide3x3s2Quarter() {
    }

    private static FloatVector indices(int first) {
        float[] idx = new float[L];
        for (int i = 0; i < L; i++) {
            idx[i] = first + 2 * i;
        }
        return FloatVector.fromArray(S, idx, 0);
    }

    /** The plane; {@code outCols >= 4}, the size conditions of {@link DepthwiseSlide3x3s2} checked by the caller. */
    static void plane(float[] coef, int cOff, float[] src, int sOff, int inCols, int outRows, int outCols,
            float bias, float lo, float hi, float[] dst, int dOff) {
        int strips = Math.ceilDiv(outCols, L);
        for (int k = 0; k < strips; k++) {
            strip(coef, cOff, src, sOff, inCols, outRows, outCols, Math.min(k * L, outCols - L), bias, lo, hi, dst,
                    dOff);
        }
    }

    /**
     * One strip of outputs starting at column c. Written for C2 as {@link DepthwiseSlide3x3}'s strips: no vector
     * chosen by a conditional (the left neighbour of the first strip is a scalar select), the clamp written out.
     */
    private static void strip(float[] coef, int cOff, float[] src, int sOff, int inCols, int outRows, int outCols,
            int c, float bias, float lo, float hi, float[] dst, int dOff) {
        FloatVector w0 = FloatVector.broadcast(S, coef[cOff]);
        FloatVector w1 = FloatVector.broadcast(S, coef[cOff + 1]);
        FloatVector w2 = FloatVector.broadcast(S, coef[cOff + 2]);
        FloatVector w3 = FloatVector.broadcast(S, coef[cOff + 3]);
        FloatVector w4 = FloatVector.broadcast(S, coef[cOff + 4]);
        FloatVector w5 = FloatVector.broadcast(S, coef[cOff + 5]);
        FloatVector w6 = FloatVector.broadcast(S, coef[cOff + 6]);
        FloatVector w7 = FloatVector.broadcast(S, coef[cOff + 7]);
        FloatVector w8 = FloatVector.broadcast(S, coef[cOff + 8]);
        FloatVector bv = FloatVector.broadcast(S, bias);
        FloatVector lov = FloatVector.broadcast(S, lo);
        FloatVector hiv = FloatVector.broadcast(S, hi);
        boolean left = c == 0;
        int p = sOff + 2 * c; // input row 0, column 2c
        int d = dOff + c;
        // Kernel row 0 of output row r comes from input row 2r - 1, computed in the iteration before; row -1 is
        // padding, so output row 0 starts from the bias alone. (No peeled first iteration: a larger method failed
        // its C1 compile, which kept it out of C2.)
        FloatVector carry = bv;
        for (int r = 0; r < outRows; r++) {
            FloatVector a = FloatVector.fromArray(S, src, p); // input row 2r
            FloatVector b = FloatVector.fromArray(S, src, p + L);
            FloatVector e = EVEN.selectFrom(a, b);
            FloatVector o = ODD.selectFrom(a, b);
            FloatVector m = o.unslice(1, FloatVector.broadcast(S, left ? 0f : src[p - 1]), 0);
            FloatVector acc = o.fma(w5, e.fma(w4, m.fma(w3, carry)));
            p += inCols; // input row 2r + 1
            a = FloatVector.fromArray(S, src, p);
            b = FloatVector.fromArray(S, src, p + L);
            e = EVEN.selectFrom(a, b);
            o = ODD.selectFrom(a, b);
            m = o.unslice(1, FloatVector.broadcast(S, left ? 0f : src[p - 1]), 0);
            acc = o.fma(w8, e.fma(w7, m.fma(w6, acc)));
            carry = o.fma(w2, e.fma(w1, m.fma(w0, bv)));
            acc = acc.blend(lov, acc.compare(VectorOperators.LT, lov));
            acc.blend(hiv, acc.compare(VectorOperators.GT, hiv)).intoArray(dst, d);
            p += inCols;
            d += outCols;
        }
    }
}
