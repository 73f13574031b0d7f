package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import dev.vinfer.conv.NchwcMaxPool;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * The max pool on channel-blocked (NCHWc) tensors ({@code dev.vinfer.conv.NchwcMaxPool}): one position's 16 channels
 * are one vector (two at 8 lanes: each half runs on its own), a tap is one input vector, for any kernel, stride and
 * dilation; no padded copy of the input is made.
 *
 * <p>Separable, by rows: each input row the outputs read is first pooled along W into a per-thread ring of
 * {@code (kH - 1) * dH + 1} rows ({@code [OW][16]} each, kept while later output rows need it; interior columns
 * without bounds tests, the few border columns with their own tap range), then each output row is the max down its
 * kernel rows of ring rows. So the input is read once, row after row, as one sequential stream. Taking an output's
 * nine taps directly (its kH input rows read side by side, a stream each) was as fast while the plane sat in L2 but
 * up to 1.9 times slower than the NCHW pool when it came from L3 or memory (128 channels of 55 x 55, inputs rotated
 * over 8 copies; {@code NchwcPoolProbe} in the ops tests).
 *
 * <p>A tap is taken where it is greater than the running maximum (a compare and a masked blend, from -inf): NaN taps
 * are skipped as ONNX does, and along a row and then down the rows the first of equal maxima in row-major order wins,
 * as in the reference. A window of only NaN taps is left at -inf (ONNX: NaN), so an output row that stored a -inf
 * has such lanes worked out again value by value (-inf inputs and all-NaN windows are rare; the check is one compare
 * per position, made while the row is pooled).
 *
 * <p>No method here takes or returns a vector (project rule, bench/README.md "Convolution engine").
 */
final class NchwcMaxPoolRows {
    private static final int BLOCK = 16;

    /** Per thread: the ring of pooled input rows, their input row numbers and the slots of one output row. */
    private static final class Ring {
        float[] rows = new float[0];
        int[] tags = new int[0];
        int[] offs = new int[0];
    }

    private static final ThreadLocal<Ring> RING = ThreadLocal.withInitial(Ring::new);

    private NchwcMaxPoolRows() {
    }

    /** See {@code dev.vinfer.conv.Backend#nchwcMaxPool}; arguments checked by the caller. */
    static void plane(NchwcMaxPool pool, int lanes, float[] src, int sOff, float[] dst, int dOff, int rowBegin,
            int rowEnd) {
        int ih = pool.inH();
        int iw = pool.inW();
        int ow = pool.outW();
        int kh = pool.kernelH();
        int kw = pool.kernelW();
        int sy = pool.strideH();
        int sx = pool.strideW();
        int py = pool.padTop();
        int px = pool.padLeft();
        int dy = pool.dilationH();
        int dx = pool.dilationW();
        // Interior columns [xa, xb): every kernel column inside the input.
        int xa = Math.min(ow, Math.ceilDiv(px, sx));
        int last = iw - 1 - (kw - 1) * dx + px;
        int xb = Math.max(xa, last < 0 ? 0 : Math.min(ow, last / sx + 1));
        int extent = (kh - 1) * dy + 1;
        int rowFloats = ow * BLOCK;
        Ring ring = RING.get();
        if (ring.rows.length < extent * rowFloats) {
            ring.rows = new float[extent * rowFloats];
        }
        if (ring.tags.length < extent) {
            ring.tags = new int[extent];
        }
        if (ring.offs.length < kh) {
            ring.offs = new int[kh];
        }
        float[] rows = ring.rows;
        int[] tags = ring.tags;
        int[] offs = ring.offs;
        Arrays.fill(tags, 0, extent, -1);
        for (int y = rowBegin; y < rowEnd; y++) {
            int y0 = y * sy - py;
            int ky0 = y0 >= 0 ? 0 : Math.ceilDiv(-y0, dy);
            int ky1 = ih - 1 - y0 < 0 ? 0 : Math.min(kh, (ih - 1 - y0) / dy + 1);
            int nk = Math.max(0, ky1 - ky0);
            for (int i = 0; i < nk; i++) {
                int r = y0 + (ky0 + i) * dy;
                int slot = r % extent;
                if (tags[slot] != r) {
                    poolRow(src, sOff + r * iw * BLOCK, sx, px, dx, iw, kw, xa, xb, ow, rows, slot * rowFloats);
                    tags[slot] = r;
                }
                offs[i] = slot * rowFloats;
            }
            int d = dOff + y * rowFloats;
            boolean emptyWindows = false;
            for (int half = 0; half < BLOCK; half += L) {
                emptyWindows |= down(rows, offs, nk, half, ow, dst, d);
            }
            if (emptyWindows) {
                repair(pool, lanes, src, sOff, dst, d, y);
            }
            if (lanes < BLOCK) {
                for (int i = d; i < d + rowFloats; i += BLOCK) {
                    Arrays.fill(dst, i + lanes, i + BLOCK, 0f);
                }
            }
        }
    }

