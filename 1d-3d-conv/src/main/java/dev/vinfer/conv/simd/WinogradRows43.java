package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import jdk.incubator.vector.FloatVector;

/**
 * Winograd F(4,3)'s one-axis transforms over whole rows, written out from the matrices' structure (points 0, 1, -1,
 * 2, -2 and infinity): per vector of columns the six source rows are loaded once and every destination row is built
 * from shared sums and differences. The general {@code combine} passes load each source row once per destination row
 * that uses it (22 loads for B^T's six rows, 17 for A^T's four) and split rows of five taps into two passes.
 *
 * <p>B^T (input):
 * <pre>
 * [ 4  0 -5  0  1  0 ]     A^T (output):   [ 1  1  1  1  1  0 ]
 * [ 0 -4 -4  1  1  0 ]                     [ 0  1 -1  2 -2  0 ]
 * [ 0  4 -4 -1  1  0 ]                     [ 0  1  1  4  4  0 ]
 * [ 0 -2 -1  2  1  0 ]                     [ 0  1 -1  8 -8  1 ]
 * [ 0  2 -1 -2  1  0 ]
 * [ 0  4  0 -5  0  1 ]
 * </pre>
 * Callers pass offsets already checked ({@code GemmChecks.combine}).
 */
final class WinogradRows43 {
    private WinogradRows43() {
    }

    /** {@code dst row o = sum over k of B^T[o][k] * src row k}, rows of {@code len} values. */
    static void input(float[] src, int[] so, float[] dst, int[] dso, int len) {
        int s0 = so[0];
        int s1 = so[1];
        int s2 = so[2];
        int s3 = so[3];
        int s4 = so[4];
        int s5 = so[5];
        int e0 = dso[0];
        int e1 = dso[1];
        int e2 = dso[2];
        int e3 = dso[3];
        int e4 = dso[4];
        int e5 = dso[5];
        int i = 0;
        for (int bound = S.loopBound(len); i < bound; i += L) {
            FloatVector d0 = FloatVector.fromArray(S, src, s0 + i);
            FloatVector d1 = FloatVector.fromArray(S, src, s1 + i);
            FloatVector d2 = FloatVector.fromArray(S, src, s2 + i);
            FloatVector d3 = FloatVector.fromArray(S, src, s3 + i);
            FloatVector d4 = FloatVector.fromArray(S, src, s4 + i);
            FloatVector d5 = FloatVector.fromArray(S, src, s5 + i);
            d2.mul(-5f).add(d4).add(d0.mul(4f)).intoArray(dst, e0 + i);
            FloatVector a = d3.add(d4);
            FloatVector b = d1.add(d2);
            b.mul(-4f).add(a).intoArray(dst, e1 + i);
            FloatVector c = d4.sub(d3);
            FloatVector d = d1.sub(d2);
            d.mul(4f).add(c).intoArray(dst, e2 + i);
            FloatVector f = d4.sub(d2);
            FloatVector h = d1.sub(d3).mul(2f);
            f.sub(h).intoArray(dst, e3 + i);
            f.add(h).intoArray(dst, e4 + i);
            d3.mul(-5f).add(d5).add(d1.mul(4f)).intoArray(dst, e5 + i);
        }
        for (; i < len; i++) {
            float d0 = src[s0 + i];
            float d1 = src[s1 + i];
            float d2 = src[s2 + i];
            float d3 = src[s3 + i];
            float d4 = src[s4 + i];
            float d5 = src[s5 + i];
            dst[e0 + i] = -5f * d2 + d4 + 4f * d0;
            dst[e1 + i] = -4f * (d1 + d2) + (d3 + d4);
            dst[e2 + i] = 4f * (d1 - d2) + (d4 - d3);
            float f = d4 - d2;
            float h = 2f * (d1 - d3);
            dst[e3 + i] = f - h;
            dst[e4 + i] = f + h;
            dst[e5 + i] = -5f * d3 + d5 + 4f * d1;
        }
    }

    /** {@code dst row o = sum over k of A^T[o][k] * src row k}, rows of {@code len} values. */
    static void output(float[] src, int[] so, float[] dst, int[] dso, int len) {
        int s0 = so[0];
        int s1 = so[1];
        int s2 = so[2];
        int s3 = so[3];
        int s4 = so[4];
        int s5 = so[5];
        int e0 = dso[0];
        int e1 = dso[1];
        int e2 = dso[2];
        int e3 = dso[3];
        FloatVector two = FloatVector.broadcast(S, 2f);
        FloatVector four = FloatVector.broadcast(S, 4f);
        FloatVector eight = FloatVector.broadcast(S, 8f);
        int i = 0;
        for (int bound = S.loopBound(len); i < bound; i += L) {
            FloatVector d1 = FloatVector.fromArray(S, src, s1 + i);
            FloatVector d2 = FloatVector.fromArray(S, src, s2 + i);
            FloatVector d3 = FloatVector.fromArray(S, src, s3 + i);
            FloatVector d4 = FloatVector.fromArray(S, src, s4 + i);
            FloatVector p = d1.add(d2);
            FloatVector q = d1.sub(d2);
            FloatVector u = d3.add(d4);
            FloatVector w = d3.sub(d4);
            FloatVector.fromArray(S, src, s0 + i).add(p).add(u).intoArray(dst, e0 + i);
            w.fma(two, q).intoArray(dst, e1 + i);
            u.fma(four, p).intoArray(dst, e2 + i);
            w.fma(eight, q).add(FloatVector.fromArray(S, src, s5 + i)).intoArray(dst, e3 + i);
        }
        for (; i < len; i++) {
            float d1 = src[s1 + i];
            float d2 = src[s2 + i];
            float d3 = src[s3 + i];
            float d4 = src[s4 + i];
            float p = d1 + d2;
            float q = d1 - d2;
            float u = d3 + d4;
            float w = d3 - d4;
            dst[e0 + i] = src[s0 + i] + p + u;
            dst[e1 + i] = Math.fma(w, 2f, q);
            dst[e2 + i] = Math.fma(u, 4f, p);
            dst[e3 + i] = Math.fma(w, 8f, q) + src[s5 + i];
        }
    }
}
