package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The 1x1 convolution on channel-blocked (NCHWc) tensors ({@code dev.vinfer.conv.NchwcPointwiseConv}): a register
 * tile of {@link #R} pixels x 2 (or 1) output vectors runs over all input channels; per channel one weight vector
 * per output vector (packed side by side, {@code [C][group * 16]}) and one broadcast input value per pixel (pixel
 * p's channel k is at {@code x[(k / 16) * plane + p * 16 + k % 16]}). The residual, bias and clamp (Relu/Clip) are
 * applied in registers before the one store.
 *
 * <p>Order of the loops: output groups outside, the pixel tiles of the range inside, so a group's weights
 * ({@code C x 32} floats) are read from L1/L2 once per tile and from memory once per call (while the group's whole
 * tiles touch the next group's weights, {@link NchwcPointwiseTouchTile}, where a group has at most
 * {@link #TOUCH_TILES} tiles). The caller cuts the pixels into strips whose input stays in L2
 * ({@code dev.vinfer.conv.NchwcPointwiseConv}). A pixel tail shorter than a tile runs the same tile code with the
 * missing pixels reading the last real pixel again and not stored. With 8-lane vectors a block is two vectors;
 * the output offsets of a tile's vectors are passed explicitly, so the same code serves both widths.
 *
 * <p>No method here takes or returns a vector (project rule, bench/README.md "Convolution engine").
 */
final class NchwcPointwiseTiles {
    /**
     * Pixels per register tile: 7, so the planes of MobileNet-type networks (7x7, 14x14, 28x28, 56x56, 112x112, all
     * multiples of 7) have no tail tiles (at 6 a 7x7 plane computes 54 pixels for 49). Paired against 6 and 8
     * (NchwcProbe, one thread, rotated tensors): 7x7 layers 0.92-1.03 of NCHW against 1.04-1.23, the rest within
     * noise of each other. A whole tile reads its pixels at constant offsets; a short one (n < 7) repeats its last
     * pixel and stores only n.
     */
    static final int R = 7;
    private static final int BLOCK = 16;
    /**
     * Whether the machine has 16 vector registers (8 or 4 lanes: AVX2 or narrower), where pairs of vectors run in
     * tiles of 5 pixels ({@link NchwcPointwiseTile5x2}): the 7 x 2 tile and its 8 x 2 and 14 x 1 variants keep more
     * accumulators than fit.
     */
    static final boolean NARROW = L < 16;
    /**
     * Whether a last odd output block runs in tiles of 14 pixels ({@link NchwcPointwiseTile14}) at 16 lanes;
     * {@code -Dvinfer.nchwcPointwise.wideSingle=false} keeps 7 (read when the class loads).
     */
    static final boolean WIDE_SINGLE = !"false".equals(System.getProperty("vinfer.nchwcPointwise.wideSingle"));

    /**
     * The most pixel tiles per output group for which the tiles touch the next group's weights
     * ({@link NchwcPointwiseTouchTile}); {@code -Dvinfer.pointwiseTouchTiles=N} (read when the class loads). Paired
     * in one JVM against touching in every call (session 22, this Intel Xeon, {@code BuildPairedComparison ... 60}):
     * at most 8 tiles ResNet-18 0.983, ResNet-50 0.997, MobileNetV2 0.985, SqueezeNet 0.991; 32: 0.984, 1.003,
     * 0.981, 0.991; 128: 0.972, 0.988, 0.979, 0.981; 256: 0.975, 0.991, 0.970, 0.976; no limit 0.973, 0.995, 0.990,
     * 0.995. More tiles per group come from few input channels (long strips), whose weights are a few KiB.
     */
    static final int TOUCH_TILES = Integer.getInteger("vinfer.pointwiseTouchTiles", 128);

    private NchwcPointwiseTiles() {
    }

    /**
     * Output blocks per packed weight group, chosen when a layer is prepared: at 16 lanes 2 blocks (the 7 x 2 tile
     * of 14 accumulators over both), at 8 lanes 1 block (two vectors); either way a weight row is {@code 2 L} floats,
     * which the tiles use as a constant. Groups of 3 and 4 blocks (the same tile over wider rows) ran 1.06-1.3x
     * slower than 2 (NchwcProbe, session 12), and a 6 x 4 tile (24 accumulators) was left out: in two of three JVMs
     * its compiled code ran 1.6-1.9x slower on later layers (depending on which layer ran first), and where it
     * compiled well it was no faster than 6 x 2 (the tile then) (bench/README.md, "NCHWc kernels").
     */
    static int group(int pixels) {
        return L < 16 ? 1 : 2;
    }

    /**
     * See {@code dev.vinfer.conv.Backend#nchwcPointwise} (its {@code wOff} is {@code wBase} here: {@code wOff} names
     * a tile's own offset below); arguments checked by the caller.
     */
    static void run(int c, int pixels, int outChannels, int group, float[] w, int wBase, float[] bias, float[] x,
            int xOff, float[] res, int resDelta, float[] y, int yOff, int pxBegin, int pxEnd, int blockBegin,
            int blockEnd, float lo, float hi, boolean touchNext) {
        int outBlocks = Math.ceilDiv(outChannels, BLOCK);
        int plane = pixels * BLOCK;
        boolean clamp = lo > Float.NEGATIVE_INFINITY || hi < Float.POSITIVE_INFINITY;
        // A count of pixels that 8 divides but 7 does not (a 16-tile Winograd product) runs in tiles of 8.
        int count = pxEnd - pxBegin;
        boolean eights = !NARROW && count % NchwcPointwiseTile8.R == 0 && count % R != 0;
        for (int gb = blockBegin; gb < blockEnd; gb += group) {
            int nb = Math.min(group, outBlocks - gb);
            int ld = nb * BLOCK;
            int vecs = ld / L;
            int v = 0;
            while (v < vecs) {
                int take = vecs - v >= 2 ? 2 : 1;
                int col = v * L;
                int wOff = wBase + gb * c * BLOCK + col;
                int bOff = gb * BLOCK + col;
                int o0 = outOffset(gb, col, plane);
                int d1 = outOffset(gb, col + L, plane) - o0;
                // Channels from this tile's first column to the last real one: fewer than its width means pad
                // lanes, zeroed after the store (their weights are zero, but Clip(lo > 0) or a NaN input
                // would make them nonzero).
                int valid = outChannels - (gb * BLOCK + col);
                int step = NARROW && take == 2 ? NchwcPointwiseTile5x2.R
                        : take == 2 && eights ? NchwcPointwiseTile8.R : R;
                // The next group's weights (packed right after this group's), touched a slice a tile so that they
                // arrive while this group's tiles compute from L1.
                int tiles = Math.ceilDiv(count, step);
                int nextLo = wBase + (gb + nb) * c * BLOCK;
                int ts = touchNext && tiles <= TOUCH_TILES && !NARROW
                        ? TouchAhead.stride(Math.min(w.length - nextLo, c * ld), tiles, c) : 0;
                int tile = 0;
                for (int p = pxBegin; p < pxEnd; ) {
                    // 7k + 1 pixels (13x13, 27x27, 55x55 planes): the last 8 as one tile of 8, not a tile of 7 and
                    // a whole tile for one pixel (SqueezeNet's 512 -> 1000 classifier on 169 pixels: 4% of its work)
                    int st = step == R && take == 2 && !NARROW && pxEnd - p == NchwcPointwiseTile8.R
                            ? NchwcPointwiseTile8.R : step;
                    // one vector (a last odd block) at 16 lanes: 14 pixels a tile while 14 are left
                    if (take == 1 && WIDE_SINGLE && L >= BLOCK && pxEnd - p >= NchwcPointwiseTile14.R) {
                        st = NchwcPointwiseTile14.R;
                    }
                    int n = Math.min(st, pxEnd - p);
                    int tp = TouchAhead.start(nextLo, tile, c, ts, w.length);
                    int tStep = tp < 0 ? 0 : ts;
                    tp = Math.max(0, tp);
                    tile++;
                    int xo = xOff + p * BLOCK;
                    int yo = yOff + o0 + p * BLOCK;
                    p += st;
                    if (NARROW && take == 2) {
                        NchwcPointwiseTile5x2.tile(c, w, wOff, ld, x, xo, plane, n, bias, bOff, res, resDelta, y, yo,
                                d1, clamp, lo, hi);
                    } else if (st == NchwcPointwiseTile14.R) {
                        NchwcPointwiseTile14.tile(c, w, wOff, x, xo, plane, bias, bOff, res, resDelta, y, yo, clamp,
                                lo, hi);
                    } else if (st == NchwcPointwiseTile8.R) {
                        NchwcPointwiseTile8.tile(c, w, wOff, x, xo, plane, bias, bOff, res, resDelta, y, yo, d1, clamp,
                                lo, hi);
                    } else if (take == 2 && n == R && tStep > 0 && (c & 1) == 0) {
                        NchwcPointwiseTouchTile.tile(c, w, wOff, ld, x, xo, plane, bias, bOff, res, resDelta, y, yo,
                                d1, clamp, lo, hi, tp, tStep);
                    } else if (take == 2) {
                        tile2(c, w, wOff, ld, x, xo, plane, n, bias, bOff, res, resDelta, y, yo, d1, clamp, lo, hi);
                    } else {
                        tile1(c, w, wOff, ld, x, xo, plane, n, bias, bOff, res, resDelta, y, yo, clamp, lo, hi);
                    }
                    if (valid < take * L) {
                        zeroPad(valid, take, y, yo, d1, n);
                    }
                }
                v += take;
            }
        }
    }

    /** Offset in the image's output of column {@code col} of the group starting at block {@code gb}, pixel 0. */
    private static int outOffset(int gb, int col, int plane) {
        return (gb + col / BLOCK) * plane + col % BLOCK;
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
    private static void tile2(int c, float[] w, int wOff, int ld, float[] x, int xOff, int plane, int n,
            float[] bias, int bOff, float[] res, int resDelta, float[] y, int yOff, int d1, boolean clamp, float lo,
            float hi) {
        // ld is 2 L at 16 and 8 lanes (see group): a constant C2 folds into the addressing (an imul per step with ld)
        int ldc = L >= 8 ? 2 * L : ld;
        int q1 = Math.min(1, n - 1) * BLOCK;
        int q2 = Math.min(2, n - 1) * BLOCK;
        int q3 = Math.min(3, n - 1) * BLOCK;
        int q4 = Math.min(4, n - 1) * BLOCK;
        int q5 = Math.min(5, n - 1) * BLOCK;
        int q6 = Math.min(6, n - 1) * BLOCK;
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
        if (n == R) {
            // A whole tile: pixel offsets as constants (clamped ones tie up integer registers in the loop).
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
                int kk = 0;
                for (; kk + 1 < kn; kk += 2) {
                    {
                        int wi = wk + kk * ldc;
                        FloatVector w0 = FloatVector.fromArray(S, w, wi);
                        FloatVector w1 = FloatVector.fromArray(S, w, wi + L);
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
                for (; kk < kn; kk++) {
                    {
                        int wi = wk + kk * ldc;
                        FloatVector w0 = FloatVector.fromArray(S, w, wi);
                        FloatVector w1 = FloatVector.fromArray(S, w, wi + L);
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
                }
            }
        } else {
            for (int k0 = 0; k0 < c; k0 += BLOCK) {
                // Per block of 16 input channels, a loop of (at most) 16 the same for every layer: the compiled
                // loop then does not depend on which layer's channel count the JIT profiled first.
                int kn = Math.min(BLOCK, c - k0);
                int xk = xOff + (k0 >> 4) * plane;
                int wk = wOff + k0 * ldc;
                for (int kk = 0; kk < kn; kk++) {
                    int wi = wk + kk * ldc;
                    FloatVector w0 = FloatVector.fromArray(S, w, wi);
                    FloatVector w1 = FloatVector.fromArray(S, w, wi + L);
                    int xi = xk + kk;
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
            }
        }
        int o0 = yOff;
        int o1 = yOff + d1;
        if (res != null) {
            // Pixels past n read the last real pixel's residual again (in bounds) and are not stored.
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
            a60 = a60.add(FloatVector.fromArray(S, res, r0 + q6));
            a61 = a61.add(FloatVector.fromArray(S, res, r1 + q6));
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
        if (n > 6) {
            a60.intoArray(y, o0 + 6 * BLOCK);
            a61.intoArray(y, o1 + 6 * BLOCK);
        }
    }

    /** Seven pixels x one output vector (a group's odd last vector). */
    private static void tile1(int c, float[] w, int wOff, int ld, float[] x, int xOff, int plane, int n,
            float[] bias, int bOff, float[] res, int resDelta, float[] y, int yOff, boolean clamp, float lo,
            float hi) {
        // ld is L at 16 lanes (a last odd block; see group): a constant C2 folds into the addressing
        int ldc = L >= 16 ? L : ld;
        int q1 = Math.min(1, n - 1) * BLOCK;
        int q2 = Math.min(2, n - 1) * BLOCK;
        int q3 = Math.min(3, n - 1) * BLOCK;
        int q4 = Math.min(4, n - 1) * BLOCK;
        int q5 = Math.min(5, n - 1) * BLOCK;
        int q6 = Math.min(6, n - 1) * BLOCK;
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        if (n == R) {
            // A whole tile: pixel offsets as constants (clamped ones tie up integer registers in the loop).
            for (int k0 = 0; k0 < c; k0 += BLOCK) {
                // Per block of 16 input channels, a loop of (at most) 16 the same for every layer: the compiled
                // loop then does not depend on which layer's channel count the JIT profiled first.
                int kn = Math.min(BLOCK, c - k0);
                int xk = xOff + (k0 >> 4) * plane;
                int wk = wOff + k0 * ldc;
                for (int kk = 0; kk < kn; kk++) {
                    FloatVector w0 = FloatVector.fromArray(S, w, wk + kk * ldc);
                    int xi = xk + kk;
                    a0 = FloatVector.broadcast(S, x[xi]).fma(w0, a0);
                    a1 = FloatVector.broadcast(S, x[xi + 16]).fma(w0, a1);
                    a2 = FloatVector.broadcast(S, x[xi + 32]).fma(w0, a2);
                    a3 = FloatVector.broadcast(S, x[xi + 48]).fma(w0, a3);
                    a4 = FloatVector.broadcast(S, x[xi + 64]).fma(w0, a4);
                    a5 = FloatVector.broadcast(S, x[xi + 80]).fma(w0, a5);
                    a6 = FloatVector.broadcast(S, x[xi + 96]).fma(w0, a6);
                }
            }
        } else {
            for (int k0 = 0; k0 < c; k0 += BLOCK) {
                // Per block of 16 input channels, a loop of (at most) 16 the same for every layer: the compiled
                // loop then does not depend on which layer's channel count the JIT profiled first.
                int kn = Math.min(BLOCK, c - k0);
                int xk = xOff + (k0 >> 4) * plane;
                int wk = wOff + k0 * ldc;
                for (int kk = 0; kk < kn; kk++) {
                    FloatVector w0 = FloatVector.fromArray(S, w, wk + kk * ldc);
                    int xi = xk + kk;
                    a0 = FloatVector.broadcast(S, x[xi]).fma(w0, a0);
                    a1 = FloatVector.broadcast(S, x[xi + q1]).fma(w0, a1);
                    a2 = FloatVector.broadcast(S, x[xi + q2]).fma(w0, a2);
                    a3 = FloatVector.broadcast(S, x[xi + q3]).fma(w0, a3);
                    a4 = FloatVector.broadcast(S, x[xi + q4]).fma(w0, a4);
                    a5 = FloatVector.broadcast(S, x[xi + q5]).fma(w0, a5);
                    a6 = FloatVector.broadcast(S, x[xi + q6]).fma(w0, a6);
                }
            }
        }
        if (res != null) {
            int r0 = yOff + resDelta;
            a0 = a0.add(FloatVector.fromArray(S, res, r0));
            a1 = a1.add(FloatVector.fromArray(S, res, r0 + q1));
            a2 = a2.add(FloatVector.fromArray(S, res, r0 + q2));
            a3 = a3.add(FloatVector.fromArray(S, res, r0 + q3));
            a4 = a4.add(FloatVector.fromArray(S, res, r0 + q4));
            a5 = a5.add(FloatVector.fromArray(S, res, r0 + q5));
            a6 = a6.add(FloatVector.fromArray(S, res, r0 + q6));
        }
        FloatVector b0 = FloatVector.fromArray(S, bias, bOff);
        a0 = a0.add(b0);
        a1 = a1.add(b0);
        a2 = a2.add(b0);
        a3 = a3.add(b0);
        a4 = a4.add(b0);
        a5 = a5.add(b0);
        a6 = a6.add(b0);
        if (clamp && lo > Float.NEGATIVE_INFINITY) {
            FloatVector l = FloatVector.broadcast(S, lo);
            a0 = a0.blend(l, a0.compare(VectorOperators.LT, l));
            a1 = a1.blend(l, a1.compare(VectorOperators.LT, l));
            a2 = a2.blend(l, a2.compare(VectorOperators.LT, l));
            a3 = a3.blend(l, a3.compare(VectorOperators.LT, l));
            a4 = a4.blend(l, a4.compare(VectorOperators.LT, l));
            a5 = a5.blend(l, a5.compare(VectorOperators.LT, l));
            a6 = a6.blend(l, a6.compare(VectorOperators.LT, l));
        }
        if (clamp && hi < Float.POSITIVE_INFINITY) {
            FloatVector h = FloatVector.broadcast(S, hi);
            a0 = a0.blend(h, a0.compare(VectorOperators.GT, h));
            a1 = a1.blend(h, a1.compare(VectorOperators.GT, h));
            a2 = a2.blend(h, a2.compare(VectorOperators.GT, h));
            a3 = a3.blend(h, a3.compare(VectorOperators.GT, h));
            a4 = a4.blend(h, a4.compare(VectorOperators.GT, h));
            a5 = a5.blend(h, a5.compare(VectorOperators.GT, h));
            a6 = a6.blend(h, a6.compare(VectorOperators.GT, h));
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
        if (n > 6) {
            a6.intoArray(y, yOff + 6 * BLOCK);
        }
    }
}
