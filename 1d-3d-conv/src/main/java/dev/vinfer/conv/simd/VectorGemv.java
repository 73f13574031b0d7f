package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.NR;
import static dev.vinfer.conv.simd.MicroKernel.S;

import jdk.incubator.vector.FloatVector;

/**
 * One row times a packed B (the fully-connected layer at batch 1), straight on {@link VectorPacked}'s panels: a
 * panel of {@code NR} columns is a contiguous stream of {@code kc * NR} floats per k-block, so every weight is read
 * once, in order, as whole vectors. Four panels run side by side (8 independent accumulators, enough to cover
 * the FMA latency; 4 streams for the prefetchers); the x value is broadcast once per k step. The GEMM's micro-kernel
 * would pad the single row to 6 and pack it, doing 6 times the arithmetic for the same memory traffic.
 */
final class VectorGemv {
    private VectorGemv() {
    }

    /** Arguments are assumed checked; {@code col0} is a multiple of {@code NR}. */
    static void multiply(float[] x, int xOff, VectorPacked b, int col0, int col1, float[] y, int yOff,
            boolean accumulate) {
        int k = b.rows();
        int c = col0;
        for (; c + 3 * NR < col1; c += 4 * NR) {
            four(x, xOff, k, b, c, col1 - c, y, yOff + c - col0, accumulate);
        }
        for (; c < col1; c += NR) {
            one(x, xOff, k, b, c, col1 - c, y, yOff + c - col0, accumulate);
        }
    }

    /** Panels at columns {@code c, c + NR, c + 2 NR, c + 3 NR}; {@code limit} columns of y are wanted from c. */
    private static void four(float[] x, int xOff, int k, VectorPacked b, int c, int limit, float[] y, int yo,
            boolean accumulate) {
        float[] w = b.data;
        FloatVector a00 = FloatVector.zero(S);
        FloatVector a01 = a00;
        FloatVector a10 = a00;
        FloatVector a11 = a00;
        FloatVector a20 = a00;
        FloatVector a21 = a00;
        FloatVector a30 = a00;
        FloatVector a31 = a00;
        for (int pc = 0; pc < k; pc += VectorGemm.KC) {
            int kc = Math.min(VectorGemm.KC, k - pc);
            int p0 = pc * b.paddedFree + c * kc;
            int p1 = p0 + NR * kc;
            int p2 = p1 + NR * kc;
            int p3 = p2 + NR * kc;
            int xo = xOff + pc;
            for (int p = 0, o = 0; p < kc; p++, o += NR) {
                FloatVector xv = FloatVector.broadcast(S, x[xo + p]);
                a00 = FloatVector.fromArray(S, w, p0 + o).fma(xv, a00);
                a01 = FloatVector.fromArray(S, w, p0 + o + L).fma(xv, a01);
                a10 = FloatVector.fromArray(S, w, p1 + o).fma(xv, a10);
                a11 = FloatVector.fromArray(S, w, p1 + o + L).fma(xv, a11);
                a20 = FloatVector.fromArray(S, w, p2 + o).fma(xv, a20);
                a21 = FloatVector.fromArray(S, w, p2 + o + L).fma(xv, a21);
                a30 = FloatVector.fromArray(S, w, p3 + o).fma(xv, a30);
                a31 = FloatVector.fromArray(S, w, p3 + o + L).fma(xv, a31);
            }
        }
        store(a00, y, yo, limit, accumulate);
        store(a01, y, yo + L, limit - L, accumulate);
        store(a10, y, yo + NR, limit - NR, accumulate);
        store(a11, y, yo + NR + L, limit - NR - L, accumulate);
        store(a20, y, yo + 2 * NR, limit - 2 * NR, accumulate);
        store(a21, y, yo + 2 * NR + L, limit - 2 * NR - L, accumulate);
        store(a30, y, yo + 3 * NR, limit - 3 * NR, accumulate);
        store(a31, y, yo + 3 * NR + L, limit - 3 * NR - L, accumulate);
    }

    /** One panel at column c; even and odd k steps in separate accumulators (two chains of half the length). */
    private static void one(float[] x, int xOff, int k, VectorPacked b, int c, int limit, float[] y, int yo,
            boolean accumulate) {
        float[] w = b.data;
        FloatVector e0 = FloatVector.zero(S);
        FloatVector e1 = e0;
        FloatVector o0 = e0;
        FloatVector o1 = e0;
        for (int pc = 0; pc < k; pc += VectorGemm.KC) {
            int kc = Math.min(VectorGemm.KC, k - pc);
            int p0 = pc * b.paddedFree + c * kc;
            int xo = xOff + pc;
            int p = 0;
            for (; p + 1 < kc; p += 2) {
                int o = p0 + p * NR;
                FloatVector xe = FloatVector.broadcast(S, x[xo + p]);
                FloatVector xd = FloatVector.broadcast(S, x[xo + p + 1]);
                e0 = FloatVector.fromArray(S, w, o).fma(xe, e0);
                e1 = FloatVector.fromArray(S, w, o + L).fma(xe, e1);
                o0 = FloatVector.fromArray(S, w, o + NR).fma(xd, o0);
                o1 = FloatVector.fromArray(S, w, o + NR + L).fma(xd, o1);
            }
            if (p < kc) {
                int o = p0 + p * NR;
                FloatVector xe = FloatVector.broadcast(S, x[xo + p]);
                e0 = FloatVector.fromArray(S, w, o).fma(xe, e0);
                e1 = FloatVector.fromArray(S, w, o + L).fma(xe, e1);
            }
        }
        store(e0.add(o0), y, yo, limit, accumulate);
        store(e1.add(o1), y, yo + L, limit - L, accumulate);
    }

    /** Writes (or adds) the first {@code min(L, wanted)} lanes of v to {@code y[yo...]}. */
    private static void store(FloatVector v, float[] y, int yo, int wanted, boolean accumulate) {
        if (wanted >= L) {
            (accumulate ? v.add(FloatVector.fromArray(S, y, yo)) : v).intoArray(y, yo);
            return;
        }
        for (int l = 0; l < wanted; l++) {
            y[yo + l] = accumulate ? y[yo + l] + v.lane(l) : v.lane(l);
        }
    }
}
