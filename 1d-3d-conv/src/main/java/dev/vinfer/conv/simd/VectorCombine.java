package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import jdk.incubator.vector.FloatVector;

/**
 * {@code Backend.combine} on the Vector API: {@code dst row o = sum over k of coef[o][k] x src row k} over rows of
 * {@code len} values (Winograd's transforms, and every other small linear map of whole rows).
 */
final class VectorCombine {
    private VectorCombine() {
    }

    /**
     * Per output row, the nonzero taps are taken in groups of up to four, evenly sized (9 taps: 3 + 3 + 3); each
     * group is one pass over the row with its coefficients broadcast once, outside the loop: the first pass writes
     * (or adds to dst when accumulating), later ones add. Per vector a pass does up to 4 FMAs for 1 + taps loads
     * and 1 store, with no per-tap bookkeeping inside the loop. The last few values of a row run in scalar code
     * (masked vector tails were not always compiled to masked instructions here and then fell back to the Vector
     * API's slow Java path).
     */
    static void apply(int outs, int ins, float[] coef, float[] src, int[] srcOff, float[] dst, int[] dstOff, int len,
            boolean accumulate) {
        if (len == 0) {
            return;
        }
        for (int o = 0; o < outs; o++) {
            int cb = o * ins;
            int nonzero = 0;
            for (int k = 0; k < ins; k++) {
                if (coef[cb + k] != 0f) {
                    nonzero++;
                }
            }
            int d = dstOff[o];
            if (nonzero == 0) {
                if (!accumulate) {
                    java.util.Arrays.fill(dst, d, d + len, 0f);
                }
                continue;
            }
            int groups = Math.ceilDiv(nonzero, 4);
            boolean add = accumulate;
            int k = 0;
            int done = 0;
            for (int gi = 0; gi < groups; gi++) {
                int want = Math.min(4, Math.ceilDiv(nonzero - done, groups - gi)); // an even split of what is left
                done += want;
                // The group's taps in four locals, not an array: an int[4] per call escaped (about 1 MB per
                // ResNet-50 run in Winograd's transforms).
                int t0 = 0;
                int t1 = 0;
                int t2 = 0;
                int t3 = 0;
                int n = 0;
                while (n < want) {
                    if (coef[cb + k] != 0f) {
                        switch (n) {
                            case 0 -> t0 = k;
                            case 1 -> t1 = k;
                            case 2 -> t2 = k;
                            default -> t3 = k;
                        }
                        n++;
                    }
                    k++;
                }
                switch (n) {
                    case 1 -> pass1(coef[cb + t0], src, srcOff[t0], dst, d, len, add);
                    case 2 -> pass2(coef[cb + t0], srcOff[t0], coef[cb + t1], srcOff[t1], src, dst,
                            d, len, add);
                    case 3 -> pass3(coef[cb + t0], srcOff[t0], coef[cb + t1], srcOff[t1],
                            coef[cb + t2], srcOff[t2], src, dst, d, len, add);
                    default -> pass4(coef[cb + t0], srcOff[t0], coef[cb + t1], srcOff[t1],
                            coef[cb + t2], srcOff[t2], coef[cb + t3], srcOff[t3], src, dst, d, len,
                            add);
                }
                add = true;
            }
        }
    }

    private static void pass1(float c0, float[] src, int s0, float[] dst, int d, int len, boolean add) {
        FloatVector v0 = FloatVector.broadcast(S, c0);
        int i = 0;
        for (int bound = S.loopBound(len); i < bound; i += L) {
            FloatVector acc = add ? FloatVector.fromArray(S, dst, d + i) : FloatVector.zero(S);
            FloatVector.fromArray(S, src, s0 + i).fma(v0, acc).intoArray(dst, d + i);
        }
        for (; i < len; i++) {
            dst[d + i] = Math.fma(c0, src[s0 + i], add ? dst[d + i] : 0f);
        }
    }

    private static void pass2(float c0, int s0, float c1, int s1, float[] src, float[] dst, int d, int len,
            boolean add) {
        FloatVector v0 = FloatVector.broadcast(S, c0);
        FloatVector v1 = FloatVector.broadcast(S, c1);
        int i = 0;
        for (int bound = S.loopBound(len); i < bound; i += L) {
            FloatVector acc = add ? FloatVector.fromArray(S, dst, d + i) : FloatVector.zero(S);
            acc = FloatVector.fromArray(S, src, s0 + i).fma(v0, acc);
            FloatVector.fromArray(S, src, s1 + i).fma(v1, acc).intoArray(dst, d + i);
        }
        for (; i < len; i++) {
            float acc = Math.fma(c0, src[s0 + i], add ? dst[d + i] : 0f);
            dst[d + i] = Math.fma(c1, src[s1 + i], acc);
        }
    }

    private static void pass3(float c0, int s0, float c1, int s1, float c2, int s2, float[] src, float[] dst, int d,
            int len, boolean add) {
        FloatVector v0 = FloatVector.broadcast(S, c0);
        FloatVector v1 = FloatVector.broadcast(S, c1);
        FloatVector v2 = FloatVector.broadcast(S, c2);
        int i = 0;
        for (int bound = S.loopBound(len); i < bound; i += L) {
            FloatVector acc = add ? FloatVector.fromArray(S, dst, d + i) : FloatVector.zero(S);
            acc = FloatVector.fromArray(S, src, s0 + i).fma(v0, acc);
            acc = FloatVector.fromArray(S, src, s1 + i).fma(v1, acc);
            FloatVector.fromArray(S, src, s2 + i).fma(v2, acc).intoArray(dst, d + i);
        }
        for (; i < len; i++) {
            float acc = Math.fma(c0, src[s0 + i], add ? dst[d + i] : 0f);
            acc = Math.fma(c1, src[s1 + i], acc);
            dst[d + i] = Math.fma(c2, src[s2 + i], acc);
        }
    }

    private static void pass4(float c0, int s0, float c1, int s1, float c2, int s2, float c3, int s3, float[] src,
            float[] dst, int d, int len, boolean add) {
        FloatVector v0 = FloatVector.broadcast(S, c0);
        FloatVector v1 = FloatVector.broadcast(S, c1);
        FloatVector v2 = FloatVector.broadcast(S, c2);
        FloatVector v3 = FloatVector.broadcast(S, c3);
        int i = 0;
        for (int bound = S.loopBound(len); i < bound; i += L) {
            FloatVector acc = add ? FloatVector.fromArray(S, dst, d + i) : FloatVector.zero(S);
            // Two partial sums: a chain of two FMAs each instead of four.
            FloatVector p = FloatVector.fromArray(S, src, s0 + i).fma(v0, acc);
            FloatVector q = FloatVector.fromArray(S, src, s1 + i).mul(v1);
            p = FloatVector.fromArray(S, src, s2 + i).fma(v2, p);
            q = FloatVector.fromArray(S, src, s3 + i).fma(v3, q);
            p.add(q).intoArray(dst, d + i);
        }
        for (; i < len; i++) {
            float p = Math.fma(c0, src[s0 + i], add ? dst[d + i] : 0f);
            float q = c1 * src[s1 + i];
            p = Math.fma(c2, src[s2 + i], p);
            q = Math.fma(c3, src[s3 + i], q);
            dst[d + i] = p + q;
        }
    }
}
