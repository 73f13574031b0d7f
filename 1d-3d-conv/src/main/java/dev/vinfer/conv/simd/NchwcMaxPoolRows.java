package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import dev.vinfer.conv.NchwcMaxPool;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The max pool on channel-blocked (NCHWc) tensors ({@code dev.vinfer.conv.NchwcMaxPool}): one output position's 16
 * channels are one vector (two at 8 lanes: each half runs on its own), a tap is one input vector, for any kernel,
 * stride and dilation, and no padded copy of the input is made. Per output row the kernel rows inside the input are
 * worked out once; the columns whose taps all lie inside the input (the interior) run without bounds tests, four
 * positions per step, the few border columns with their own tap range.
 *
 * <p>A tap is taken where it is greater than the running maximum (a compare and a masked blend, from -inf, taps in
 * row-major order: the reference's order and choice among equal values). That skips NaN taps as ONNX does, but leaves
 * -inf where a window has only NaN taps (ONNX: NaN); so each row is scanned for -inf afterwards and such lanes are
 * worked out again one value at a time (-inf inputs and all-NaN windows are rare; the scan is one compare per
 * position against the taps' loads and compares).
 *
 * <p>No method here takes or returns a vector (project rule, bench/README.md "Convolution engine").
 */
final class NchwcMaxPoolRows {
    private static final int BLOCK = 16;

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
        int rowStep = dy * iw * BLOCK;
        int colStep = dx * BLOCK;
        int step = sx * BLOCK;
        // Interior columns [xa, xb): every kernel column inside the input.
        int xa = Math.min(ow, Math.ceilDiv(px, sx));
        int last = iw - 1 - (kw - 1) * dx + px;
        int xb = Math.max(xa, last < 0 ? 0 : Math.min(ow, last / sx + 1));
        int quads = (xb - xa) & ~3;
        for (int y = rowBegin; y < rowEnd; y++) {
            int y0 = y * sy - py;
            int ky0 = y0 >= 0 ? 0 : Math.ceilDiv(-y0, dy);
            int ky1 = ih - 1 - y0 < 0 ? 0 : Math.min(kh, (ih - 1 - y0) / dy + 1);
            ky1 = Math.max(ky0, ky1);
            int d = dOff + y * ow * BLOCK;
            for (int half = 0; half < BLOCK; half += L) {
                // Index of tap (0, 0) of output column 0 (maybe outside the array: only inside taps are read).
                int rowBase = sOff + half + (y0 * iw - px) * BLOCK;
                int dh = d + half;
                for (int x = 0; x < xa; x++) {
                    border(x, sx, px, dx, iw, kw, ky0, ky1, rowStep, colStep, src, rowBase + x * step, dst,
                            dh + x * BLOCK);
                }
                if (quads > 0) {
                    quads(ky0, ky1, kw, rowStep, colStep, src, rowBase + xa * step, step, quads, dst, dh + xa * BLOCK);
                }
                if (xb - xa > quads) {
                    taps(ky0, ky1, 0, kw, rowStep, colStep, src, rowBase + (xa + quads) * step, step,
                            xb - xa - quads, dst, dh + (xa + quads) * BLOCK);
                }
                for (int x = xb; x < ow; x++) {
                    border(x, sx, px, dx, iw, kw, ky0, ky1, rowStep, colStep, src, rowBase + x * step, dst,
                            dh + x * BLOCK);
                }
            }
            if (anyNegativeInfinity(dst, d, ow * BLOCK)) {
                repair(pool, lanes, src, sOff, dst, d, y);
            }
            if (lanes < BLOCK) {
                for (int i = d; i < d + ow * BLOCK; i += BLOCK) {
                    Arrays.fill(dst, i + lanes, i + BLOCK, 0f);
                }
            }
        }
    }

    /** One border position: the kernel columns inside the input worked out, then {@link #taps}. */
    private static void border(int x, int sx, int px, int dx, int iw, int kw, int ky0, int ky1, int rowStep,
            int colStep, float[] src, int s, float[] dst, int d) {
        int x0 = x * sx - px;
        int kx0 = x0 >= 0 ? 0 : Math.ceilDiv(-x0, dx);
        int kx1 = iw - 1 - x0 < 0 ? 0 : Math.min(kw, (iw - 1 - x0) / dx + 1);
        taps(ky0, ky1, kx0, Math.max(kx0, kx1), rowStep, colStep, src, s, 0, 1, dst, d);
    }

    /**
     * Interior positions (every kernel column inside), n a multiple of 4, four per step: four independent running
     * maxima, so the compares of one position do not wait for each other's blends.
     */
    private static void quads(int ky0, int ky1, int kw, int rowStep, int colStep, float[] src, int s, int step, int n,
            float[] dst, int d) {
        FloatVector ninf = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < n; j += 4) {
            int p = s + j * step;
            FloatVector a0 = ninf;
            FloatVector a1 = ninf;
            FloatVector a2 = ninf;
            FloatVector a3 = ninf;
            for (int ky = ky0; ky < ky1; ky++) {
                for (int kx = 0; kx < kw; kx++) {
                    int q = p + ky * rowStep + kx * colStep;
                    FloatVector v0 = FloatVector.fromArray(S, src, q);
                    FloatVector v1 = FloatVector.fromArray(S, src, q + step);
                    FloatVector v2 = FloatVector.fromArray(S, src, q + 2 * step);
                    FloatVector v3 = FloatVector.fromArray(S, src, q + 3 * step);
                    a0 = a0.blend(v0, v0.compare(VectorOperators.GT, a0));
                    a1 = a1.blend(v1, v1.compare(VectorOperators.GT, a1));
                    a2 = a2.blend(v2, v2.compare(VectorOperators.GT, a2));
                    a3 = a3.blend(v3, v3.compare(VectorOperators.GT, a3));
                }
            }
            int o = d + j * BLOCK;
            a0.intoArray(dst, o);
            a1.intoArray(dst, o + BLOCK);
            a2.intoArray(dst, o + 2 * BLOCK);
            a3.intoArray(dst, o + 3 * BLOCK);
        }
    }

    /**
     * n positions {@code step} apart, kernel rows {@code [ky0, ky1)} and columns {@code [kx0, kx1)}: tap (ky, kx) of
     * position j reads {@code src[s + j * step + ky * rowStep + kx * colStep]}; -inf when the range is empty.
     */
    private static void taps(int ky0, int ky1, int kx0, int kx1, int rowStep, int colStep, float[] src, int s,
            int step, int n, float[] dst, int d) {
        FloatVector ninf = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < n; j++) {
            int p = s + j * step;
            FloatVector a = ninf;
            for (int ky = ky0; ky < ky1; ky++) {
                for (int kx = kx0; kx < kx1; kx++) {
                    FloatVector v = FloatVector.fromArray(S, src, p + ky * rowStep + kx * colStep);
                    a = a.blend(v, v.compare(VectorOperators.GT, a));
                }
            }
            a.intoArray(dst, d + j * BLOCK);
        }
    }

    /** Whether {@code a[off, off + len)} (len a multiple of 16) holds a -inf. */
    private static boolean anyNegativeInfinity(float[] a, int off, int len) {
        FloatVector ninf = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int i = off; i < off + len; i += L) {
            if (FloatVector.fromArray(S, a, i).compare(VectorOperators.EQ, ninf).anyTrue()) {
                return true;
            }
        }
        return false;
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
