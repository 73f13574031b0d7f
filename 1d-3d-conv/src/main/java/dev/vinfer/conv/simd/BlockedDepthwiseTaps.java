package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The tap loops of the channel-blocked depthwise kernel ({@code dev.vinfer.conv.BlockedDepthwiseConv}): a vector
 * holds one position's L channels, so a tap is one vector load times one vector of L per-channel weights, for any
 * stride or dilation, and the bias and the clamp of Relu/Clip (ReLU6) are per-lane vectors. Arguments are checked
 * by the caller ({@link VectorBackend}).
 */
final class BlockedDepthwiseTaps {
    private BlockedDepthwiseTaps() {
    }

    /**
     * One output row: {@code dst[dOff + j * L + c] = clamp(bias[bOff + c] + sum over t of coef[cOff + t * L + c] *
     * src[sOff + j * step + tapOff[t] + c], lo, hi)} for j < n.
     */
    static void row(int taps, float[] coef, int cOff, int[] tapOff, float[] src, int sOff, int step, int n,
            float[] bias, int bOff, float lo, float hi, float[] dst, int dOff) {
        if (taps == 9) {
            int done = 0;
            if (step == L && n >= 4 && rowsOfThree(tapOff)) {
                done = n & ~3;
                row9Stride1(coef, cOff, tapOff, src, sOff, done, bias, bOff, lo, hi, dst, dOff);
            }
            if (done < n) {
                row9(coef, cOff, tapOff, src, sOff + done * step, step, n - done, bias, bOff, lo, hi, dst,
                        dOff + done * L);
            }
        } else {
            anyTaps(taps, coef, cOff, tapOff, src, sOff, step, n, bias, bOff, lo, hi, dst, dOff);
        }
    }

    /** True if the nine taps are three kernel rows of three adjacent positions (dilation 1 along the row). */
    private static boolean rowsOfThree(int[] tapOff) {
        for (int r = 0; r < 3; r++) {
            if (tapOff[3 * r + 1] != tapOff[3 * r] + L || tapOff[3 * r + 2] != tapOff[3 * r] + 2 * L) {
                return false;
            }
        }
        return true;
    }

    /** Nine taps, one output position per step, two partial sums. */
    private static void row9(float[] coef, int cOff, int[] tapOff, float[] src, int sOff, int step, int n,
            float[] bias, int bOff, float lo, float hi, float[] dst, int dOff) {
        FloatVector w0 = FloatVector.fromArray(S, coef, cOff);
        FloatVector w1 = FloatVector.fromArray(S, coef, cOff + L);
        FloatVector w2 = FloatVector.fromArray(S, coef, cOff + 2 * L);
        FloatVector w3 = FloatVector.fromArray(S, coef, cOff + 3 * L);
        FloatVector w4 = FloatVector.fromArray(S, coef, cOff + 4 * L);
        FloatVector w5 = FloatVector.fromArray(S, coef, cOff + 5 * L);
        FloatVector w6 = FloatVector.fromArray(S, coef, cOff + 6 * L);
        FloatVector w7 = FloatVector.fromArray(S, coef, cOff + 7 * L);
        FloatVector w8 = FloatVector.fromArray(S, coef, cOff + 8 * L);
        FloatVector bv = FloatVector.fromArray(S, bias, bOff);
        FloatVector lov = FloatVector.broadcast(S, lo);
        FloatVector hiv = FloatVector.broadcast(S, hi);
        int o0 = sOff + tapOff[0];
        int o1 = sOff + tapOff[1];
        int o2 = sOff + tapOff[2];
        int o3 = sOff + tapOff[3];
        int o4 = sOff + tapOff[4];
        int o5 = sOff + tapOff[5];
        int o6 = sOff + tapOff[6];
        int o7 = sOff + tapOff[7];
        int o8 = sOff + tapOff[8];
        for (int j = 0; j < n; j++) {
            int p = j * step;
            FloatVector a = FloatVector.fromArray(S, src, o0 + p).fma(w0, bv);
            FloatVector b = FloatVector.fromArray(S, src, o1 + p).mul(w1);
            a = FloatVector.fromArray(S, src, o2 + p).fma(w2, a);
            b = FloatVector.fromArray(S, src, o3 + p).fma(w3, b);
            a = FloatVector.fromArray(S, src, o4 + p).fma(w4, a);
            b = FloatVector.fromArray(S, src, o5 + p).fma(w5, b);
            a = FloatVector.fromArray(S, src, o6 + p).fma(w6, a);
            b = FloatVector.fromArray(S, src, o7 + p).fma(w7, b);
            a = FloatVector.fromArray(S, src, o8 + p).fma(w8, a);
            // min(max(v, lo), hi) by compare and blend, two instructions per bound where the Vector API's
            // max/min (Java's NaN and signed-zero rules) take several; NaN stays NaN. Written out at each
            // site: a clamp helper that C2 did not inline boxed its vectors (session 4, bench/README.md).
            a = a.add(b);
            a = a.blend(lov, a.compare(VectorOperators.LT, lov));
            a.blend(hiv, a.compare(VectorOperators.GT, hiv)).intoArray(dst, dOff + j * L);
        }
    }

