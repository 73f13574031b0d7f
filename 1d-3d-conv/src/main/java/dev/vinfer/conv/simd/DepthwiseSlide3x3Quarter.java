package dev.vinfer.conv.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DepthwiseSlide3x3} with 4-lane (128-bit) vectors, for planes whose rows are 4-7 values wide (7x7 planes)
 * where the preferred vector is wider; a copy because the Vector API compiles to vector instructions only for a
 * constant species (see {@link DepthwiseSlide3x3Half}). A 7-wide row is two overlapping strips.
 */
final class DepthwiseSlide3x3Quarter {
    /** The species of this kernel: 4 lanes. */
    static final VectorSpecies<Float> S = FloatVector.SPECIES_128;
    /** Its lanes. */
    static final int L = 4;

    private DepthwiseSlide3x3Quarter() {
    }

    /**
     * {@code dst[dOff + r * cols + c] = clamp(bias + sum of the 3x3 taps around (r, c))}, zero outside the plane,
     * for a plane of {@code rows x cols} at {@code src[sOff]}; {@code cols >= 4}.
     */
    static void plane(float[] coef, int cOff, float[] src, int sOff, int rows, int cols, float bias, float lo,
            float hi, float[] dst, int dOff) {
        int strips = Math.ceilDiv(cols, L);
        for (int k = 0; k < strips; k++) {
            int c = Math.min(k * L, cols - L);
            if (c == 0 || c + L == cols) {
                edgeStrip(coef, cOff, src, sOff, rows, cols, c, bias, lo, hi, dst, dOff);
            } else {
                innerStrip(coef, cOff, src, sOff, rows, cols, c, bias, lo, hi, dst, dOff);
            }
        }
    }

    /**
     * One strip clear of both plane edges, down the whole plane: the three column shifts are three loads. No value
     * is carried around the loop for more than two iterations (an output starts from the bias at its kernel row 0
     * and is stored after its kernel row 2), so out-of-order execution overlaps successive rows.
     *
     * <p>Written so that C2 keeps every vector in a register: no vector chosen by a conditional (a phi of two
     * vectors or masks was boxed, an allocation per row) and the clamp written out (as a call it was not inlined
     * here, and a vector passed to a call is boxed).
     */
    private static void innerStrip(float[] coef, int cOff, float[] src, int sOff, int rows, int cols, int c,
            float bias, float lo, float hi, float[] dst, int dOff) {
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
        int p = sOff + c;
        // Input row 0: the middle of output row 0, the start of output row 1.
        FloatVector x = FloatVector.fromArray(S, src, p - 1);
        FloatVector y = FloatVector.fromArray(S, src, p);
        FloatVector z = FloatVector.fromArray(S, src, p + 1);
        FloatVector cur = z.fma(w5, y.fma(w4, x.fma(w3, bv)));
        FloatVector next = z.fma(w2, y.fma(w1, x.fma(w0, bv)));
        int d = dOff + c;
        for (int i = 1; i < rows; i++) {
            p += cols;
            x = FloatVector.fromArray(S, src, p - 1);
            y = FloatVector.fromArray(S, src, p);
            z = FloatVector.fromArray(S, src, p + 1);
            // Output row i - 1 is finished by its kernel row 2.
            FloatVector done = z.fma(w8, y.fma(w7, x.fma(w6, cur)));
            cur = z.fma(w5, y.fma(w4, x.fma(w3, next)));
            next = z.fma(w2, y.fma(w1, x.fma(w0, bv)));
            done = done.blend(lov, done.compare(VectorOperators.LT, lov));
            done.blend(hiv, done.compare(VectorOperators.GT, hiv)).intoArray(dst, d);
            d += cols;
        }
        // The last output row has only padding below it.
        cur = cur.blend(lov, cur.compare(VectorOperators.LT, lov));
        cur.blend(hiv, cur.compare(VectorOperators.GT, hiv)).intoArray(dst, d);
    }

    /**
     * A strip at the plane's left or right edge (or both): one load per row, the shifted vectors made from it by
     * {@code unslice}/{@code slice} with the one value from outside the strip (or the padding's zero) coming in as
     * a scalar, so that no load reaches outside the plane and no vector is chosen by a conditional.
     */
    private static void edgeStrip(float[] coef, int cOff, float[] src, int sOff, int rows, int cols, int c,
            float bias, float lo, float hi, float[] dst, int dOff) {
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
        boolean right = c + L == cols;
        int p = sOff + c;
        FloatVector y = FloatVector.fromArray(S, src, p);
        FloatVector x = y.unslice(1, FloatVector.broadcast(S, left ? 0f : src[p - 1]), 0);
        FloatVector z = y.slice(1, FloatVector.broadcast(S, right ? 0f : src[p + L]));
        FloatVector cur = z.fma(w5, y.fma(w4, x.fma(w3, bv)));
        FloatVector next = z.fma(w2, y.fma(w1, x.fma(w0, bv)));
        int d = dOff + c;
        for (int i = 1; i < rows; i++) {
            p += cols;
            y = FloatVector.fromArray(S, src, p);
            x = y.unslice(1, FloatVector.broadcast(S, left ? 0f : src[p - 1]), 0);
            z = y.slice(1, FloatVector.broadcast(S, right ? 0f : src[p + L]));
            FloatVector done = z.fma(w8, y.fma(w7, x.fma(w6, cur)));
            cur = z.fma(w5, y.fma(w4, x.fma(w3, next)));
            next = z.fma(w2, y.fma(w1, x.fma(w0, bv)));
            done = done.blend(lov, done.compare(VectorOperators.LT, lov));
            done.blend(hiv, done.compare(VectorOperators.GT, hiv)).intoArray(dst, d);
            d += cols;
        }
        cur = cur.blend(lov, cur.compare(VectorOperators.LT, lov));
        cur.blend(hiv, cur.compare(VectorOperators.GT, hiv)).intoArray(dst, d);
    }
}
