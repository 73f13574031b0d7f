package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import dev.vinfer.conv.ConvGeometry;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The 2-D convolution on channel-blocked (NCHWc) tensors ({@code dev.vinfer.conv.NchwcDirectConv}) on an input the
 * caller padded: a register tile of {@link #R} output pixels along one output row x 2 (or 1) output vectors runs
 * over the input blocks, the kernel taps and the 16 lanes of each block; per step one weight vector per output
 * vector (packed in the order read, {@code dev.vinfer.conv.Backend#nchwcDirect}) and one broadcast input value per
 * pixel, the pixels {@code stride * 16} floats apart in the padded row. The residual, bias and clamp (Relu/Clip)
 * are applied in registers before the one store.
 *
 * <p>Order of the loops: bands of output rows whose input stays in L2 ({@link #BAND_FLOATS}), then output groups,
 * then the band's rows and their tiles, so a group's weights ({@code C x taps x 32} floats) are re-read from L1/L2
 * per tile and from memory once per band; each tile of a pass also touches a slice of the chunk read next
 * ({@link TouchAhead}), so that chunk arrives while the pass computes. A row's short last tile runs as a whole tile
 * ending at the row's end whose first pixels (the previous tile's) are not stored: the short-tile loop (clamped,
 * variable offsets) ran at about half speed, and 13-wide rows are half short tiles. Only rows narrower than a tile
 * run it, the missing pixels reading the last real pixel again and not stored.
 *
 * <p>A tile's weight rows are {@code ld} apart, which is {@code 2 L} for {@link #tile2} and {@code L} for
 * {@link NchwcDirectTile7x1} at 16 lanes (groups of 2 blocks, a last odd block alone) and {@code 2 L} at 8 (one block
 * of two vectors): the tiles use those constants, which C2 folds into the addressing (4-8% in one paired run, within
 * noise), and {@code ld} itself only at narrower vectors.
 *
 * <p>No method here takes or returns a vector (project rule, bench/README.md "Convolution engine").
 */
final class NchwcDirectTiles {
    /**
     * Output pixels per register tile: 7 x 2 vectors, the pointwise kernel's tile; 28, 14 and 7 wide rows fit.
     * Vector values flow without branches outside the loops (accumulators start from y or from {@link #ZEROS}; the
     * residual, bias and clamp always apply, with zeros and infinite bounds where they do not): with
     * {@code if (kb0 > 0) { loads }} and {@code if (last) { adds }} blocks, the first C2 compile of the tile ran 4x
     * slower (33 against 136 GFLOP/s) when a 256-channel 3x3/2 layer ran first, and fast after a recompile
     * (NchwcProbe, session 11). A 7 x 3 tile (21 accumulators, 3 weight vectors a step), branch-free too, ran
     * at 45-90 GFLOP/s against 120-160 for this one (C2 spilling, presumably).
     */
    static final int R = 7;
    private static final int BLOCK = 16;
    /** The zeros a tile starts from, or adds as residual and bias, where there is none: never written. */
    static final float[] ZEROS = new float[64];
    /** Input floats of a band of output rows, kept in L2 while every output group runs over the band. */
    private static final int BAND_FLOATS = 64 * 1024;
    /**
     * Weight floats of a chunk of input blocks (one block of a 3x3 layer at 32 output channels, 18 KiB): the chunk
     * stays in L1 while every tile of a pass of {@link #PASS_TILES} tiles runs over it. Streaming a group's whole
     * weights (73 KiB at 64 input channels) through L1 per tile ran 10-17% slower than weights held in L1.
     */
    private static final int CHUNK_FLOATS = 6 * 1024;
    /** Tiles of a pass (whole output rows): the tiles that share a weight chunk's trip into L1. */
    private static final int PASS_TILES = 8;

    private NchwcDirectTiles() {
    }

    /** Output blocks per packed weight group: 2 at 16 lanes (the 7 x 2 tile), 1 (two 8-lane vectors) at 8. */
    static int group() {
        return L < 16 ? 1 : 2;
    }

    /**
     * See {@code dev.vinfer.conv.Backend#nchwcDirect} (its {@code wOff} is {@code wBase} here: {@code wOff} names a
     * tile's own offset below); arguments checked by the caller.
     */
    static void run(ConvGeometry g, int rows, int cols, int group, float[] w, int wBase, float[] bias, float[] x,
            int xOff, float[] res, int resDelta, float[] y, int yOff, int rowBegin, int rowEnd, int blockBegin,
            int blockEnd, float lo, float hi) {
        int c = g.inChannels();
        int outChannels = g.outChannels();
        int outBlocks = Math.ceilDiv(outChannels, BLOCK);
        int oh = g.outputDim(0);
        int ow = g.outputDim(1);
        int taps = g.kernelSize();
        int outPlane = oh * ow * BLOCK;
        int rowFloats = cols * BLOCK;
        int sh = g.stride(0);
        int sw = g.stride(1);
        int pc = cols / sw;
        boolean clamp = lo > Float.NEGATIVE_INFINITY || hi < Float.POSITIVE_INFINITY;
        int inBlocks = Math.ceilDiv(c, BLOCK);
        int band = Math.max(1, BAND_FLOATS / (inBlocks * sh * rowFloats));
        int passRows = Math.ceilDiv(PASS_TILES, Math.ceilDiv(ow, R));
        for (int r0 = rowBegin; r0 < rowEnd; r0 += band) {
            int r1 = Math.min(rowEnd, r0 + band);
            for (int gb = blockBegin; gb < blockEnd; gb += group) {
                int nb = Math.min(group, outBlocks - gb);
                int ld = nb * BLOCK;
                int vecs = ld / L;
                int chunk = Math.max(1, CHUNK_FLOATS / (BLOCK * taps * ld));
                int v = 0;
                while (v < vecs) {
                    int take = vecs - v >= 2 ? 2 : 1;
                    int col = v * L;
                    int wOff = wBase + gb * c * taps * BLOCK + col;
                    int bOff = gb * BLOCK + col;
                    int o0 = (gb + col / BLOCK) * outPlane + col % BLOCK;
                    int d1 = (gb + (col + L) / BLOCK) * outPlane + (col + L) % BLOCK - o0;
                    // Channels from this tile's first column to the last real one: fewer than its width means pad
                    // lanes, zeroed after the store (their weights are zero, but Clip(lo > 0) or an infinite input
                    // would make them nonzero).
                    int valid = outChannels - (gb * BLOCK + col);
                    // Passes of a few rows: a chunk of input blocks (its weights in L1) runs over every tile of
                    // the pass before the next chunk, the partial sums kept in the output (L1) in between.
                    for (int ra = r0; ra < r1; ra += passRows) {
                        int rb = Math.min(r1, ra + passRows);
                        int tiles = (rb - ra) * Math.ceilDiv(ow, R);
                        for (int kb = 0; kb < inBlocks; kb += chunk) {
                            int ke = Math.min(inBlocks, kb + chunk);
                            boolean last = ke == inBlocks;
                            // The weights read after this chunk's (packed next in memory), touched a slice a tile
                            // so that they arrive while the pass computes from this chunk in L1.
                            int steps = (Math.min(c, ke * BLOCK) - Math.min(c, kb * BLOCK)) * taps;
                            int nextLo = wBase + gb * c * taps * BLOCK + Math.min(c, ke * BLOCK) * taps * ld;
                            int ts = TouchAhead.stride(Math.min(w.length - nextLo, steps * ld), tiles, steps);
                            int tile = 0;
                            for (int oy = ra; oy < rb; oy++) {
                                int xr = xOff + oy * sh * rowFloats;
                                for (int ox = 0; ox < ow; ox += R) {
                                    int n = Math.min(R, ow - ox);
                                    // A row's short last tile, in a row of at least R: a whole tile ending at the
                                    // row's end, its first R - n pixels (the previous tile's) computed, not stored.
                                    int skip = n < R && ow >= R ? R - n : 0;
                                    int xo = xr + (ox - skip) * BLOCK;
                                    int yo = yOff + o0 + (oy * ow + ox - skip) * BLOCK;
                                    int tp = TouchAhead.start(nextLo, tile, steps, ts, w.length);
                                    int tStep = tp < 0 ? 0 : ts;
                                    tp = Math.max(0, tp);
                                    if (take == 2) {
                                        tile2(g, rows, rowFloats, pc, kb, ke, w, wOff, ld, x, xo, n + skip, skip, bias,
                                                bOff, res, resDelta, y, yo, d1, clamp, lo, hi, tp, tStep);
                                    } else {
                                        NchwcDirectTile7x1.tile(g, rows, rowFloats, pc, kb, ke, w, wOff, ld, x, xo,
                                                n + skip, skip, bias, bOff, res, resDelta, y, yo, clamp, lo, hi, tp,
                                                tStep);
                                    }
                                    tile++;
                                    if (last && valid < take * L) {
                                        zeroPad(valid, take, y, yo + skip * BLOCK, d1, n);
                                    }
                                }
                            }
                        }
                    }
                    v += take;
                }
            }
        }
    }

    /** Zeroes the lanes from {@code valid} on of a tile's {@code take} vectors for its n pixels. */
    private static void zeroPad(int valid, int take, float[] y, int yo, int d1, int n) {
        for (int v = Math.max(0, valid / L); v < take; v++) {
            int d = v == 0 ? 0 : d1;
            int from = Math.max(0, valid - v * L);
            for (int j = 0; j < n; j++) {
                int o = yo + d + j * BLOCK;
                Arrays.fill(y, o + from, o + L, 0f);
            }
        }
    }

    /** Seven pixels x two output vectors (14 accumulators). */
    private static void tile2(ConvGeometry g, int rows, int rowFloats, int pc, int kb0, int kb1, float[] w,
            int wOff, int ld, float[] x, int xOff, int n, int skip, float[] bias, int bOff, float[] res, int resDelta,
            float[] y, int yOff, int d1, boolean clamp, float lo, float hi, int tp, int ts) {
        int c = g.inChannels();
        int kh = g.kernel(0);
        int kw = g.kernel(1);
        int dy = g.dilation(0) * rowFloats;
        int dw = g.dilation(1);
        int sw = g.stride(1);
        int blockFloats = rows * rowFloats;
        int kEnd = Math.min(c, kb1 * BLOCK);
        // 2 L at 16 and 8 lanes, a constant C2 folds (narrower vectors: the packed width)
        int ldc = L >= 8 ? 2 * L : ld;
        int q1 = Math.min(1, n - 1) * BLOCK;
        int q2 = Math.min(2, n - 1) * BLOCK;
        int q3 = Math.min(3, n - 1) * BLOCK;
        int q4 = Math.min(4, n - 1) * BLOCK;
        int q5 = Math.min(5, n - 1) * BLOCK;
        int q6 = Math.min(6, n - 1) * BLOCK;
        // Branch-free vector flow (see R): the accumulators start from the partial sums in y after the first chunk,
        // else from zeros; the residual, bias and clamp are applied always, with zeros and infinite bounds where
        // they do not apply.
        boolean more = kb0 > 0;
        float[] from = more ? y : ZEROS;
        int i0 = more ? yOff : 0;
        int i1 = more ? yOff + d1 : 0;
        int z = more ? 1 : 0;
        FloatVector a00 = FloatVector.fromArray(S, from, i0);
        FloatVector a01 = FloatVector.fromArray(S, from, i1);
        FloatVector a10 = FloatVector.fromArray(S, from, i0 + z * q1);
        FloatVector a11 = FloatVector.fromArray(S, from, i1 + z * q1);
        FloatVector a20 = FloatVector.fromArray(S, from, i0 + z * q2);
        FloatVector a21 = FloatVector.fromArray(S, from, i1 + z * q2);
        FloatVector a30 = FloatVector.fromArray(S, from, i0 + z * q3);
        FloatVector a31 = FloatVector.fromArray(S, from, i1 + z * q3);
        FloatVector a40 = FloatVector.fromArray(S, from, i0 + z * q4);
        FloatVector a41 = FloatVector.fromArray(S, from, i1 + z * q4);
        FloatVector a50 = FloatVector.fromArray(S, from, i0 + z * q5);
        FloatVector a51 = FloatVector.fromArray(S, from, i1 + z * q5);
        FloatVector a60 = FloatVector.fromArray(S, from, i0 + z * q6);
        FloatVector a61 = FloatVector.fromArray(S, from, i1 + z * q6);
        float touched = 0;
        if (n == R) {
            // A whole tile: pixel offsets as constants (clamped ones tie up integer registers in the loop).
            int wi = wOff + kb0 * BLOCK * kh * kw * ld;
            for (int k0 = kb0 * BLOCK; k0 < kEnd; k0 += BLOCK) {
                // Per block of 16 input channels and tap, a loop of (at most) 16 the same for every layer: the
                // compiled loop then does not depend on which layer's channel count the JIT profiled first.
                int kn = Math.min(BLOCK, c - k0);
                int xb = xOff + (k0 >> 4) * blockFloats;
                // At stride 1 and dilation 1 with a whole block, the taps of a kernel row are consecutive pixels and
                // their weights consecutive rows, so (kx, lane) is one run of kw * 16 steps: one loop entry (and one
                // set of hoisted range checks) per kernel row instead of per tap.
                int run = sw == 1 && dw == 1 && kn == BLOCK ? kw * BLOCK : kn;
                int kxTrips = run == kn ? kw : 1;
                for (int ky = 0; ky < kh; ky++) {
                    int xr = xb + ky * dy;
                    for (int kx = 0; kx < kxTrips; kx++) {
                        int u = kx * dw;
                        int xt = xr + (u % sw * pc + u / sw) * BLOCK;
                        for (int kk = 0; kk < run; kk++) {
                            int wk = wi + kk * ldc;
                            FloatVector w0 = FloatVector.fromArray(S, w, wk);
                            FloatVector w1 = FloatVector.fromArray(S, w, wk + L);
                            touched += w[tp];
                            tp += ts;
                            int xi = xt + kk;
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
                        wi += run * ldc;
                    }
                }
            }
        } else {
            int wi = wOff + kb0 * BLOCK * kh * kw * ld;
            for (int k0 = kb0 * BLOCK; k0 < kEnd; k0 += BLOCK) {
                // Per block of 16 input channels and tap, a loop of (at most) 16 the same for every layer: the
                // compiled loop then does not depend on which layer's channel count the JIT profiled first.
                int kn = Math.min(BLOCK, c - k0);
                int xb = xOff + (k0 >> 4) * blockFloats;
                for (int ky = 0; ky < kh; ky++) {
                    int xr = xb + ky * dy;
                    for (int kx = 0; kx < kw; kx++) {
                        int u = kx * dw;
                        int xt = xr + (u % sw * pc + u / sw) * BLOCK;
                        for (int kk = 0; kk < kn; kk++) {
                            int wk = wi + kk * ldc;
                            FloatVector w0 = FloatVector.fromArray(S, w, wk);
                            FloatVector w1 = FloatVector.fromArray(S, w, wk + L);
                            touched += w[tp];
                            tp += ts;
                            int xi = xt + kk;
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
                            b = FloatVector.broadcast(S, x[xi + q6]);
                            a60 = b.fma(w0, a60);
                            a61 = b.fma(w1, a61);
                        }
                        wi += kn * ldc;
                    }
                }
            }
        }
        TouchAhead.keep(touched);
        int o0 = yOff;
        int o1 = yOff + d1;
        boolean last = kEnd == c;
        // Pixels past n read the last real pixel's residual again (in bounds) and are not stored.
        boolean withRes = last && res != null;
        float[] rs = withRes ? res : ZEROS;
        int r0 = withRes ? o0 + resDelta : 0;
        int r1 = withRes ? o1 + resDelta : 0;
        int zr = withRes ? 1 : 0;
        a00 = a00.add(FloatVector.fromArray(S, rs, r0));
        a01 = a01.add(FloatVector.fromArray(S, rs, r1));
        a10 = a10.add(FloatVector.fromArray(S, rs, r0 + zr * q1));
        a11 = a11.add(FloatVector.fromArray(S, rs, r1 + zr * q1));
        a20 = a20.add(FloatVector.fromArray(S, rs, r0 + zr * q2));
        a21 = a21.add(FloatVector.fromArray(S, rs, r1 + zr * q2));
        a30 = a30.add(FloatVector.fromArray(S, rs, r0 + zr * q3));
        a31 = a31.add(FloatVector.fromArray(S, rs, r1 + zr * q3));
        a40 = a40.add(FloatVector.fromArray(S, rs, r0 + zr * q4));
        a41 = a41.add(FloatVector.fromArray(S, rs, r1 + zr * q4));
        a50 = a50.add(FloatVector.fromArray(S, rs, r0 + zr * q5));
        a51 = a51.add(FloatVector.fromArray(S, rs, r1 + zr * q5));
        a60 = a60.add(FloatVector.fromArray(S, rs, r0 + zr * q6));
        a61 = a61.add(FloatVector.fromArray(S, rs, r1 + zr * q6));
        float[] bs = last ? bias : ZEROS;
        FloatVector b0 = FloatVector.fromArray(S, bs, last ? bOff : 0);
        FloatVector b1 = FloatVector.fromArray(S, bs, last ? bOff + L : 0);
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
        // min(max(v, lo), hi) by compare and blend (NaN stays NaN), written out: a helper C2 did not inline would box
        // its vectors.
        FloatVector l = FloatVector.broadcast(S, last && clamp ? lo : Float.NEGATIVE_INFINITY);
        FloatVector h = FloatVector.broadcast(S, last && clamp ? hi : Float.POSITIVE_INFINITY);
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
        if (skip == 0) {
            a00.intoArray(y, o0);
            a01.intoArray(y, o1);
        }
        if (n > 1 && skip <= 1) {
            a10.intoArray(y, o0 + 1 * BLOCK);
            a11.intoArray(y, o1 + 1 * BLOCK);
        }
        if (n > 2 && skip <= 2) {
            a20.intoArray(y, o0 + 2 * BLOCK);
            a21.intoArray(y, o1 + 2 * BLOCK);
        }
        if (n > 3 && skip <= 3) {
            a30.intoArray(y, o0 + 3 * BLOCK);
            a31.intoArray(y, o1 + 3 * BLOCK);
        }
        if (n > 4 && skip <= 4) {
            a40.intoArray(y, o0 + 4 * BLOCK);
            a41.intoArray(y, o1 + 4 * BLOCK);
        }
        if (n > 5 && skip <= 5) {
            a50.intoArray(y, o0 + 5 * BLOCK);
            a51.intoArray(y, o1 + 5 * BLOCK);
        }
        if (n > 6 && skip <= 6) {
            a60.intoArray(y, o0 + 6 * BLOCK);
            a61.intoArray(y, o1 + 6 * BLOCK);
        }
    }
}
