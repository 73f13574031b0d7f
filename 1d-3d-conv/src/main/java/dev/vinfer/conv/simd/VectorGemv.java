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
 *
 * <p>The work is cut into chunks of {@link #CHUNK} k steps whose sums are added to y: a kernel method is then
 * called hundreds of times per product, so HotSpot compiles it with C2 after a few model runs (vector code in a
 * method called once per layer stayed in C1, where every vector is an object, for hundreds of runs). The extra
 * loads and stores of y cost about 1/CHUNK of the weight traffic.
 */
final class VectorGemv {
    /** k steps per kernel call. */
    static final int CHUNK = 32;

    private VectorGemv() {
    }

    /** Arguments are assumed checked; {@code col0} is a multiple of {@code NR}. */
    static void multiply(float[] x, int xOff, VectorPacked b, int col0, int col1, float[] y, int yOff,
            boolean accumulate) {
        if (!accumulate) {
            java.util.Arrays.fill(y, yOff, yOff + col1 - col0, 0f);
        }
        int k = b.rows();
        int c = col0;
        for (; c < col1; ) {
            boolean four = c + 3 * NR < col1;
            for (int pc = 0; pc < k; pc += VectorGemm.KC) {
                int kc = Math.min(VectorGemm.KC, k - pc);
                int base = pc * b.paddedFree + c * kc;
                for (int q = 0; q < kc; q += CHUNK) {
                    int steps = Math.min(CHUNK, kc - q);
                    if (four) {
                        four(x, xOff + pc + q, b.data, base + q * NR, kc, steps, y, yOff + c - col0, col1 - c);
                    } else {
                        one(x, xOff + pc + q, b.data, base + q * NR, steps, y, yOff + c - col0, col1 - c);
                    }
                }
            }
            c += four ? 4 * NR : NR;
        }
    }

    /** Adds {@code steps} k steps of the four panels starting at {@code w[p0]} ({@code kc * NR} apart) to y. */
    private static void four(float[] x, int xo, float[] w, int p0, int kc, int steps, float[] y, int yo, int limit) {
        int p1 = p0 + NR * kc;
        int p2 = p1 + NR * kc;
        int p3 = p2 + NR * kc;
        FloatVector a00 = FloatVector.zero(S);
        FloatVector a01 = a00;
        FloatVector a10 = a00;
        FloatVector a11 = a00;
        FloatVector a20 = a00;
        FloatVector a21 = a00;
        FloatVector a30 = a00;
        FloatVector a31 = a00;
        for (int p = 0, o = 0; p < steps; p++, o += NR) {
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
        // Written out, no add(vector, y, ...) helper: in a JVM where C2 did not inline it (node-count cut-off,
        // "already compiled into a big method") every call boxed its vector.
        if (limit >= 4 * NR) {
            FloatVector.fromArray(S, y, yo).add(a00).intoArray(y, yo);
            FloatVector.fromArray(S, y, yo + L).add(a01).intoArray(y, yo + L);
            FloatVector.fromArray(S, y, yo + NR).add(a10).intoArray(y, yo + NR);
            FloatVector.fromArray(S, y, yo + NR + L).add(a11).intoArray(y, yo + NR + L);
            FloatVector.fromArray(S, y, yo + 2 * NR).add(a20).intoArray(y, yo + 2 * NR);
            FloatVector.fromArray(S, y, yo + 2 * NR + L).add(a21).intoArray(y, yo + 2 * NR + L);
            FloatVector.fromArray(S, y, yo + 3 * NR).add(a30).intoArray(y, yo + 3 * NR);
            FloatVector.fromArray(S, y, yo + 3 * NR + L).add(a31).intoArray(y, yo + 3 * NR + L);
            return;
        }
        float[] t = TAIL.get();
        a00.intoArray(t, 0);
        a01.intoArray(t, L);
        a10.intoArray(t, NR);
        a11.intoArray(t, NR + L);
        a20.intoArray(t, 2 * NR);
        a21.intoArray(t, 2 * NR + L);
        a30.intoArray(t, 3 * NR);
        a31.intoArray(t, 3 * NR + L);
        addTail(t, limit, y, yo);
    }

    /** The last columns' sums, spilled, for a y that ends inside the four panels (or the one). */
    private static final ThreadLocal<float[]> TAIL = ThreadLocal.withInitial(() -> new float[4 * NR]);

    private static void addTail(float[] t, int limit, float[] y, int yo) {
        for (int j = 0; j < limit; j++) {
            y[yo + j] += t[j];
        }
    }

    /** One panel; even and odd k steps in separate accumulators (two chains of half the length). */
    private static void one(float[] x, int xo, float[] w, int p0, int steps, float[] y, int yo, int limit) {
        FloatVector e0 = FloatVector.zero(S);
        FloatVector e1 = e0;
        FloatVector o0 = e0;
        FloatVector o1 = e0;
        int p = 0;
        for (; p + 1 < steps; p += 2) {
            int o = p0 + p * NR;
            FloatVector xe = FloatVector.broadcast(S, x[xo + p]);
            FloatVector xd = FloatVector.broadcast(S, x[xo + p + 1]);
            e0 = FloatVector.fromArray(S, w, o).fma(xe, e0);
            e1 = FloatVector.fromArray(S, w, o + L).fma(xe, e1);
            o0 = FloatVector.fromArray(S, w, o + NR).fma(xd, o0);
            o1 = FloatVector.fromArray(S, w, o + NR + L).fma(xd, o1);
        }
        if (p < steps) {
            int o = p0 + p * NR;
            FloatVector xe = FloatVector.broadcast(S, x[xo + p]);
            e0 = FloatVector.fromArray(S, w, o).fma(xe, e0);
            e1 = FloatVector.fromArray(S, w, o + L).fma(xe, e1);
        }
        if (limit >= NR) {
            FloatVector.fromArray(S, y, yo).add(e0.add(o0)).intoArray(y, yo);
            FloatVector.fromArray(S, y, yo + L).add(e1.add(o1)).intoArray(y, yo + L);
            return;
        }
        float[] t = TAIL.get();
        e0.add(o0).intoArray(t, 0);
        e1.add(o1).intoArray(t, L);
        addTail(t, limit, y, yo);
    }
}
