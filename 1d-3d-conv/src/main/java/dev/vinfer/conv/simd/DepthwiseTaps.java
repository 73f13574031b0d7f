package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import dev.vinfer.conv.Epilogue;
import jdk.incubator.vector.FloatVector;

/**
 * The vector loops of the depthwise kernel (see {@code dev.vinfer.conv.DepthwiseConv}): the tap sums over a
 * prepared plane, and the copy of the finished rows into the output with bias and activation. Arguments are checked
 * by the caller ({@link VectorBackend}).
 */
final class DepthwiseTaps {
    private DepthwiseTaps() {
    }

    /** Nine taps (any 3x3 geometry): coefficients and offsets held in registers for the whole plane. */
    static void taps9(float[] coef, int cOff, int[] tapOff, float[] src, int sOff, float[] dst, int dOff, int len) {
        FloatVector w0 = FloatVector.broadcast(S, coef[cOff]);
        FloatVector w1 = FloatVector.broadcast(S, coef[cOff + 1]);
        FloatVector w2 = FloatVector.broadcast(S, coef[cOff + 2]);
        FloatVector w3 = FloatVector.broadcast(S, coef[cOff + 3]);
        FloatVector w4 = FloatVector.broadcast(S, coef[cOff + 4]);
        FloatVector w5 = FloatVector.broadcast(S, coef[cOff + 5]);
        FloatVector w6 = FloatVector.broadcast(S, coef[cOff + 6]);
        FloatVector w7 = FloatVector.broadcast(S, coef[cOff + 7]);
        FloatVector w8 = FloatVector.broadcast(S, coef[cOff + 8]);
        int o0 = sOff + tapOff[0];
        int o1 = sOff + tapOff[1];
        int o2 = sOff + tapOff[2];
        int o3 = sOff + tapOff[3];
        int o4 = sOff + tapOff[4];
        int o5 = sOff + tapOff[5];
        int o6 = sOff + tapOff[6];
        int o7 = sOff + tapOff[7];
        int o8 = sOff + tapOff[8];
        for (int i = 0; i < len; i += L) {
            // Two partial sums halve the dependent chain (4 + 5 FMAs instead of 9).
            FloatVector a = FloatVector.fromArray(S, src, o0 + i).mul(w0);
            FloatVector b = FloatVector.fromArray(S, src, o1 + i).mul(w1);
            a = FloatVector.fromArray(S, src, o2 + i).fma(w2, a);
            b = FloatVector.fromArray(S, src, o3 + i).fma(w3, b);
            a = FloatVector.fromArray(S, src, o4 + i).fma(w4, a);
            b = FloatVector.fromArray(S, src, o5 + i).fma(w5, b);
            a = FloatVector.fromArray(S, src, o6 + i).fma(w6, a);
            b = FloatVector.fromArray(S, src, o7 + i).fma(w7, b);
            a = FloatVector.fromArray(S, src, o8 + i).fma(w8, a);
            a.add(b).intoArray(dst, dOff + i);
        }
    }

    /** Any tap count: four output vectors per step, so each broadcast coefficient serves four FMAs. */
    static void anyTaps(int taps, float[] coef, int cOff, int[] tapOff, float[] src, int sOff, float[] dst,
            int dOff, int len) {
        for (int i = 0; i < len; i += 4 * L) { // len is a multiple of 64, hence of 4 * L
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            for (int t = 0; t < taps; t++) {
                FloatVector w = FloatVector.broadcast(S, coef[cOff + t]);
                int o = sOff + tapOff[t] + i;
                a0 = FloatVector.fromArray(S, src, o).fma(w, a0);
                a1 = FloatVector.fromArray(S, src, o + L).fma(w, a1);
                a2 = FloatVector.fromArray(S, src, o + 2 * L).fma(w, a2);
                a3 = FloatVector.fromArray(S, src, o + 3 * L).fma(w, a3);
            }
            int d = dOff + i;
            a0.intoArray(dst, d);
            a1.intoArray(dst, d + L);
            a2.intoArray(dst, d + 2 * L);
            a3.intoArray(dst, d + 3 * L);
        }
    }

    /**
     * Rows copied with the bias added and, for NONE, RELU and CLIP, the activation applied (other kinds are applied
     * afterwards by the caller). Rows narrower than a vector are still stored a whole vector at a time: the lanes
     * past the row land in the rows after it, which are written later; only where a vector would cross the end of
     * the plane does the row finish with an overlapping last vector (rows of at least a vector) or in scalar code.
     */
    static void compactRows(float[] src, int sOff, int sPitch, int rows, int cols, float bias, Epilogue e,
            float[] dst, int dOff) {
        boolean clamp = e.kind() == Epilogue.Kind.RELU || e.kind() == Epilogue.Kind.CLIP;
        float lo = e.kind() == Epilogue.Kind.CLIP ? e.min() : 0f;
        float hi = e.kind() == Epilogue.Kind.CLIP ? e.max() : Float.POSITIVE_INFINITY;
        FloatVector bv = FloatVector.broadcast(S, bias);
        FloatVector lov = FloatVector.broadcast(S, lo);
        FloatVector hiv = FloatVector.broadcast(S, hi);
        int end = dOff + rows * cols;
        for (int r = 0; r < rows; r++) {
            int s = sOff + r * sPitch;
            int d = dOff + r * cols;
            int c = 0;
            for (; c < cols && d + c + L <= end; c += L) {
                FloatVector v = FloatVector.fromArray(S, src, s + c).add(bv);
                if (clamp) {
                    v = v.max(lov).min(hiv);
                }
                v.intoArray(dst, d + c);
            }
            if (c >= cols) {
                continue;
            }
            if (cols >= L) {
                int last = cols - L; // inside this row
                FloatVector v = FloatVector.fromArray(S, src, s + last).add(bv);
                if (clamp) {
                    v = v.max(lov).min(hiv);
                }
                v.intoArray(dst, d + last);
                continue;
            }
            for (; c < cols; c++) {
                float x = src[s + c] + bias;
                dst[d + c] = clamp ? Math.min(Math.max(x, lo), hi) : x;
            }
        }
    }
}
