package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The rows of {@code dev.vinfer.conv.NchwcStemConv} (see {@code Backend#nchwcStemRow}): a network's first
 * convolution (3 input channels, read from the NCHW input) written straight into the channel-blocked layout. A
 * register tile is {@link #R} pixels of an output row x 2 output vectors (32 channels at 16 lanes); one loop runs
 * over the whole reduction (input channel x kernel tap: 27 steps for a 3x3 stem, 147 for ResNet's 7x7), each step
 * loading two weight vectors and broadcasting the tile's 7 input values, which lie side by side in the phase-split
 * input at any stride. Bias and clamp (Relu/Clip) in registers, one store per vector.
 *
 * <p>Why not the blocked direct kernel ({@code NchwcDirectTiles}): it loops over the 16 lanes of an input block
 * inside each tap, 3 steps per loop entry for a stem, and ran at 32-82 GFLOP/s on the stems against 104-172 for the
 * NCHW stem kernel (NchwcProbe, session 13).
 *
 * <p>A row's short last tile runs as a whole tile ending at the row's end (its first pixels, the previous tile's,
 * are stored again with the same values); rows narrower than a tile run pixel by pixel. No method here takes or
 * returns a vector (project rule, bench/README.md "Convolution engine").
 */
final class NchwcStemTiles {
    /** Pixels per register tile: 7 x 2 vectors, 14 accumulators (the blocked direct and 1x1 kernels' tile). */
    static final int R = 7;
    private static final int BLOCK = 16;

    private NchwcStemTiles() {
    }

    /** See {@code dev.vinfer.conv.Backend#nchwcStemRow}. */
    static void row(int depth, int outBlocks, float[] w, int wOff, float[] bias, float[] src, int srcOff,
            int[] tapOff, int outW, float[] y, int yOff, int plane, int blockBegin, int blockEnd, float lo, float hi) {
        int colEnd = blockEnd * BLOCK;
        for (int col = blockBegin * BLOCK; col < colEnd;) {
            // weights packed by pairs of blocks, [pair][depth][32] (a last odd block [depth][16]): a tile's weight
            // rows are ld floats apart, a constant for the 16-lane tile of two vectors (a whole pair)
            int b = col / BLOCK;
            int g0 = b / 2 * 2;
            int ld = Math.min(2, outBlocks - g0) * BLOCK;
            int wBase = wOff + g0 * depth * BLOCK + col - g0 * BLOCK;
            boolean two = colEnd - col >= 2 * L && (L < BLOCK || b == g0);
            int o0 = yOff + col / BLOCK * plane * BLOCK + col % BLOCK;
            int c1 = col + L;
            int o1 = yOff + c1 / BLOCK * plane * BLOCK + c1 % BLOCK;
            if (outW >= R) {
                for (int ox = 0; ox < outW; ox += R) {
                    int at = Math.min(ox, outW - R);
                    if (two) {
                        tile2(depth, ld, w, wBase, bias, col, src, srcOff + at, tapOff, y, o0 + at * BLOCK,
                                o1 + at * BLOCK, lo, hi);
                    } else {
                        tile1(depth, ld, w, wBase, bias, col, src, srcOff + at, tapOff, y, o0 + at * BLOCK, lo, hi);
                    }
                }
            } else {
                for (int ox = 0; ox < outW; ox++) {
                    pixel(depth, ld, w, wBase, bias, col, src, srcOff + ox, tapOff, y, o0 + ox * BLOCK, lo, hi);
                    if (two) {
                        pixel(depth, ld, w, wBase + L, bias, c1, src, srcOff + ox, tapOff, y, o1 + ox * BLOCK, lo,
                                hi);
                    }
                }
            }
            col += two ? 2 * L : L;
        }
    }

    /** Seven pixels x two vectors (columns {@code col} and {@code col + L}). */
    private static void tile2(int depth, int ld, float[] w, int wBase, float[] bias, int col, float[] src,
            int srcOff, int[] tapOff, float[] y, int o0, int o1, float lo, float hi) {
        // a whole pair of blocks at 16 lanes: rows of 2 L floats, a constant C2 folds into the addressing
        int ldc = L >= BLOCK ? 2 * L : ld;
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
        int k = 0;
        // Three steps a trip (the 1x1 tile takes two, NchwcPointwiseTiles.tile2): a stem's steps each load a tap
        // offset and range-check it, and its loop counter, compare and safepoint poll then come once per 42 FMAs.
        // 3x3 stems have 27 steps, ResNet's 7x7 147. Session 23, inside the networks (FamilyProfile, the stem and
        // its pool as one node): ResNet-18's 1.91-2.14 -> 1.73-1.77 ms, SqueezeNet's 0.55-0.56 -> 0.51-0.52.
        for (; k + 2 < depth; k += 3) {
            {
                int wk = wBase + k * ldc;
                FloatVector w0 = FloatVector.fromArray(S, w, wk);
                FloatVector w1 = FloatVector.fromArray(S, w, wk + L);
                int xi = srcOff + tapOff[k];
                FloatVector b = FloatVector.broadcast(S, src[xi]);
                a00 = b.fma(w0, a00);
                a01 = b.fma(w1, a01);
                b = FloatVector.broadcast(S, src[xi + 1]);
                a10 = b.fma(w0, a10);
                a11 = b.fma(w1, a11);
                b = FloatVector.broadcast(S, src[xi + 2]);
                a20 = b.fma(w0, a20);
                a21 = b.fma(w1, a21);
                b = FloatVector.broadcast(S, src[xi + 3]);
                a30 = b.fma(w0, a30);
                a31 = b.fma(w1, a31);
                b = FloatVector.broadcast(S, src[xi + 4]);
                a40 = b.fma(w0, a40);
                a41 = b.fma(w1, a41);
                b = FloatVector.broadcast(S, src[xi + 5]);
                a50 = b.fma(w0, a50);
                a51 = b.fma(w1, a51);
                b = FloatVector.broadcast(S, src[xi + 6]);
                a60 = b.fma(w0, a60);
                a61 = b.fma(w1, a61);
            }
            {
                int wk = wBase + (k + 1) * ldc;
                FloatVector w0 = FloatVector.fromArray(S, w, wk);
                FloatVector w1 = FloatVector.fromArray(S, w, wk + L);
                int xi = srcOff + tapOff[k + 1];
                FloatVector b = FloatVector.broadcast(S, src[xi]);
                a00 = b.fma(w0, a00);
                a01 = b.fma(w1, a01);
                b = FloatVector.broadcast(S, src[xi + 1]);
                a10 = b.fma(w0, a10);
                a11 = b.fma(w1, a11);
                b = FloatVector.broadcast(S, src[xi + 2]);
                a20 = b.fma(w0, a20);
                a21 = b.fma(w1, a21);
                b = FloatVector.broadcast(S, src[xi + 3]);
                a30 = b.fma(w0, a30);
                a31 = b.fma(w1, a31);
                b = FloatVector.broadcast(S, src[xi + 4]);
                a40 = b.fma(w0, a40);
                a41 = b.fma(w1, a41);
                b = FloatVector.broadcast(S, src[xi + 5]);
                a50 = b.fma(w0, a50);
                a51 = b.fma(w1, a51);
                b = FloatVector.broadcast(S, src[xi + 6]);
                a60 = b.fma(w0, a60);
                a61 = b.fma(w1, a61);
            }
            {
                int wk = wBase + (k + 2) * ldc;
                FloatVector w0 = FloatVector.fromArray(S, w, wk);
                FloatVector w1 = FloatVector.fromArray(S, w, wk + L);
                int xi = srcOff + tapOff[k + 2];
                FloatVector b = FloatVector.broadcast(S, src[xi]);
                a00 = b.fma(w0, a00);
                a01 = b.fma(w1, a01);
                b = FloatVector.broadcast(S, src[xi + 1]);
                a10 = b.fma(w0, a10);
                a11 = b.fma(w1, a11);
                b = FloatVector.broadcast(S, src[xi + 2]);
                a20 = b.fma(w0, a20);
                a21 = b.fma(w1, a21);
                b = FloatVector.broadcast(S, src[xi + 3]);
                a30 = b.fma(w0, a30);
                a31 = b.fma(w1, a31);
                b = FloatVector.broadcast(S, src[xi + 4]);
                a40 = b.fma(w0, a40);
                a41 = b.fma(w1, a41);
                b = FloatVector.broadcast(S, src[xi + 5]);
                a50 = b.fma(w0, a50);
                a51 = b.fma(w1, a51);
                b = FloatVector.broadcast(S, src[xi + 6]);
                a60 = b.fma(w0, a60);
                a61 = b.fma(w1, a61);
            }
        }
        for (; k < depth; k++) {
            int wk = wBase + k * ldc;
            FloatVector w0 = FloatVector.fromArray(S, w, wk);
            FloatVector w1 = FloatVector.fromArray(S, w, wk + L);
            int xi = srcOff + tapOff[k];
            FloatVector b = FloatVector.broadcast(S, src[xi]);
            a00 = b.fma(w0, a00);
            a01 = b.fma(w1, a01);
            b = FloatVector.broadcast(S, src[xi + 1]);
            a10 = b.fma(w0, a10);
            a11 = b.fma(w1, a11);
            b = FloatVector.broadcast(S, src[xi + 2]);
            a20 = b.fma(w0, a20);
            a21 = b.fma(w1, a21);
            b = FloatVector.broadcast(S, src[xi + 3]);
            a30 = b.fma(w0, a30);
            a31 = b.fma(w1, a31);
            b = FloatVector.broadcast(S, src[xi + 4]);
            a40 = b.fma(w0, a40);
            a41 = b.fma(w1, a41);
            b = FloatVector.broadcast(S, src[xi + 5]);
            a50 = b.fma(w0, a50);
            a51 = b.fma(w1, a51);
            b = FloatVector.broadcast(S, src[xi + 6]);
            a60 = b.fma(w0, a60);
            a61 = b.fma(w1, a61);
        }
        FloatVector b0 = FloatVector.fromArray(S, bias, col);
        FloatVector b1 = FloatVector.fromArray(S, bias, col + L);
        FloatVector l = FloatVector.broadcast(S, lo);
        FloatVector h = FloatVector.broadcast(S, hi);
        // bias, then min(max(v, lo), hi) by compare and blend (NaN stays NaN), each bound only where it is finite
        // (a 3x3 stem's Relu: 14 needless compares against a 27-step reduction), written out: a helper C2 did not
        // inline would box its vectors
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
        if (lo > Float.NEGATIVE_INFINITY) {
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
        if (hi < Float.POSITIVE_INFINITY) {
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

    /** Seven pixels x one vector (a last odd vector of columns). */
    private static void tile1(int depth, int ld, float[] w, int wBase, float[] bias, int col, float[] src,
            int srcOff, int[] tapOff, float[] y, int o0, float lo, float hi) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        int k = 0;
        // two channels a trip: see NchwcPointwiseTiles.tile2
        for (; k + 1 < depth; k += 2) {
            {
                FloatVector w0 = FloatVector.fromArray(S, w, wBase + k * ld);
                int xi = srcOff + tapOff[k];
                a0 = FloatVector.broadcast(S, src[xi]).fma(w0, a0);
                a1 = FloatVector.broadcast(S, src[xi + 1]).fma(w0, a1);
                a2 = FloatVector.broadcast(S, src[xi + 2]).fma(w0, a2);
                a3 = FloatVector.broadcast(S, src[xi + 3]).fma(w0, a3);
                a4 = FloatVector.broadcast(S, src[xi + 4]).fma(w0, a4);
                a5 = FloatVector.broadcast(S, src[xi + 5]).fma(w0, a5);
                a6 = FloatVector.broadcast(S, src[xi + 6]).fma(w0, a6);
            }
            {
                FloatVector w0 = FloatVector.fromArray(S, w, wBase + (k + 1) * ld);
                int xi = srcOff + tapOff[k + 1];
                a0 = FloatVector.broadcast(S, src[xi]).fma(w0, a0);
                a1 = FloatVector.broadcast(S, src[xi + 1]).fma(w0, a1);
                a2 = FloatVector.broadcast(S, src[xi + 2]).fma(w0, a2);
                a3 = FloatVector.broadcast(S, src[xi + 3]).fma(w0, a3);
                a4 = FloatVector.broadcast(S, src[xi + 4]).fma(w0, a4);
                a5 = FloatVector.broadcast(S, src[xi + 5]).fma(w0, a5);
                a6 = FloatVector.broadcast(S, src[xi + 6]).fma(w0, a6);
            }
        }
        for (; k < depth; k++) {
            FloatVector w0 = FloatVector.fromArray(S, w, wBase + k * ld);
            int xi = srcOff + tapOff[k];
            a0 = FloatVector.broadcast(S, src[xi]).fma(w0, a0);
            a1 = FloatVector.broadcast(S, src[xi + 1]).fma(w0, a1);
            a2 = FloatVector.broadcast(S, src[xi + 2]).fma(w0, a2);
            a3 = FloatVector.broadcast(S, src[xi + 3]).fma(w0, a3);
            a4 = FloatVector.broadcast(S, src[xi + 4]).fma(w0, a4);
            a5 = FloatVector.broadcast(S, src[xi + 5]).fma(w0, a5);
            a6 = FloatVector.broadcast(S, src[xi + 6]).fma(w0, a6);
        }
        FloatVector b0 = FloatVector.fromArray(S, bias, col);
        FloatVector l = FloatVector.broadcast(S, lo);
        FloatVector h = FloatVector.broadcast(S, hi);
        a0 = a0.add(b0);
        a1 = a1.add(b0);
        a2 = a2.add(b0);
        a3 = a3.add(b0);
        a4 = a4.add(b0);
        a5 = a5.add(b0);
        a6 = a6.add(b0);
        if (lo > Float.NEGATIVE_INFINITY) {
            a0 = a0.blend(l, a0.compare(VectorOperators.LT, l));
            a1 = a1.blend(l, a1.compare(VectorOperators.LT, l));
            a2 = a2.blend(l, a2.compare(VectorOperators.LT, l));
            a3 = a3.blend(l, a3.compare(VectorOperators.LT, l));
            a4 = a4.blend(l, a4.compare(VectorOperators.LT, l));
            a5 = a5.blend(l, a5.compare(VectorOperators.LT, l));
            a6 = a6.blend(l, a6.compare(VectorOperators.LT, l));
        }
        if (hi < Float.POSITIVE_INFINITY) {
            a0 = a0.blend(h, a0.compare(VectorOperators.GT, h));
            a1 = a1.blend(h, a1.compare(VectorOperators.GT, h));
            a2 = a2.blend(h, a2.compare(VectorOperators.GT, h));
            a3 = a3.blend(h, a3.compare(VectorOperators.GT, h));
            a4 = a4.blend(h, a4.compare(VectorOperators.GT, h));
            a5 = a5.blend(h, a5.compare(VectorOperators.GT, h));
            a6 = a6.blend(h, a6.compare(VectorOperators.GT, h));
        }
        a0.intoArray(y, o0);
        a1.intoArray(y, o0 + BLOCK);
        a2.intoArray(y, o0 + 2 * BLOCK);
        a3.intoArray(y, o0 + 3 * BLOCK);
        a4.intoArray(y, o0 + 4 * BLOCK);
        a5.intoArray(y, o0 + 5 * BLOCK);
        a6.intoArray(y, o0 + 6 * BLOCK);
    }

    /** One pixel x one vector (rows narrower than a tile). */
    private static void pixel(int depth, int ld, float[] w, int wBase, float[] bias, int col, float[] src,
            int srcOff, int[] tapOff, float[] y, int o0, float lo, float hi) {
        FloatVector a = FloatVector.zero(S);
        int k = 0;
        // two channels a trip: see NchwcPointwiseTiles.tile2
        for (; k + 1 < depth; k += 2) {
            {
                a = FloatVector.broadcast(S, src[srcOff + tapOff[k]])
                        .fma(FloatVector.fromArray(S, w, wBase + k * ld), a);
            }
            {
                a = FloatVector.broadcast(S, src[srcOff + tapOff[k + 1]])
                        .fma(FloatVector.fromArray(S, w, wBase + (k + 1) * ld), a);
            }
        }
        for (; k < depth; k++) {
            a = FloatVector.broadcast(S, src[srcOff + tapOff[k]]).fma(FloatVector.fromArray(S, w, wBase + k * ld), a);
        }
        a = a.add(FloatVector.fromArray(S, bias, col));
        FloatVector l = FloatVector.broadcast(S, lo);
        FloatVector h = FloatVector.broadcast(S, hi);
        if (lo > Float.NEGATIVE_INFINITY) {
            a = a.blend(l, a.compare(VectorOperators.LT, l));
        }
        if (hi < Float.POSITIVE_INFINITY) {
            a = a.blend(h, a.compare(VectorOperators.GT, h));
        }
        a.intoArray(y, o0);
    }
}