    /** Input row at {@code src[s]} pooled along W into {@code h[hOff]} ({@code [OW][16]}): border, interior, border. */
    private static void poolRow(float[] src, int s, int sx, int px, int dx, int iw, int kw, int xa, int xb, int ow,
            float[] h, int hOff) {
        for (int half = 0; half < BLOCK; half += L) {
            int base = s + half - px * BLOCK;
            for (int x = 0; x < xa; x++) {
                rowBorder(x, sx, px, dx, iw, kw, src, base, h, hOff + half);
            }
            if (xb > xa && kw == 3 && dx == 1 && sx == 2) {
                across3s2(src, base + xa * 2 * BLOCK, xb - xa, h, hOff + half + xa * BLOCK);
            } else if (xb > xa) {
                across(0, kw, dx * BLOCK, src, base + xa * sx * BLOCK, sx * BLOCK, xb - xa, h,
                        hOff + half + xa * BLOCK);
            }
            for (int x = xb; x < ow; x++) {
                rowBorder(x, sx, px, dx, iw, kw, src, base, h, hOff + half);
            }
        }
    }

    private static void rowBorder(int x, int sx, int px, int dx, int iw, int kw, float[] src, int base, float[] h,
            int hOff) {
        int x0 = x * sx - px;
        int kx0 = x0 >= 0 ? 0 : Math.ceilDiv(-x0, dx);
        int kx1 = iw - 1 - x0 < 0 ? 0 : Math.min(kw, (iw - 1 - x0) / dx + 1);
        across(kx0, Math.max(kx0, kx1), dx * BLOCK, src, base + x * sx * BLOCK, 0, 1, h, hOff + x * BLOCK);
    }

