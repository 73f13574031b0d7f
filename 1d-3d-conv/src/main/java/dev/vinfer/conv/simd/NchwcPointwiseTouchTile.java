package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The 1x1 register tile of {@code NchwcPointwiseTiles} (7 pixels x 2 output vectors) with a touch of the next
 * group's weights at every input channel ({@link TouchAhead}), for calls with few tiles per group, whose weights
 * arrive from memory: a copy rather than a flag because the two values the touch keeps live in the loop are past
 * what C2 holds in general registers there, and the spilled loop ran 20% slower with its weights in cache (256@28x28
 * alone: 0.81 against 0.66 ms).
 *
 * <p>No method here takes or returns a vector (project rule, bench/README.md "Convolution engine").
 */
final class NchwcPointwiseTouchTile {
    private static final int BLOCK = 16;

    private NchwcPointwiseTouchTile() {
    }

    /**
     * Seven pixels x two output vectors over all {@code c} input channels, as {@code NchwcPointwiseTiles.tile2} for a
     * whole tile ({@code n == 7}) and an even {@code c} (every block then runs whole pairs of channels), touching
     * {@code w[tp + k x ts]} at input channel k ({@link TouchAhead}).
     */
    static void tile(int c, float[] w, int wOff, int ld, float[] x, int xOff, int plane,
            float[] bias, int bOff, float[] res, int resDelta, float[] y, int yOff, int d1, boolean clamp, float lo,
            float hi, int tp, int ts) {
        // ld is 2 L at 16 and 8 lanes (see group): a constant C2 folds into the addressing (an imul per step with ld)
        int ldc = L >= 8 ? 2 * L : ld;
        float touched = 0;
        FloatVector a00 = FloatVector.zero(S);
        FloatVector a01 = a00;
        FloatVector a10 = a00;
        FloatVector a11 = a00;
        FloatVector a20 = a00;
        FloatVector a21 = a00;
        FloatVector a30 = a00;
        FloatVector a31 = a00;
        FloatVector a40 = a00;
        FloatVector a41 = a00;
        FloatVector a50 = a00;
        FloatVector a51 = a00;
        FloatVector a60 = a00;
        FloatVector a61 = a00;
        {
            for (int k0 = 0; k0 < c; k0 += BLOCK) {
                // Per block of 16 input channels, a loop of (at most) 16 the same for every layer: the compiled
                // loop then does not depend on which layer's channel count the JIT profiled first.
                int kn = Math.min(BLOCK, c - k0);
                int xk = xOff + (k0 >> 4) * plane;
                int wk = wOff + k0 * ldc;
                // Two channels a trip: on a core that issues two 16-lane FMAs a cycle (this Zen 5) the one-channel
                // loop's counter, compare and index arithmetic took FMA slots. This tile alone with its data in L1:
                // 178 -> 209 GFLOP/s (the same tile in C with intrinsics 220; four channels a trip 209); in the
                // networks 2-9% (bench/README.md, session 20). Larger tiles (7 x 3, 6 x 4, 8 x 3) compiled to
                // 78-142 GFLOP/s, C2 spilling their accumulators.
                // c even (see tile): whole pairs in every block
                for (int kk = 0; kk + 1 < kn; kk += 2) {
                    {
                        int wi = wk + kk * ldc;
                        FloatVector w0 = FloatVector.fromArray(S, w, wi);
                        FloatVector w1 = FloatVector.fromArray(S, w, wi + L);
                        touched += w[tp];
                        tp += ts;
                        int xi = xk + kk;
                        FloatVector b = FloatVector.broadcast(S, x[xi]);
                        a00 = b.fma(w0, a00);
                        a01 = b.fma(w1, a01);
                        b = FloatVector.broadcast(S, x[xi + 16]);
                        a10 = b.fma(w0, a10);
                        a11 = b.fma(w1, a11);
                        b = FloatVector.broadcast(S, x[xi + 32]);
                        a20 = b.fma(w0, a20);
                        a21 = b.fma(w1, a21);
                        b = FloatVector.broadcast(S, x[xi + 48]);
                        a30 = b.fma(w0, a30);
                        a31 = b.fma(w1, a31);
                        b = FloatVector.broadcast(S, x[xi + 64]);
                        a40 = b.fma(w0, a40);
                        a41 = b.fma(w1, a41);
                        b = FloatVector.broadcast(S, x[xi + 80]);
                        a50 = b.fma(w0, a50);
                        a51 = b.fma(w1, a51);
                        b = FloatVector.broadcast(S, x[xi + 96]);
                        a60 = b.fma(w0, a60);
                        a61 = b.fma(w1, a61);
                    }
                    {
                        int wi = wk + (kk + 1) * ldc;
                        FloatVector w0 = FloatVector.fromArray(S, w, wi);
                        FloatVector w1 = FloatVector.fromArray(S, w, wi + L);
                        touched += w[tp];
                        tp += ts;
                        int xi = xk + kk + 1;
                        FloatVector b = FloatVector.broadcast(S, x[xi]);
                        a00 = b.fma(w0, a00);
                        a01 = b.fma(w1, a01);
                        b = FloatVector.broadcast(S, x[xi + 16]);
                        a10 = b.fma(w0, a10);
                        a11 = b.fma(w1, a11);
                        b = FloatVector.broadcast(S, x[xi + 32]);
                        a20 = b.fma(w0, a20);
                        a21 = b.fma(w1, a21);
                        b = FloatVector.broadcast(S, x[xi + 48]);
                        a30 = b.fma(w0, a30);
                        a31 = b.fma(w1, a31);
                        b = FloatVector.broadcast(S, x[xi + 64]);
                        a40 = b.fma(w0, a40);
                        a41 = b.fma(w1, a41);
                        b = FloatVector.broadcast(S, x[xi + 80]);
                        a50 = b.fma(w0, a50);
                        a51 = b.fma(w1, a51);
                        b = FloatVector.broadcast(S, x[xi + 96]);
                        a60 = b.fma(w0, a60);
                        a61 = b.fma(w1, a61);
                    }
                }
            }
        }
        TouchAhead.keep(touched);
        int o0 = yOff;
        int o1 = yOff + d1;
        if (res != null) {
            int r0 = o0 + resDelta;
            int r1 = o1 + resDelta;
            a00 = a00.add(FloatVector.fromArray(S, res, r0));
            a01 = a01.add(FloatVector.fromArray(S, res, r1));
            a10 = a10.add(FloatVector.fromArray(S, res, r0 + 1 * BLOCK));
            a11 = a11.add(FloatVector.fromArray(S, res, r1 + 1 * BLOCK));
            a20 = a20.add(FloatVector.fromArray(S, res, r0 + 2 * BLOCK));
            a21 = a21.add(FloatVector.fromArray(S, res, r1 + 2 * BLOCK));
            a30 = a30.add(FloatVector.fromArray(S, res, r0 + 3 * BLOCK));
            a31 = a31.add(FloatVector.fromArray(S, res, r1 + 3 * BLOCK));
            a40 = a40.add(FloatVector.fromArray(S, res, r0 + 4 * BLOCK));
            a41 = a41.add(FloatVector.fromArray(S, res, r1 + 4 * BLOCK));
            a50 = a50.add(FloatVector.fromArray(S, res, r0 + 5 * BLOCK));
            a51 = a51.add(FloatVector.fromArray(S, res, r1 + 5 * BLOCK));
            a60 = a60.add(FloatVector.fromArray(S, res, r0 + 6 * BLOCK));
            a61 = a61.add(FloatVector.fromArray(S, res, r1 + 6 * BLOCK));
        }
        FloatVector b0 = FloatVector.fromArray(S, bias, bOff);
        FloatVector b1 = FloatVector.fromArray(S, bias, bOff + L);
        a00 = a00.add(b0);
        a01 = a01.add(b1);
        a10 = a10.add(b0);
        a11 = a11.add(b1);
        a20 = a20.add(b0);
        a21 = a21.add(b1);
        a30 = a30.add(b0);
        a31 = a31.add(b1);
        a40 = a40.add(b0);
        a41 = a41.add(b1);
        a50 = a50.add(b0);
        a51 = a51.add(b1);
        a60 = a60.add(b0);
        a61 = a61.add(b1);
        if (clamp && lo > Float.NEGATIVE_INFINITY) {
            // min(max(v, lo), hi) by compare and blend (NaN stays NaN), written out here: a clamp helper that C2
            // did not inline would box its vectors. Each bound only where it is finite: Relu has no upper one, and
            // its 14 compares (mask-register compares issue one a cycle) cost about 3% of a K = 64 tile.
            FloatVector l = FloatVector.broadcast(S, lo);
            a00 = a00.blend(l, a00.compare(VectorOperators.LT, l));
            a01 = a01.blend(l, a01.compare(VectorOperators.LT, l));
            a10 = a10.blend(l, a10.compare(VectorOperators.LT, l));
            a11 = a11.blend(l, a11.compare(VectorOperators.LT, l));
            a20 = a20.blend(l, a20.compare(VectorOperators.LT, l));
            a21 = a21.blend(l, a21.compare(VectorOperators.LT, l));
            a30 = a30.blend(l, a30.compare(VectorOperators.LT, l));
            a31 = a31.blend(l, a31.compare(VectorOperators.LT, l));
            a40 = a40.blend(l, a40.compare(VectorOperators.LT, l));
            a41 = a41.blend(l, a41.compare(VectorOperators.LT, l));
            a50 = a50.blend(l, a50.compare(VectorOperators.LT, l));
            a51 = a51.blend(l, a51.compare(VectorOperators.LT, l));
            a60 = a60.blend(l, a60.compare(VectorOperators.LT, l));
            a61 = a61.blend(l, a61.compare(VectorOperators.LT, l));
        }
        if (clamp && hi < Float.POSITIVE_INFINITY) {
            FloatVector h = FloatVector.broadcast(S, hi);
            a00 = a00.blend(h, a00.compare(VectorOperators.GT, h));
            a01 = a01.blend(h, a01.compare(VectorOperators.GT, h));
            a10 = a10.blend(h, a10.compare(VectorOperators.GT, h));
            a11 = a11.blend(h, a11.compare(VectorOperators.GT, h));
            a20 = a20.blend(h, a20.compare(VectorOperators.GT, h));
            a21 = a21.blend(h, a21.compare(VectorOperators.GT, h));
            a30 = a30.blend(h, a30.compare(VectorOperators.GT, h));
            a31 = a31.blend(h, a31.compare(VectorOperators.GT, h));
            a40 = a40.blend(h, a40.compare(VectorOperators.GT, h));
            a41 = a41.blend(h, a41.compare(VectorOperators.GT, h));
            a50 = a50.blend(h, a50.compare(VectorOperators.GT, h));
            a51 = a51.blend(h, a51.compare(VectorOperators.GT, h));
            a60 = a60.blend(h, a60.compare(VectorOperators.GT, h));
            a61 = a61.blend(h, a61.compare(VectorOperators.GT, h));
        }
        a00.intoArray(y, o0);
        a01.intoArray(y, o1);
        a10.intoArray(y, o0 + BLOCK);
        a11.intoArray(y, o1 + BLOCK);
        a20.intoArray(y, o0 + 2 * BLOCK);
        a21.intoArray(y, o1 + 2 * BLOCK);
        a30.intoArray(y, o0 + 3 * BLOCK);
        a31.intoArray(y, o1 + 3 * BLOCK);
        a40.intoArray(y, o0 + 4 * BLOCK);
        a41.intoArray(y, o1 + 4 * BLOCK);
        a50.intoArray(y, o0 + 5 * BLOCK);
        a51.intoArray(y, o1 + 5 * BLOCK);
        a60.intoArray(y, o0 + 6 * BLOCK);
        a61.intoArray(y, o1 + 6 * BLOCK);
    }
}