    /**
     * Nine taps at stride 1, four output positions per step: each kernel row loads six input positions once for
     * the four outputs (18 input loads for 36 FMAs instead of 36). The kernel rows are a loop, not written out: with
     * all three unrolled the method grew past C2's inlining node budget, the clamp calls stayed calls and their
     * vectors were boxed (eight times slower).
     */
    private static void row9Stride1(float[] coef, int cOff, int[] tapOff, float[] src, int sOff, int n,
            float[] bias, int bOff, float lo, float hi, float[] dst, int dOff) {
        FloatVector bv = FloatVector.fromArray(S, bias, bOff);
        FloatVector lov = FloatVector.broadcast(S, lo);
        FloatVector hiv = FloatVector.broadcast(S, hi);
        for (int j = 0; j < n; j += 4) {
            int p = sOff + j * L;
            FloatVector a0 = bv;
            FloatVector a1 = bv;
            FloatVector a2 = bv;
            FloatVector a3 = bv;
            for (int r = 0; r < 3; r++) {
                int w = cOff + 3 * r * L;
                FloatVector wa = FloatVector.fromArray(S, coef, w);
                FloatVector wb = FloatVector.fromArray(S, coef, w + L);
                FloatVector wc = FloatVector.fromArray(S, coef, w + 2 * L);
                int q = p + tapOff[3 * r];
                FloatVector x0 = FloatVector.fromArray(S, src, q);
                FloatVector x1 = FloatVector.fromArray(S, src, q + L);
                FloatVector x2 = FloatVector.fromArray(S, src, q + 2 * L);
                FloatVector x3 = FloatVector.fromArray(S, src, q + 3 * L);
                a0 = x0.fma(wa, a0);
                a1 = x1.fma(wa, a1);
                a2 = x2.fma(wa, a2);
                a3 = x3.fma(wa, a3);
                FloatVector x4 = FloatVector.fromArray(S, src, q + 4 * L);
                a0 = x1.fma(wb, a0);
                a1 = x2.fma(wb, a1);
                a2 = x3.fma(wb, a2);
                a3 = x4.fma(wb, a3);
                FloatVector x5 = FloatVector.fromArray(S, src, q + 5 * L);
                a0 = x2.fma(wc, a0);
                a1 = x3.fma(wc, a1);
                a2 = x4.fma(wc, a2);
                a3 = x5.fma(wc, a3);
            }
            int d = dOff + j * L;
            a0 = a0.blend(lov, a0.compare(VectorOperators.LT, lov));
            a0.blend(hiv, a0.compare(VectorOperators.GT, hiv)).intoArray(dst, d);
            a1 = a1.blend(lov, a1.compare(VectorOperators.LT, lov));
            a1.blend(hiv, a1.compare(VectorOperators.GT, hiv)).intoArray(dst, d + L);
            a2 = a2.blend(lov, a2.compare(VectorOperators.LT, lov));
            a2.blend(hiv, a2.compare(VectorOperators.GT, hiv)).intoArray(dst, d + 2 * L);
            a3 = a3.blend(lov, a3.compare(VectorOperators.LT, lov));
            a3.blend(hiv, a3.compare(VectorOperators.GT, hiv)).intoArray(dst, d + 3 * L);
        }
    }

    /** Any tap count (5x5, the 7x7 global depthwise of MobileFaceNet...): four partial sums over the taps. */
    private static void anyTaps(int taps, float[] coef, int cOff, int[] tapOff, float[] src, int sOff, int step,
            int n, float[] bias, int bOff, float lo, float hi, float[] dst, int dOff) {
        FloatVector bv = FloatVector.fromArray(S, bias, bOff);
        FloatVector lov = FloatVector.broadcast(S, lo);
        FloatVector hiv = FloatVector.broadcast(S, hi);
        for (int j = 0; j < n; j++) {
            int p = sOff + j * step;
            FloatVector a0 = bv;
            FloatVector a1 = FloatVector.zero(S);
            FloatVector a2 = a1;
            FloatVector a3 = a1;
            int t = 0;
            for (; t + 4 <= taps; t += 4) {
                int w = cOff + t * L;
                a0 = FloatVector.fromArray(S, src, p + tapOff[t]).fma(FloatVector.fromArray(S, coef, w), a0);
                a1 = FloatVector.fromArray(S, src, p + tapOff[t + 1]).fma(FloatVector.fromArray(S, coef, w + L), a1);
                a2 = FloatVector.fromArray(S, src, p + tapOff[t + 2]).fma(FloatVector.fromArray(S, coef, w + 2 * L),
                        a2);
                a3 = FloatVector.fromArray(S, src, p + tapOff[t + 3]).fma(FloatVector.fromArray(S, coef, w + 3 * L),
                        a3);
            }
            for (; t < taps; t++) {
                a0 = FloatVector.fromArray(S, src, p + tapOff[t]).fma(FloatVector.fromArray(S, coef, cOff + t * L), a0);
            }
            a0 = a0.add(a1).add(a2.add(a3));
            a0 = a0.blend(lov, a0.compare(VectorOperators.LT, lov));
            a0.blend(hiv, a0.compare(VectorOperators.GT, hiv)).intoArray(dst, dOff + j * L);
        }
    }
}