    /** n positions {@code step} apart, taps {@code [kx0, kx1)} {@code colStep} apart along one row; -inf if none. */
    private static void across(int kx0, int kx1, int colStep, float[] src, int s, int step, int n, float[] h,
            int d) {
        FloatVector ninf = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < n; j++) {
            int p = s + j * step;
            FloatVector a = ninf;
            for (int kx = kx0; kx < kx1; kx++) {
                FloatVector v = FloatVector.fromArray(S, src, p + kx * colStep);
                a = a.blend(v, v.compare(VectorOperators.GT, a));
            }
            a.intoArray(h, d + j * BLOCK);
        }
    }

    /**
     * {@link #across} for 3 taps 2 apart (the CNN pool, 3x3 stride 2): a position's last tap is the next one's first,
     * carried in a register, so two loads a position instead of three (0.8 to 0.95 of the time of {@link #across}
     * on SqueezeNet's and ResNet's pools, paired in one JVM).
     */
    private static void across3s2(float[] src, int s, int n, float[] h, int d) {
        FloatVector ninf = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        FloatVector carry = FloatVector.fromArray(S, src, s);
        for (int j = 0; j < n; j++) {
            int p = s + j * 2 * BLOCK;
            FloatVector v1 = FloatVector.fromArray(S, src, p + BLOCK);
            FloatVector v2 = FloatVector.fromArray(S, src, p + 2 * BLOCK);
            FloatVector a = ninf.blend(carry, carry.compare(VectorOperators.GT, ninf));
            a = a.blend(v1, v1.compare(VectorOperators.GT, a));
            a = a.blend(v2, v2.compare(VectorOperators.GT, a));
            a.intoArray(h, d + j * BLOCK);
            carry = v2;
        }
    }

    /**
     * One output row: per position the max of ring rows {@code offs[0, nk)}, -inf if none. Ring rows hold no NaN, so
     * the first row starts the maximum (one compare fewer than from -inf). Returns whether a -inf was stored (a
     * window with no number: see {@link #repair}); the check rides along as a mask, not as a second pass over the
     * row (that pass, one compare and branch per vector, took 12-18% of the pool).
     */
    private static boolean down(float[] rows, int[] offs, int nk, int half, int ow, float[] dst, int d) {
        if (nk == 0) {
            for (int o = d + half; o < d + ow * BLOCK; o += BLOCK) {
                Arrays.fill(dst, o, o + L, Float.NEGATIVE_INFINITY);
            }
            return ow > 0;
        }
        FloatVector ninf = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        VectorMask<Float> empty = S.maskAll(false);
        int first = offs[0];
        if (nk == 3) {
            // the 3-row window (every 3x3 pool's interior rows) with its rows as locals: no inner loop
            int second = offs[1];
            int third = offs[2];
            for (int o = half; o < ow * BLOCK; o += BLOCK) {
                FloatVector a = FloatVector.fromArray(S, rows, first + o);
                FloatVector v = FloatVector.fromArray(S, rows, second + o);
                a = a.blend(v, v.compare(VectorOperators.GT, a));
                v = FloatVector.fromArray(S, rows, third + o);
                a = a.blend(v, v.compare(VectorOperators.GT, a));
                empty = empty.or(a.compare(VectorOperators.EQ, ninf));
                a.intoArray(dst, d + o);
            }
            return empty.anyTrue();
        }
        for (int x = 0; x < ow; x++) {
            int o = x * BLOCK + half;
            FloatVector a = FloatVector.fromArray(S, rows, first + o);
            for (int i = 1; i < nk; i++) {
                FloatVector v = FloatVector.fromArray(S, rows, offs[i] + o);
                a = a.blend(v, v.compare(VectorOperators.GT, a));
            }
            empty = empty.or(a.compare(VectorOperators.EQ, ninf));
            a.intoArray(dst, d + o);
        }
        return empty.anyTrue();
    }

    /** Output row y's -inf lanes worked out value by value: NaN where the window's inside taps are all NaN. */
    private static void repair(NchwcMaxPool pool, int lanes, float[] src, int sOff, float[] dst, int d, int y) {
        for (int x = 0; x < pool.outW(); x++) {
            for (int l = 0; l < lanes; l++) {
                int o = d + x * BLOCK + l;
                if (dst[o] == Float.NEGATIVE_INFINITY) {
                    dst[o] = window(pool, src, sOff + l, y, x);
                }
            }
        }
    }

    /** One lane's pooled value at (y, x), ONNX semantics (as {@code NchwcReference.window}). */
    private static float window(NchwcMaxPool pool, float[] src, int lane, int y, int x) {
        float best = Float.NEGATIVE_INFINITY;
        boolean inside = false;
        boolean number = false;
        for (int ky = 0; ky < pool.kernelH(); ky++) {
            int yy = y * pool.strideH() - pool.padTop() + ky * pool.dilationH();
            if (yy < 0 || yy >= pool.inH()) {
                continue;
            }
            for (int kx = 0; kx < pool.kernelW(); kx++) {
                int xx = x * pool.strideW() - pool.padLeft() + kx * pool.dilationW();
                if (xx < 0 || xx >= pool.inW()) {
                    continue;
                }
                float v = src[lane + (yy * pool.inW() + xx) * BLOCK];
                inside = true;
                if (v == v) {
                    number = true;
                    if (v > best) {
                        best = v;
                    }
                }
            }
        }
        return inside && !number ? Float.NaN : best;
    }
}
