package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * 3x3, stride 2, pad 1 at the top and left depthwise convolution of one plane read straight from the NCHW input, for
 * planes whose outputs never reach the bottom or right padding ({@code 2 outRows <= inRows}, {@code 2 outCols <=
 * inCols}: every even-sized input, MobileNet's stride-2 layers).
 *
 * <p>As {@link DepthwiseSlide3x3}, column strips one vector of outputs wide slide down the plane. Output column c
 * reads input columns 2c - 1, 2c, 2c + 1: per input row two loads cover columns 2c .. 2c + 2L - 1, a two-source
 * permute takes their even lanes (tap kw = 1) and another their odd lanes (kw = 2); the odd lanes shifted up by one
 * lane, with column 2c - 1 (or the padding's zero) coming in as a scalar, give kw = 0. Output row r reads input rows
 * 2r - 1, 2r, 2r + 1; the odd row 2r + 1 serves rows r (kernel row 2) and r + 1 (kernel row 0), so each input row is
 * loaded and split once.
 *
 * <p>Output rows narrower than a vector (MobileNetV2's 28x28 -> 14x14 and 14x14 -> 7x7) take {@link #narrow}: one
 * strip, its loads and its store masked to the row, so that no lane reads past the plane (session 9; the
 * channel-blocked kernel that ran them paid two transposes of the whole input for a quarter as many outputs).
 */
final class DepthwiseSlide3x3s2 {
    /**
     * Two-source permute indexes: lanes {@code [0, L)} the even elements of a vector pair, {@code [L, 2L)} the odd
     * ones. Loaded into locals before the row loop (as static final vectors they were unboxed again at each use
     * inside it, their payload reloaded after every store to dst).
     */
    private static final float[] EVEN_ODD = new float[2 * L];

    static {
        for (int i = 0; i < L; i++) {
            EVEN_ODD[i] = 2 * i;
            EVEN_ODD[L + i] = 2 * i + 1;
        }
    }

    private DepthwiseSlide3x3s2() {
    }

    /** The plane; the size conditions above checked by the caller. */
    static void plane(float[] coef, int cOff, float[] src, int sOff, int inCols, int outRows, int outCols,
            float bias, float lo, float hi, float[] dst, int dOff) {
        if (outCols < L) {
            narrow(coef, cOff, src, sOff, inCols, outRows, outCols, bias, lo, hi, dst, dOff);
            return;
        }
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
        FloatVector even = FloatVector.fromArray(S, EVEN_ODD, 0);
        FloatVector odd = FloatVector.fromArray(S, EVEN_ODD, L);
        for (int r = 0; r < outRows; r++) {
            FloatVector a = FloatVector.fromArray(S, src, p); // input row 2r
            FloatVector b = FloatVector.fromArray(S, src, p + L);
            FloatVector e = even.selectFrom(a, b);
            FloatVector o = odd.selectFrom(a, b);
            FloatVector m = o.unslice(1, FloatVector.broadcast(S, left ? 0f : src[p - 1]), 0);
            FloatVector acc = o.fma(w5, e.fma(w4, m.fma(w3, carry)));
            p += inCols; // input row 2r + 1
            a = FloatVector.fromArray(S, src, p);
            b = FloatVector.fromArray(S, src, p + L);
            e = even.selectFrom(a, b);
            o = odd.selectFrom(a, b);
            m = o.unslice(1, FloatVector.broadcast(S, left ? 0f : src[p - 1]), 0);
            acc = o.fma(w8, e.fma(w7, m.fma(w6, acc)));
            carry = o.fma(w2, e.fma(w1, m.fma(w0, bv)));
            acc = acc.blend(lov, acc.compare(VectorOperators.LT, lov));
            acc.blend(hiv, acc.compare(VectorOperators.GT, hiv)).intoArray(dst, d);
            p += inCols;
            d += outCols;
        }
    }

    /**
     * A plane whose output rows are narrower than a vector ({@code 0 < outCols < L}): {@link #strip} at column 0,
     * each input row read as two loads masked to its {@code inCols} values (lanes past them are zero and feed only
     * output lanes at or past {@code outCols}, which are not stored), the output rows stored under a mask. Column -1
     * is the padding: the kw = 0 taps shift a zero into lane 0. The operations per output are {@link #strip}'s, in
     * its order.
     */
    private static void narrow(float[] coef, int cOff, float[] src, int sOff, int inCols, int outRows, int outCols,
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
        FloatVector zero = FloatVector.zero(S);
        VectorMask<Float> first = S.indexInRange(0, inCols); // lanes of the row's first L columns
        VectorMask<Float> second = S.indexInRange(L, inCols); // lanes of columns L .. inCols - 1 (none if inCols <= L)
        VectorMask<Float> out = S.indexInRange(0, outCols);
        FloatVector even = FloatVector.fromArray(S, EVEN_ODD, 0);
        FloatVector odd = FloatVector.fromArray(S, EVEN_ODD, L);
        FloatVector carry = bv;
        int p = sOff;
        int d = dOff;
        for (int r = 0; r < outRows; r++) {
            FloatVector a = FloatVector.fromArray(S, src, p, first); // input row 2r
            FloatVector b = FloatVector.fromArray(S, src, p + L, second);
            FloatVector e = even.selectFrom(a, b);
            FloatVector o = odd.selectFrom(a, b);
            FloatVector m = o.unslice(1, zero, 0);
            FloatVector acc = o.fma(w5, e.fma(w4, m.fma(w3, carry)));
            p += inCols; // input row 2r + 1
            a = FloatVector.fromArray(S, src, p, first);
            b = FloatVector.fromArray(S, src, p + L, second);
            e = even.selectFrom(a, b);
            o = odd.selectFrom(a, b);
            m = o.unslice(1, zero, 0);
            acc = o.fma(w8, e.fma(w7, m.fma(w6, acc)));
            carry = o.fma(w2, e.fma(w1, m.fma(w0, bv)));
            acc = acc.blend(lov, acc.compare(VectorOperators.LT, lov));
            acc.blend(hiv, acc.compare(VectorOperators.GT, hiv)).intoArray(dst, d, out);
            p += inCols;
            d += outCols;
        }
    }
}
