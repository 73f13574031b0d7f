package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The 1x1 convolution on channel-blocked (NCHWc) tensors ({@code dev.vinfer.conv.NchwcPointwiseConv}): a register
 * tile of {@link #R} pixels x 4, 2 or 1 output vectors runs over all input channels; per channel one weight vector
 * per output vector (packed side by side, {@code [C][group * 16]}) and one broadcast input value per pixel (pixel
 * p's channel k is at {@code x[(k / 16) * plane + p * 16 + k % 16]}). The residual, bias and clamp (Relu/Clip) are
 * applied in registers before the one store.
 *
 * <p>Order of the loops: pixel strips (whose input, {@code C x strip} floats, stays in L1) outside, output groups
 * inside, so each input value is read from memory once and each output written once; the group's weights come
 * from L2. A pixel tail shorter than a tile runs the same tile code with the missing pixels reading the last real
 * pixel again and not stored. With 8-lane vectors a block is two vectors; the output offsets of a tile's vectors
 * are passed explicitly, so the same code serves both widths.
 *
 * <p>No method here takes or returns a vector (project rule, bench/README.md "Convolution engine").
 */
final class NchwcPointwiseTiles {
    /** Pixels per register tile. */
    static final int R = 6;
    private static final int BLOCK = 16;
    /** Input floats a pixel strip may hold (24 KiB, within L1 with the weights streaming through). */
    private static final int STRIP_FLOATS = 6 * 1024;

    /** Below this many pixels the 6 x 2 tile is used (see {@link #group}). */
    private static final int SMALL_PLANE = 100;

    private NchwcPointwiseTiles() {
    }

    /**
     * Output blocks per packed weight group for a layer of {@code pixels} positions, chosen when it is prepared. At
     * 16 lanes 2 blocks (4 vectors, the 6 x 4 tile of 24 accumulators), except on small planes (7x7) where 1 block
     * (the 6 x 2 tile) measured faster (NchwcProbe, bench/README.md "NCHWc kernels"); at 8 lanes 1 block (2
     * vectors). {@code -Dvinfer.nchwcGroupBlocks} (1 to 4 blocks) overrides it, to compare.
     */
    static int group(int pixels) {
        Integer asked = Integer.getInteger("vinfer.nchwcGroupBlocks");
        if (asked != null) {
            return Math.max(1, Math.min(4, asked));
        }
        if (L < 16) {
            return 1;
        }
        return pixels >= SMALL_PLANE ? 4 : 2;
    }

    /** See {@code dev.vinfer.conv.Backend#nchwcPointwise}; arguments checked by the caller. */
    static void run(int c, int pixels, int outChannels, int group, float[] w, float[] bias, float[] x, int xOff,
            float[] res, int resDelta, float[] y, int yOff, int pxBegin, int pxEnd, int blockBegin, int blockEnd,
            float lo, float hi) {
        int outBlocks = Math.ceilDiv(outChannels, BLOCK);
        int plane = pixels * BLOCK;
        boolean clamp = lo > Float.NEGATIVE_INFINITY || hi < Float.POSITIVE_INFINITY;
        int strip = Math.max(R, Math.min(64 * R, STRIP_FLOATS / c / R * R));
        for (int s0 = pxBegin; s0 < pxEnd; s0 += strip) {
            int s1 = Math.min(pxEnd, s0 + strip);
            for (int gb = blockBegin; gb < blockEnd; gb += group) {
                int nb = Math.min(group, outBlocks - gb);
                int ld = nb * BLOCK;
                int vecs = ld / L;
                int v = 0;
                while (v < vecs) {
                    int take = vecs - v >= 4 ? 4 : vecs - v >= 2 ? 2 : 1;
                    int col = v * L;
                    int wOff = gb * c * BLOCK + col;
                    int bOff = gb * BLOCK + col;
                    int o0 = outOffset(gb, col, plane);
                    int d1 = outOffset(gb, col + L, plane) - o0;
                    int d2 = outOffset(gb, col + 2 * L, plane) - o0;
                    int d3 = outOffset(gb, col + 3 * L, plane) - o0;
                    // Channels from this tile's first column to the last real one: fewer than its width means pad
                    // lanes, zeroed after the store (their weights are zero, but Clip(lo > 0) or a NaN input
                    // would make them nonzero).
                    int valid = outChannels - (gb * BLOCK + col);
                    for (int p = s0; p < s1; p += R) {
                        int n = Math.min(R, s1 - p);
                        int xo = xOff + p * BLOCK;
                        int yo = yOff + o0 + p * BLOCK;
                        if (take == 4) {
                            tile4(c, w, wOff, ld, x, xo, plane, n, bias, bOff, res, resDelta, y, yo, d1, d2, d3,
                                    clamp, lo, hi);
                        } else if (take == 2) {
                            tile2(c, w, wOff, ld, x, xo, plane, n, bias, bOff, res, resDelta, y, yo, d1, clamp, lo,
                                    hi);
                        } else {
                            tile1(c, w, wOff, ld, x, xo, plane, n, bias, bOff, res, resDelta, y, yo, clamp, lo, hi);
                        }
                        if (valid < take * L) {
                            zeroPad(valid, take, y, yo, d1, d2, d3, n);
                        }
                    }
                    v += take;
                }
            }
        }
    }

    /** Offset in the image's output of column {@code col} of the group starting at block {@code gb}, pixel 0. */
    private static int outOffset(int gb, int col, int plane) {
        return (gb + col / BLOCK) * plane + col % BLOCK;
    }

    /** Zeroes the lanes from {@code valid} on of a tile's {@code take} vectors for its n pixels. */
    private static void zeroPad(int valid, int take, float[] y, int yo, int d1, int d2, int d3, int n) {
        for (int v = Math.max(0, valid / L); v < take; v++) {
            int d = v == 0 ? 0 : v == 1 ? d1 : v == 2 ? d2 : d3;
            int from = Math.max(0, valid - v * L);
            for (int j = 0; j < n; j++) {
                int o = yo + d + j * BLOCK;
                Arrays.fill(y, o + from, o + L, 0f);
            }
        }
    }

    /** Six pixels x four output vectors (24 accumulators). */
    private static void tile4(int c, float[] w, int wOff, int ld, float[] x, int xOff, int plane, int n,
            float[] bias, int bOff, float[] res, int resDelta, float[] y, int yOff, int d1, int d2, int d3,
            boolean clamp, float lo, float hi) {
        int q1 = Math.min(1, n - 1) * BLOCK;
        int q2 = Math.min(2, n - 1) * BLOCK;
        int q3 = Math.min(3, n - 1) * BLOCK;
        int q4 = Math.min(4, n - 1) * BLOCK;
        int q5 = Math.min(5, n - 1) * BLOCK;
        FloatVector a00 = FloatVector.zero(S);
        FloatVector a01 = a00;
        FloatVector a02 = a00;
        FloatVector a03 = a00;
        FloatVector a10 = a00;
        FloatVector a11 = a00;
        FloatVector a12 = a00;
        FloatVector a13 = a00;
        FloatVector a20 = a00;
        FloatVector a21 = a00;
        FloatVector a22 = a00;
        FloatVector a23 = a00;
        FloatVector a30 = a00;
        FloatVector a31 = a00;
        FloatVector a32 = a00;
        FloatVector a33 = a00;
        FloatVector a40 = a00;
        FloatVector a41 = a00;
        FloatVector a42 = a00;
        FloatVector a43 = a00;
        FloatVector a50 = a00;
        FloatVector a51 = a00;
        FloatVector a52 = a00;
        FloatVector a53 = a00;
        for (int k = 0; k < c; k++) {
            int wi = wOff + k * ld;
            FloatVector w0 = FloatVector.fromArray(S, w, wi);
            FloatVector w1 = FloatVector.fromArray(S, w, wi + L);
            FloatVector w2 = FloatVector.fromArray(S, w, wi + 2 * L);
            FloatVector w3 = FloatVector.fromArray(S, w, wi + 3 * L);
            int xi = xOff + (k >> 4) * plane + (k & 15);
            FloatVector b = FloatVector.broadcast(S, x[xi]);
            a00 = b.fma(w0, a00);
            a01 = b.fma(w1, a01);
            a02 = b.fma(w2, a02);
            a03 = b.fma(w3, a03);
            b = FloatVector.broadcast(S, x[xi + q1]);
            a10 = b.fma(w0, a10);
            a11 = b.fma(w1, a11);
            a12 = b.fma(w2, a12);
            a13 = b.fma(w3, a13);
            b = FloatVector.broadcast(S, x[xi + q2]);
            a20 = b.fma(w0, a20);
            a21 = b.fma(w1, a21);
            a22 = b.fma(w2, a22);
            a23 = b.fma(w3, a23);
            b = FloatVector.broadcast(S, x[xi + q3]);
            a30 = b.fma(w0, a30);
            a31 = b.fma(w1, a31);
            a32 = b.fma(w2, a32);
            a33 = b.fma(w3, a33);
            b = FloatVector.broadcast(S, x[xi + q4]);
            a40 = b.fma(w0, a40);
            a41 = b.fma(w1, a41);
            a42 = b.fma(w2, a42);
            a43 = b.fma(w3, a43);
            b = FloatVector.broadcast(S, x[xi + q5]);
            a50 = b.fma(w0, a50);
            a51 = b.fma(w1, a51);
            a52 = b.fma(w2, a52);
            a53 = b.fma(w3, a53);
        }
        int o0 = yOff;
        int o1 = yOff + d1;
        int o2 = yOff + d2;
        int o3 = yOff + d3;
        if (res != null) {
            // Pixels past n read the last real pixel's residual again (in bounds) and are not stored.
            int r0 = o0 + resDelta;
            int r1 = o1 + resDelta;
            int r2 = o2 + resDelta;
            int r3 = o3 + resDelta;
            a00 = a00.add(FloatVector.fromArray(S, res, r0));
            a01 = a01.add(FloatVector.fromArray(S, res, r1));
            a02 = a02.add(FloatVector.fromArray(S, res, r2));
            a03 = a03.add(FloatVector.fromArray(S, res, r3));
            a10 = a10.add(FloatVector.fromArray(S, res, r0 + q1));
            a11 = a11.add(FloatVector.fromArray(S, res, r1 + q1));
            a12 = a12.add(FloatVector.fromArray(S, res, r2 + q1));
            a13 = a13.add(FloatVector.fromArray(S, res, r3 + q1));
            a20 = a20.add(FloatVector.fromArray(S, res, r0 + q2));
            a21 = a21.add(FloatVector.fromArray(S, res, r1 + q2));
            a22 = a22.add(FloatVector.fromArray(S, res, r2 + q2));
            a23 = a23.add(FloatVector.fromArray(S, res, r3 + q2));
            a30 = a30.add(FloatVector.fromArray(S, res, r0 + q3));
            a31 = a31.add(FloatVector.fromArray(S, res, r1 + q3));
            a32 = a32.add(FloatVector.fromArray(S, res, r2 + q3));
            a33 = a33.add(FloatVector.fromArray(S, res, r3 + q3));
            a40 = a40.add(FloatVector.fromArray(S, res, r0 + q4));
            a41 = a41.add(FloatVector.fromArray(S, res, r1 + q4));
            a42 = a42.add(FloatVector.fromArray(S, res, r2 + q4));
            a43 = a43.add(FloatVector.fromArray(S, res, r3 + q4));
            a50 = a50.add(FloatVector.fromArray(S, res, r0 + q5));
            a51 = a51.add(FloatVector.fromArray(S, res, r1 + q5));
            a52 = a52.add(FloatVector.fromArray(S, res, r2 + q5));
            a53 = a53.add(FloatVector.fromArray(S, res, r3 + q5));
        }
        FloatVector b0 = FloatVector.fromArray(S, bias, bOff);
        FloatVector b1 = FloatVector.fromArray(S, bias, bOff + L);
        FloatVector b2 = FloatVector.fromArray(S, bias, bOff + 2 * L);
        FloatVector b3 = FloatVector.fromArray(S, bias, bOff + 3 * L);
        a00 = a00.add(b0);
        a01 = a01.add(b1);
        a02 = a02.add(b2);
        a03 = a03.add(b3);
        a10 = a10.add(b0);
        a11 = a11.add(b1);
        a12 = a12.add(b2);
        a13 = a13.add(b3);
        a20 = a20.add(b0);
        a21 = a21.add(b1);
        a22 = a22.add(b2);
        a23 = a23.add(b3);
        a30 = a30.add(b0);
        a31 = a31.add(b1);
        a32 = a32.add(b2);
        a33 = a33.add(b3);
        a40 = a40.add(b0);
        a41 = a41.add(b1);
        a42 = a42.add(b2);
        a43 = a43.add(b3);
        a50 = a50.add(b0);
        a51 = a51.add(b1);
        a52 = a52.add(b2);
        a53 = a53.add(b3);
        if (clamp) {
            // min(max(v, lo), hi) by compare and blend (NaN stays NaN), written out here: a clamp helper that C2
            // did not inline would box its vectors.
            FloatVector l = FloatVector.broadcast(S, lo);
            FloatVector h = FloatVector.broadcast(S, hi);
            a00 = a00.blend(l, a00.compare(VectorOperators.LT, l));
            a01 = a01.blend(l, a01.compare(VectorOperators.LT, l));
            a02 = a02.blend(l, a02.compare(VectorOperators.LT, l));
            a03 = a03.blend(l, a03.compare(VectorOperators.LT, l));
            a10 = a10.blend(l, a10.compare(VectorOperators.LT, l));
            a11 = a11.blend(l, a11.compare(VectorOperators.LT, l));
            a12 = a12.blend(l, a12.compare(VectorOperators.LT, l));
            a13 = a13.blend(l, a13.compare(VectorOperators.LT, l));
            a20 = a20.blend(l, a20.compare(VectorOperators.LT, l));
            a21 = a21.blend(l, a21.compare(VectorOperators.LT, l));
            a22 = a22.blend(l, a22.compare(VectorOperators.LT, l));
            a23 = a23.blend(l, a23.compare(VectorOperators.LT, l));
            a30 = a30.blend(l, a30.compare(VectorOperators.LT, l));
            a31 = a31.blend(l, a31.compare(VectorOperators.LT, l));
            a32 = a32.blend(l, a32.compare(VectorOperators.LT, l));
            a33 = a33.blend(l, a33.compare(VectorOperators.LT, l));
            a40 = a40.blend(l, a40.compare(VectorOperators.LT, l));
            a41 = a41.blend(l, a41.compare(VectorOperators.LT, l));
            a42 = a42.blend(l, a42.compare(VectorOperators.LT, l));
            a43 = a43.blend(l, a43.compare(VectorOperators.LT, l));
            a50 = a50.blend(l, a50.compare(VectorOperators.LT, l));
            a51 = a51.blend(l, a51.compare(VectorOperators.LT, l));
            a52 = a52.blend(l, a52.compare(VectorOperators.LT, l));
            a53 = a53.blend(l, a53.compare(VectorOperators.LT, l));
            a00 = a00.blend(h, a00.compare(VectorOperators.GT, h));
            a01 = a01.blend(h, a01.compare(VectorOperators.GT, h));
            a02 = a02.blend(h, a02.compare(VectorOperators.GT, h));
            a03 = a03.blend(h, a03.compare(VectorOperators.GT, h));
            a10 = a10.blend(h, a10.compare(VectorOperators.GT, h));
            a11 = a11.blend(h, a11.compare(VectorOperators.GT, h));
            a12 = a12.blend(h, a12.compare(VectorOperators.GT, h));
            a13 = a13.blend(h, a13.compare(VectorOperators.GT, h));
            a20 = a20.blend(h, a20.compare(VectorOperators.GT, h));
            a21 = a21.blend(h, a21.compare(VectorOperators.GT, h));
            a22 = a22.blend(h, a22.compare(VectorOperators.GT, h));
            a23 = a23.blend(h, a23.compare(VectorOperators.GT, h));
            a30 = a30.blend(h, a30.compare(VectorOperators.GT, h));
            a31 = a31.blend(h, a31.compare(VectorOperators.GT, h));
            a32 = a32.blend(h, a32.compare(VectorOperators.GT, h));
            a33 = a33.blend(h, a33.compare(VectorOperators.GT, h));
            a40 = a40.blend(h, a40.compare(VectorOperators.GT, h));
            a41 = a41.blend(h, a41.compare(VectorOperators.GT, h));
            a42 = a42.blend(h, a42.compare(VectorOperators.GT, h));
            a43 = a43.blend(h, a43.compare(VectorOperators.GT, h));
            a50 = a50.blend(h, a50.compare(VectorOperators.GT, h));
            a51 = a51.blend(h, a51.compare(VectorOperators.GT, h));
            a52 = a52.blend(h, a52.compare(VectorOperators.GT, h));
            a53 = a53.blend(h, a53.compare(VectorOperators.GT, h));
        }
        a00.intoArray(y, o0);
        a01.intoArray(y, o1);
        a02.intoArray(y, o2);
        a03.intoArray(y, o3);
        if (n > 1) {
            a10.intoArray(y, o0 + BLOCK);
            a11.intoArray(y, o1 + BLOCK);
            a12.intoArray(y, o2 + BLOCK);
            a13.intoArray(y, o3 + BLOCK);
        }
        if (n > 2) {
            a20.intoArray(y, o0 + 2 * BLOCK);
            a21.intoArray(y, o1 + 2 * BLOCK);
            a22.intoArray(y, o2 + 2 * BLOCK);
            a23.intoArray(y, o3 + 2 * BLOCK);
        }
        if (n > 3) {
            a30.intoArray(y, o0 + 3 * BLOCK);
            a31.intoArray(y, o1 + 3 * BLOCK);
            a32.intoArray(y, o2 + 3 * BLOCK);
            a33.intoArray(y, o3 + 3 * BLOCK);
        }
        if (n > 4) {
            a40.intoArray(y, o0 + 4 * BLOCK);
            a41.intoArray(y, o1 + 4 * BLOCK);
            a42.intoArray(y, o2 + 4 * BLOCK);
            a43.intoArray(y, o3 + 4 * BLOCK);
        }
        if (n > 5) {
            a50.intoArray(y, o0 + 5 * BLOCK);
            a51.intoArray(y, o1 + 5 * BLOCK);
            a52.intoArray(y, o2 + 5 * BLOCK);
            a53.intoArray(y, o3 + 5 * BLOCK);
        }
    }

    /** Six pixels x two output vectors (12 accumulators). */
    private static void tile2(int c, float[] w, int wOff, int ld, float[] x, int xOff, int plane, int n,
            float[] bias, int bOff, float[] res, int resDelta, float[] y, int yOff, int d1, boolean clamp, float lo,
            float hi) {
        int q1 = Math.min(1, n - 1) * BLOCK;
        int q2 = Math.min(2, n - 1) * BLOCK;
        int q3 = Math.min(3, n - 1) * BLOCK;
        int q4 = Math.min(4, n - 1) * BLOCK;
        int q5 = Math.min(5, n - 1) * BLOCK;
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
        for (int k = 0; k < c; k++) {
            int wi = wOff + k * ld;
            FloatVector w0 = FloatVector.fromArray(S, w, wi);
            FloatVector w1 = FloatVector.fromArray(S, w, wi + L);
            int xi = xOff + (k >> 4) * plane + (k & 15);
            FloatVector b = FloatVector.broadcast(S, x[xi]);
            a00 = b.fma(w0, a00);
            a01 = b.fma(w1, a01);
            b = FloatVector.broadcast(S, x[xi + q1]);
            a10 = b.fma(w0, a10);
            a11 = b.fma(w1, a11);
            b = FloatVector.broadcast(S, x[xi + q2]);
            a20 = b.fma(w0, a20);
            a21 = b.fma(w1, a21);
            b = FloatVector.broadcast(S, x[xi + q3]);
            a30 = b.fma(w0, a30);
            a31 = b.fma(w1, a31);
            b = FloatVector.broadcast(S, x[xi + q4]);
            a40 = b.fma(w0, a40);
            a41 = b.fma(w1, a41);
            b = FloatVector.broadcast(S, x[xi + q5]);
            a50 = b.fma(w0, a50);
            a51 = b.fma(w1, a51);
        }
        int o0 = yOff;
        int o1 = yOff + d1;
        if (res != null) {
            int r0 = o0 + resDelta;
            int r1 = o1 + resDelta;
            a00 = a00.add(FloatVector.fromArray(S, res, r0));
            a01 = a01.add(FloatVector.fromArray(S, res, r1));
            a10 = a10.add(FloatVector.fromArray(S, res, r0 + q1));
            a11 = a11.add(FloatVector.fromArray(S, res, r1 + q1));
            a20 = a20.add(FloatVector.fromArray(S, res, r0 + q2));
            a21 = a21.add(FloatVector.fromArray(S, res, r1 + q2));
            a30 = a30.add(FloatVector.fromArray(S, res, r0 + q3));
            a31 = a31.add(FloatVector.fromArray(S, res, r1 + q3));
            a40 = a40.add(FloatVector.fromArray(S, res, r0 + q4));
            a41 = a41.add(FloatVector.fromArray(S, res, r1 + q4));
            a50 = a50.add(FloatVector.fromArray(S, res, r0 + q5));
            a51 = a51.add(FloatVector.fromArray(S, res, r1 + q5));
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
        if (clamp) {
            FloatVector l = FloatVector.broadcast(S, lo);
            FloatVector h = FloatVector.broadcast(S, hi);
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
        }
        a00.intoArray(y, o0);
        a01.intoArray(y, o1);
        if (n > 1) {
            a10.intoArray(y, o0 + BLOCK);
            a11.intoArray(y, o1 + BLOCK);
        }
        if (n > 2) {
            a20.intoArray(y, o0 + 2 * BLOCK);
            a21.intoArray(y, o1 + 2 * BLOCK);
        }
        if (n > 3) {
            a30.intoArray(y, o0 + 3 * BLOCK);
            a31.intoArray(y, o1 + 3 * BLOCK);
        }
        if (n > 4) {
            a40.intoArray(y, o0 + 4 * BLOCK);
            a41.intoArray(y, o1 + 4 * BLOCK);
        }
        if (n > 5) {
            a50.intoArray(y, o0 + 5 * BLOCK);
            a51.intoArray(y, o1 + 5 * BLOCK);
        }
    }

    /** Six pixels x one output vector (a group's last vector: an odd block count at 16 lanes). */
    private static void tile1(int c, float[] w, int wOff, int ld, float[] x, int xOff, int plane, int n,
            float[] bias, int bOff, float[] res, int resDelta, float[] y, int yOff, boolean clamp, float lo,
            float hi) {
        int q1 = Math.min(1, n - 1) * BLOCK;
        int q2 = Math.min(2, n - 1) * BLOCK;
        int q3 = Math.min(3, n - 1) * BLOCK;
        int q4 = Math.min(4, n - 1) * BLOCK;
        int q5 = Math.min(5, n - 1) * BLOCK;
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        for (int k = 0; k < c; k++) {
            FloatVector w0 = FloatVector.fromArray(S, w, wOff + k * ld);
            int xi = xOff + (k >> 4) * plane + (k & 15);
            a0 = FloatVector.broadcast(S, x[xi]).fma(w0, a0);
            a1 = FloatVector.broadcast(S, x[xi + q1]).fma(w0, a1);
            a2 = FloatVector.broadcast(S, x[xi + q2]).fma(w0, a2);
            a3 = FloatVector.broadcast(S, x[xi + q3]).fma(w0, a3);
            a4 = FloatVector.broadcast(S, x[xi + q4]).fma(w0, a4);
            a5 = FloatVector.broadcast(S, x[xi + q5]).fma(w0, a5);
        }
        if (res != null) {
            int r0 = yOff + resDelta;
            a0 = a0.add(FloatVector.fromArray(S, res, r0));
            a1 = a1.add(FloatVector.fromArray(S, res, r0 + q1));
            a2 = a2.add(FloatVector.fromArray(S, res, r0 + q2));
            a3 = a3.add(FloatVector.fromArray(S, res, r0 + q3));
            a4 = a4.add(FloatVector.fromArray(S, res, r0 + q4));
            a5 = a5.add(FloatVector.fromArray(S, res, r0 + q5));
        }
        FloatVector b0 = FloatVector.fromArray(S, bias, bOff);
        a0 = a0.add(b0);
        a1 = a1.add(b0);
        a2 = a2.add(b0);
        a3 = a3.add(b0);
        a4 = a4.add(b0);
        a5 = a5.add(b0);
        if (clamp) {
            FloatVector l = FloatVector.broadcast(S, lo);
            FloatVector h = FloatVector.broadcast(S, hi);
            a0 = a0.blend(l, a0.compare(VectorOperators.LT, l));
            a1 = a1.blend(l, a1.compare(VectorOperators.LT, l));
            a2 = a2.blend(l, a2.compare(VectorOperators.LT, l));
            a3 = a3.blend(l, a3.compare(VectorOperators.LT, l));
            a4 = a4.blend(l, a4.compare(VectorOperators.LT, l));
            a5 = a5.blend(l, a5.compare(VectorOperators.LT, l));
            a0 = a0.blend(h, a0.compare(VectorOperators.GT, h));
            a1 = a1.blend(h, a1.compare(VectorOperators.GT, h));
            a2 = a2.blend(h, a2.compare(VectorOperators.GT, h));
            a3 = a3.blend(h, a3.compare(VectorOperators.GT, h));
            a4 = a4.blend(h, a4.compare(VectorOperators.GT, h));
            a5 = a5.blend(h, a5.compare(VectorOperators.GT, h));
        }
        a0.intoArray(y, yOff);
        if (n > 1) {
            a1.intoArray(y, yOff + BLOCK);
        }
        if (n > 2) {
            a2.intoArray(y, yOff + 2 * BLOCK);
        }
        if (n > 3) {
            a3.intoArray(y, yOff + 3 * BLOCK);
        }
        if (n > 4) {
            a4.intoArray(y, yOff + 4 * BLOCK);
        }
        if (n > 5) {
            a5.intoArray(y, yOff + 5 * BLOCK);
        }
    }
}
