package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import dev.vinfer.conv.Epilogue;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

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
        // NONE clamps to the infinities: the same instructions with no effect, no branch in the loop (a branch
        // between vector values made the JIT box them).
        float lo = e.kind() == Epilogue.Kind.CLIP ? e.min() : clamp ? 0f : Float.NEGATIVE_INFINITY;
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
                // min(max(v, lo), hi) by compare and blend, two instructions per bound where the Vector API's
                // max/min (Java's NaN and signed-zero rules) take several; NaN stays NaN. Written out at each
                // site: a clamp helper that C2 did not inline boxed its vectors (session 4, bench/README.md).
                FloatVector o = FloatVector.fromArray(S, src, s + c).add(bv);
                o = o.blend(lov, o.compare(VectorOperators.LT, lov));
                o.blend(hiv, o.compare(VectorOperators.GT, hiv)).intoArray(dst, d + c);
            }
            if (c >= cols) {
                continue;
            }
            if (cols >= L) {
                int last = cols - L; // inside this row
                FloatVector o = FloatVector.fromArray(S, src, s + last).add(bv);
                o = o.blend(lov, o.compare(VectorOperators.LT, lov));
                o.blend(hiv, o.compare(VectorOperators.GT, hiv)).intoArray(dst, d + last);
                continue;
            }
            for (; c < cols; c++) {
                float x = src[s + c] + bias;
                dst[d + c] = clamp ? Math.min(Math.max(x, lo), hi) : x;
            }
        }
    }
    /**
     * Lane indices of the even (lanes {@code [0, L)}) and odd ({@code [L, 2L)}) elements of two consecutive vectors,
     * for {@link #splitEvenOdd}, which loads them into locals before its loop (as static final vectors they were
     * unboxed again at each use, their payload reloaded after every store).
     */
    private static final float[] EVEN_ODD = new float[2 * L];

    static {
        for (int i = 0; i < L; i++) {
            EVEN_ODD[i] = 2 * i;
            EVEN_ODD[L + i] = 2 * i + 1;
        }
    }

    /** True for the activations applied in registers here (NONE, RELU, CLIP). */
    static boolean clampKind(Epilogue e) {
        return e.kind() == Epilogue.Kind.NONE || e.kind() == Epilogue.Kind.RELU || e.kind() == Epilogue.Kind.CLIP;
    }

    /**
     * True if the taps are three rows of three with the kernel rows {@code sPitch} apart in src (stride 1 in H, no
     * dilation): then output row r + 1 reads the input rows of r shifted by one row, and {@link #rowPairs9} can
     * share two of its four input rows' loads between the two output rows.
     */
    static boolean pairable(int[] tapOff, int sPitch, int cols) {
        for (int k = 0; k < 6; k++) {
            if (tapOff[k + 3] != tapOff[k] + sPitch) {
                return false;
            }
        }
        return cols >= L;
    }

    /**
     * Output rows two at a time ({@code rows} even): 12 loads for 2 x 9 FMAs instead of 18. Same bias, clamp and
     * overlapping last vector as {@link #rows9}.
     */
    static void rowPairs9(float[] coef, int cOff, int[] tapOff, float[] src, int sOff, int sPitch, int rows,
            int cols, float bias, Epilogue e, float[] dst, int dOff) {
        FloatVector w0 = FloatVector.broadcast(S, coef[cOff]);
        FloatVector w1 = FloatVector.broadcast(S, coef[cOff + 1]);
        FloatVector w2 = FloatVector.broadcast(S, coef[cOff + 2]);
        FloatVector w3 = FloatVector.broadcast(S, coef[cOff + 3]);
        FloatVector w4 = FloatVector.broadcast(S, coef[cOff + 4]);
        FloatVector w5 = FloatVector.broadcast(S, coef[cOff + 5]);
        FloatVector w6 = FloatVector.broadcast(S, coef[cOff + 6]);
        FloatVector w7 = FloatVector.broadcast(S, coef[cOff + 7]);
        FloatVector w8 = FloatVector.broadcast(S, coef[cOff + 8]);
        int t0 = tapOff[0];
        int t1 = tapOff[1];
        int t2 = tapOff[2];
        boolean clamp = e.kind() != Epilogue.Kind.NONE;
        float lo = e.kind() == Epilogue.Kind.CLIP ? e.min() : clamp ? 0f : Float.NEGATIVE_INFINITY;
        float hi = e.kind() == Epilogue.Kind.CLIP ? e.max() : Float.POSITIVE_INFINITY;
        FloatVector bv = FloatVector.broadcast(S, bias);
        FloatVector lov = FloatVector.broadcast(S, lo);
        FloatVector hiv = FloatVector.broadcast(S, hi);
        int vectors = Math.ceilDiv(cols, L);
        for (int r = 0; r < rows; r += 2) {
            int s = sOff + r * sPitch;
            int d = dOff + r * cols;
            for (int k = 0; k < vectors; k++) {
                int c = Math.min(k * L, cols - L); // the last vector overlaps the one before (same values again)
                int a = s + c;
                int b = a + sPitch;
                int cc = b + sPitch;
                int dd = cc + sPitch;
                // Input row a feeds output row r only, d row r + 1 only; b and cc feed both.
                FloatVector x = FloatVector.fromArray(S, src, a + t0).mul(w0);
                x = FloatVector.fromArray(S, src, a + t1).fma(w1, x);
                x = FloatVector.fromArray(S, src, a + t2).fma(w2, x);
                FloatVector y = FloatVector.fromArray(S, src, dd + t0).mul(w6);
                y = FloatVector.fromArray(S, src, dd + t1).fma(w7, y);
                y = FloatVector.fromArray(S, src, dd + t2).fma(w8, y);
                FloatVector v = FloatVector.fromArray(S, src, b + t0);
                x = v.fma(w3, x);
                y = v.fma(w0, y);
                v = FloatVector.fromArray(S, src, b + t1);
                x = v.fma(w4, x);
                y = v.fma(w1, y);
                v = FloatVector.fromArray(S, src, b + t2);
                x = v.fma(w5, x);
                y = v.fma(w2, y);
                v = FloatVector.fromArray(S, src, cc + t0);
                x = v.fma(w6, x);
                y = v.fma(w3, y);
                v = FloatVector.fromArray(S, src, cc + t1);
                x = v.fma(w7, x);
                y = v.fma(w4, y);
                v = FloatVector.fromArray(S, src, cc + t2);
                x = v.fma(w8, x);
                y = v.fma(w5, y);
                x = x.add(bv);
                x = x.blend(lov, x.compare(VectorOperators.LT, lov));
                x.blend(hiv, x.compare(VectorOperators.GT, hiv)).intoArray(dst, d + c);
                y = y.add(bv);
                y = y.blend(lov, y.compare(VectorOperators.LT, lov));
                y.blend(hiv, y.compare(VectorOperators.GT, hiv)).intoArray(dst, d + cols + c);
            }
        }
    }

    /**
     * Nine taps row by row into the output, the bias added and the clamp of NONE/RELU/CLIP applied in registers;
     * rows of at least a vector end with an overlapping last vector, narrower rows run in scalar code.
     */
    static void rows9(float[] coef, int cOff, int[] tapOff, float[] src, int sOff, int sPitch, int rows, int cols,
            float bias, Epilogue e, float[] dst, int dOff) {
        FloatVector w0 = FloatVector.broadcast(S, coef[cOff]);
        FloatVector w1 = FloatVector.broadcast(S, coef[cOff + 1]);
        FloatVector w2 = FloatVector.broadcast(S, coef[cOff + 2]);
        FloatVector w3 = FloatVector.broadcast(S, coef[cOff + 3]);
        FloatVector w4 = FloatVector.broadcast(S, coef[cOff + 4]);
        FloatVector w5 = FloatVector.broadcast(S, coef[cOff + 5]);
        FloatVector w6 = FloatVector.broadcast(S, coef[cOff + 6]);
        FloatVector w7 = FloatVector.broadcast(S, coef[cOff + 7]);
        FloatVector w8 = FloatVector.broadcast(S, coef[cOff + 8]);
        int t0 = tapOff[0];
        int t1 = tapOff[1];
        int t2 = tapOff[2];
        int t3 = tapOff[3];
        int t4 = tapOff[4];
        int t5 = tapOff[5];
        int t6 = tapOff[6];
        int t7 = tapOff[7];
        int t8 = tapOff[8];
        boolean clamp = e.kind() != Epilogue.Kind.NONE;
        // NONE clamps to the infinities: the same instructions with no effect, no branch in the loop (a branch
        // between vector values made the JIT box them).
        float lo = e.kind() == Epilogue.Kind.CLIP ? e.min() : clamp ? 0f : Float.NEGATIVE_INFINITY;
        float hi = e.kind() == Epilogue.Kind.CLIP ? e.max() : Float.POSITIVE_INFINITY;
        FloatVector bv = FloatVector.broadcast(S, bias);
        FloatVector lov = FloatVector.broadcast(S, lo);
        FloatVector hiv = FloatVector.broadcast(S, hi);
        for (int r = 0; r < rows; r++) {
            int s = sOff + r * sPitch;
            int d = dOff + r * cols;
            if (cols < L) {
                for (int c = 0; c < cols; c++) {
                    float x = bias + tapsAt(9, coef, cOff, tapOff, src, s + c);
                    dst[d + c] = clamp ? Math.min(Math.max(x, lo), hi) : x;
                }
                continue;
            }
            int vectors = Math.ceilDiv(cols, L);
            for (int k = 0; k < vectors; k++) {
                int c = Math.min(k * L, cols - L); // the last vector overlaps the one before (same values again)
                int p = s + c;
                FloatVector x = FloatVector.fromArray(S, src, p + t0).mul(w0);
                FloatVector y = FloatVector.fromArray(S, src, p + t1).mul(w1);
                x = FloatVector.fromArray(S, src, p + t2).fma(w2, x);
                y = FloatVector.fromArray(S, src, p + t3).fma(w3, y);
                x = FloatVector.fromArray(S, src, p + t4).fma(w4, x);
                y = FloatVector.fromArray(S, src, p + t5).fma(w5, y);
                x = FloatVector.fromArray(S, src, p + t6).fma(w6, x);
                y = FloatVector.fromArray(S, src, p + t7).fma(w7, y);
                x = FloatVector.fromArray(S, src, p + t8).fma(w8, x);
                x = x.add(y).add(bv);
                x = x.blend(lov, x.compare(VectorOperators.LT, lov));
                x.blend(hiv, x.compare(VectorOperators.GT, hiv)).intoArray(dst, d + c);
            }
        }
    }

    /** Any tap count, row by row: one vector at a time, coefficients broadcast per tap. */
    static void anyRows(int taps, float[] coef, int cOff, int[] tapOff, float[] src, int sOff, int sPitch, int rows,
            int cols, float bias, Epilogue e, float[] dst, int dOff) {
        boolean clamp = e.kind() != Epilogue.Kind.NONE;
        // NONE clamps to the infinities: the same instructions with no effect, no branch in the loop (a branch
        // between vector values made the JIT box them).
        float lo = e.kind() == Epilogue.Kind.CLIP ? e.min() : clamp ? 0f : Float.NEGATIVE_INFINITY;
        float hi = e.kind() == Epilogue.Kind.CLIP ? e.max() : Float.POSITIVE_INFINITY;
        FloatVector bv = FloatVector.broadcast(S, bias);
        FloatVector lov = FloatVector.broadcast(S, lo);
        FloatVector hiv = FloatVector.broadcast(S, hi);
        for (int r = 0; r < rows; r++) {
            int s = sOff + r * sPitch;
            int d = dOff + r * cols;
            if (cols < L) {
                for (int c = 0; c < cols; c++) {
                    float x = bias + tapsAt(taps, coef, cOff, tapOff, src, s + c);
                    dst[d + c] = clamp ? Math.min(Math.max(x, lo), hi) : x;
                }
                continue;
            }
            for (int c = 0; c < cols; c += L) {
                int at = Math.min(c, cols - L); // the last vector overlaps the one before
                FloatVector v = FloatVector.zero(S);
                for (int t = 0; t < taps; t++) {
                    v = FloatVector.fromArray(S, src, s + at + tapOff[t]).fma(FloatVector.broadcast(S, coef[cOff + t]), v);
                }
                v = v.add(bv);
                v = v.blend(lov, v.compare(VectorOperators.LT, lov));
                v.blend(hiv, v.compare(VectorOperators.GT, hiv)).intoArray(dst, d + at);
            }
        }
    }

    private static float tapsAt(int taps, float[] coef, int cOff, int[] tapOff, float[] src, int p) {
        float sum = 0f;
        for (int t = 0; t < taps; t++) {
            sum = Math.fma(coef[cOff + t], src[p + tapOff[t]], sum);
        }
        return sum;
    }

    /** Stride-2 phase split, two vectors in, one even and one odd vector out (a two-source permute each). */
    static void splitEvenOdd(float[] src, int sOff, int n, float[] even, int eOff, float[] odd, int oOff) {
        FloatVector evenLanes = FloatVector.fromArray(S, EVEN_ODD, 0);
        FloatVector oddLanes = FloatVector.fromArray(S, EVEN_ODD, L);
        if (n < 2 * L) {
            // A row shorter than two vectors (14x14 and 28x28 planes): masked loads and stores, no scalar loop.
            VectorMask<Float> m0 = S.indexInRange(0, n);
            VectorMask<Float> m1 = S.indexInRange(L, n);
            FloatVector v0 = FloatVector.fromArray(S, src, sOff, m0);
            FloatVector v1 = FloatVector.fromArray(S, src, sOff + L, m1);
            evenLanes.selectFrom(v0, v1).intoArray(even, eOff, S.indexInRange(0, (n + 1) / 2));
            oddLanes.selectFrom(v0, v1).intoArray(odd, oOff, S.indexInRange(0, n / 2));
            return;
        }
        int j = 0;
        for (; 2 * j + 2 * L <= n; j += L) {
            FloatVector v0 = FloatVector.fromArray(S, src, sOff + 2 * j);
            FloatVector v1 = FloatVector.fromArray(S, src, sOff + 2 * j + L);
            evenLanes.selectFrom(v0, v1).intoArray(even, eOff + j);
            oddLanes.selectFrom(v0, v1).intoArray(odd, oOff + j);
        }
        if (j > 0 && 2 * j < n) {
            // One more vector pair ending at the row's end (overlapping: the same values again), then at most one
            // value of each phase is left.
            j = (n - 2 * L) / 2;
            FloatVector v0 = FloatVector.fromArray(S, src, sOff + 2 * j);
            FloatVector v1 = FloatVector.fromArray(S, src, sOff + 2 * j + L);
            evenLanes.selectFrom(v0, v1).intoArray(even, eOff + j);
            oddLanes.selectFrom(v0, v1).intoArray(odd, oOff + j);
            j += L;
        }
        for (int k = j; 2 * k < n; k++) {
            even[eOff + k] = src[sOff + 2 * k];
        }
        for (int k = j; 2 * k + 1 < n; k++) {
            odd[oOff + k] = src[sOff + 2 * k + 1];
        }
    }
}
