package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import dev.vinfer.conv.ConvGeometry;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The depthwise convolution on channel-blocked (NCHWc) tensors ({@code dev.vinfer.conv.NchwcDepthwiseConv}): one
 * output position's 16 channels are one vector (two at 8 lanes: each half runs on its own), a tap is one input
 * vector times one weight vector, for any stride and dilation, and no padded copy of the input is made.
 *
 * <p>Per output row, the kernel rows that fall inside the input are worked out once; the columns whose taps all lie
 * inside the input (the interior) run without bounds tests, the few border columns with their own tap range. The
 * interior of a 3x3 row with all three kernel rows inside (every row but the first and last at pad 1) has its own
 * loops with the nine weight vectors in registers: at stride 1 four positions per step, each kernel row loading six
 * input vectors once for the four (18 loads for 36 FMAs); at other strides two positions per step. Bias and the
 * clamp of Relu/Clip are applied before the one store; lanes past the channel count are zeroed after.
 *
 * <p>No method here takes or returns a vector (project rule, bench/README.md "Convolution engine").
 */
final class NchwcDepthwiseRows {
    private static final int BLOCK = 16;

    private NchwcDepthwiseRows() {
    }

    /** See {@code dev.vinfer.conv.Backend#nchwcDepthwise}; arguments checked by the caller. */
    static void plane(ConvGeometry g, float[] coef, int cOff, float[] bias, int bOff, int lanes, float[] src,
            int sOff, float[] dst, int dOff, int rowBegin, int rowEnd, float lo, float hi) {
        int ih = g.inputDim(0);
        int iw = g.inputDim(1);
        int ow = g.outputDim(1);
        int kh = g.kernel(0);
        int kw = g.kernel(1);
        int sy = g.stride(0);
        int sx = g.stride(1);
        int py = g.padBegin(0);
        int px = g.padBegin(1);
        int dy = g.dilation(0);
        int dx = g.dilation(1);
        boolean clamp = lo > Float.NEGATIVE_INFINITY || hi < Float.POSITIVE_INFINITY;
        int rowStep = dy * iw * BLOCK;
        int colStep = dx * BLOCK;
        int step = sx * BLOCK;
        // Interior columns [xa, xb): every kernel column inside the input.
        int xa = Math.min(ow, Math.ceilDiv(px, sx));
        int last = iw - 1 - (kw - 1) * dx + px;
        int xb = Math.max(xa, last < 0 ? 0 : Math.min(ow, last / sx + 1));
        if (kh == 3 && kw == 3) {
            nine(g, coef, cOff, bias, bOff, src, sOff, dst, dOff, rowBegin, rowEnd, clamp, lo, hi, xa, xb);
        } else {
            for (int half = 0; half < BLOCK; half += L) {
                int c0 = cOff + half;
                int b0 = bOff + half;
                for (int y = rowBegin; y < rowEnd; y++) {
                    int y0 = y * sy - py;
                    int ky0 = y0 >= 0 ? 0 : Math.ceilDiv(-y0, dy);
                    int ky1 = ih - 1 - y0 < 0 ? 0 : Math.min(kh, (ih - 1 - y0) / dy + 1);
                    ky1 = Math.max(ky0, ky1);
                    // Index of tap (0, 0) of output column 0 (maybe outside the array: only inside taps are read).
                    int rowBase = sOff + half + (y0 * iw - px) * BLOCK;
                    int d = dOff + half + y * ow * BLOCK;
                    for (int x = 0; x < xa; x++) {
                        border(x, sx, px, dx, iw, kw, ky0, ky1, coef, c0, rowStep, colStep, src, rowBase + x * step,
                                bias, b0, clamp, lo, hi, dst, d + x * BLOCK);
                    }
                    if (xb > xa) {
                        taps(ky0, ky1, 0, kw, kw, coef, c0, rowStep, colStep, src, rowBase + xa * step, step, xb - xa,
                                bias, b0, clamp, lo, hi, dst, d + xa * BLOCK);
                    }
                    for (int x = xb; x < ow; x++) {
                        border(x, sx, px, dx, iw, kw, ky0, ky1, coef, c0, rowStep, colStep, src, rowBase + x * step,
                                bias, b0, clamp, lo, hi, dst, d + x * BLOCK);
                    }
                }
            }
        }
        if (lanes < BLOCK) {
            // Pad lanes: zero weights and bias give zero, but Clip(lo > 0) would not; zeroed here.
            for (int i = dOff + rowBegin * ow * BLOCK; i < dOff + rowEnd * ow * BLOCK; i += BLOCK) {
                Arrays.fill(dst, i + lanes, i + BLOCK, 0f);
            }
        }
    }

    /** Zeros that stand for the input rows above and below the image (read, never written). */
    private static volatile float[] zeros = new float[0];

    private static float[] zeros(int n) {
        float[] z = zeros;
        if (z.length < n) {
            z = new float[Math.max(n, 2 * z.length)];
            zeros = z;
        }
        return z;
    }

    /**
     * 3x3: each output row reads three input rows, a row above or below the image read from {@link #zeros}
     * instead (adding products with zero changes no sum), so the first and last output rows run the interior loops
     * too; the border columns run {@link #nineEdge}.
     */
    private static void nine(ConvGeometry g, float[] coef, int cOff, float[] bias, int bOff, float[] src, int sOff,
            float[] dst, int dOff, int rowBegin, int rowEnd, boolean clamp, float lo, float hi, int xa, int xb) {
        int ih = g.inputDim(0);
        int iw = g.inputDim(1);
        int ow = g.outputDim(1);
        int sy = g.stride(0);
        int sx = g.stride(1);
        int py = g.padBegin(0);
        int px = g.padBegin(1);
        int dy = g.dilation(0);
        int dx = g.dilation(1);
        int colStep = dx * BLOCK;
        int step = sx * BLOCK;
        float[] zero = zeros((ow + 1) * step + 2 * colStep + BLOCK);
        for (int half = 0; half < BLOCK; half += L) {
            int c0 = cOff + half;
            int b0 = bOff + half;
            for (int y = rowBegin; y < rowEnd; y++) {
                int y0 = y * sy - py;
                int ya = y0;
                int yb = y0 + dy;
                int yc = y0 + 2 * dy;
                // Tap (row, 0) of output column 0 (column -px: only inside columns are read) or the zero row.
                float[] s0 = ya >= 0 && ya < ih ? src : zero;
                float[] s1 = yb >= 0 && yb < ih ? src : zero;
                float[] s2 = yc >= 0 && yc < ih ? src : zero;
                int o0 = s0 == src ? sOff + half + (ya * iw - px) * BLOCK : 0;
                int o1 = s1 == src ? sOff + half + (yb * iw - px) * BLOCK : 0;
                int o2 = s2 == src ? sOff + half + (yc * iw - px) * BLOCK : 0;
                int d = dOff + half + y * ow * BLOCK;
                for (int x = 0; x < xa; x++) {
                    nineEdge(x, sx, px, dx, iw, coef, c0, colStep, s0, o0 + x * step, s1, o1 + x * step, s2,
                            o2 + x * step, bias, b0, clamp, lo, hi, dst, d + x * BLOCK);
                }
                int n = xb - xa;
                if (n > 0) {
                    int done = 0;
                    int first = xa * step;
                    if (step == BLOCK && colStep == BLOCK && n >= 4) {
                        done = n & ~3;
                        nineStride1(coef, c0, s0, o0 + first, s1, o1 + first, s2, o2 + first, done, bias, b0, clamp,
                                lo, hi, dst, d + xa * BLOCK);
                    }
                    if (done < n) {
                        int at = first + done * step;
                        nineAnyStride(coef, c0, colStep, s0, o0 + at, s1, o1 + at, s2, o2 + at, step, n - done, bias,
                                b0, clamp, lo, hi, dst, d + (xa + done) * BLOCK);
                    }
                }
                for (int x = Math.max(xa, xb); x < ow; x++) {
                    nineEdge(x, sx, px, dx, iw, coef, c0, colStep, s0, o0 + x * step, s1, o1 + x * step, s2,
                            o2 + x * step, bias, b0, clamp, lo, hi, dst, d + x * BLOCK);
                }
            }
        }
    }

    /** One 3x3 border position: the kernel columns outside the input skipped (rows as in {@link #nine}). */
    private static void nineEdge(int x, int sx, int px, int dx, int iw, float[] coef, int cOff, int colStep,
            float[] s0, int o0, float[] s1, int o1, float[] s2, int o2, float[] bias, int bOff, boolean clamp,
            float lo, float hi, float[] dst, int d) {
        int x0 = x * sx - px;
        boolean k0 = x0 >= 0 && x0 < iw;
        boolean k1 = x0 + dx >= 0 && x0 + dx < iw;
        boolean k2 = x0 + 2 * dx >= 0 && x0 + 2 * dx < iw;
        int c1 = colStep;
        int c2 = 2 * colStep;
        FloatVector a = FloatVector.zero(S);
        if (k0) {
            a = FloatVector.fromArray(S, s0, o0).fma(FloatVector.fromArray(S, coef, cOff), a);
        }
        if (k1) {
            a = FloatVector.fromArray(S, s0, o0 + c1).fma(FloatVector.fromArray(S, coef, cOff + BLOCK), a);
        }
        if (k2) {
            a = FloatVector.fromArray(S, s0, o0 + c2).fma(FloatVector.fromArray(S, coef, cOff + 2 * BLOCK), a);
        }
        if (k0) {
            a = FloatVector.fromArray(S, s1, o1).fma(FloatVector.fromArray(S, coef, cOff + 3 * BLOCK), a);
        }
        if (k1) {
            a = FloatVector.fromArray(S, s1, o1 + c1).fma(FloatVector.fromArray(S, coef, cOff + 4 * BLOCK), a);
        }
        if (k2) {
            a = FloatVector.fromArray(S, s1, o1 + c2).fma(FloatVector.fromArray(S, coef, cOff + 5 * BLOCK), a);
        }
        if (k0) {
            a = FloatVector.fromArray(S, s2, o2).fma(FloatVector.fromArray(S, coef, cOff + 6 * BLOCK), a);
        }
        if (k1) {
            a = FloatVector.fromArray(S, s2, o2 + c1).fma(FloatVector.fromArray(S, coef, cOff + 7 * BLOCK), a);
        }
        if (k2) {
            a = FloatVector.fromArray(S, s2, o2 + c2).fma(FloatVector.fromArray(S, coef, cOff + 8 * BLOCK), a);
        }
        a = a.add(FloatVector.fromArray(S, bias, bOff));
        if (clamp) {
            FloatVector l = FloatVector.broadcast(S, lo);
            FloatVector h = FloatVector.broadcast(S, hi);
            a = a.blend(l, a.compare(VectorOperators.LT, l));
            a = a.blend(h, a.compare(VectorOperators.GT, h));
        }
        a.intoArray(dst, d);
    }

    /** One border position: the kernel columns inside the input worked out, then {@link #taps}. */
    private static void border(int x, int sx, int px, int dx, int iw, int kw, int ky0, int ky1, float[] coef,
            int cOff, int rowStep, int colStep, float[] src, int s, float[] bias, int bOff, boolean clamp, float lo,
            float hi, float[] dst, int d) {
        int x0 = x * sx - px;
        int kx0 = x0 >= 0 ? 0 : Math.ceilDiv(-x0, dx);
        int kx1 = iw - 1 - x0 < 0 ? 0 : Math.min(kw, (iw - 1 - x0) / dx + 1);
        taps(ky0, ky1, kx0, Math.max(kx0, kx1), kw, coef, cOff, rowStep, colStep, src, s, 0, 1, bias, bOff, clamp, lo,
                hi, dst, d);
    }

    /**
     * n positions {@code step} apart, kernel rows {@code [ky0, ky1)} and columns {@code [kx0, kx1)}: tap (ky, kx) of
     * position j reads {@code src[s + j * step + ky * rowStep + kx * colStep]}; one running sum in tap order.
     */
    private static void taps(int ky0, int ky1, int kx0, int kx1, int kw, float[] coef, int cOff, int rowStep,
            int colStep, float[] src, int s, int step, int n, float[] bias, int bOff, boolean clamp, float lo,
            float hi, float[] dst, int d) {
        FloatVector bv = FloatVector.fromArray(S, bias, bOff);
        FloatVector l = FloatVector.broadcast(S, lo);
        FloatVector h = FloatVector.broadcast(S, hi);
        for (int j = 0; j < n; j++) {
            int p = s + j * step;
            FloatVector a = FloatVector.zero(S);
            for (int ky = ky0; ky < ky1; ky++) {
                for (int kx = kx0; kx < kx1; kx++) {
                    a = FloatVector.fromArray(S, src, p + ky * rowStep + kx * colStep)
                            .fma(FloatVector.fromArray(S, coef, cOff + (ky * kw + kx) * BLOCK), a);
                }
            }
            a = a.add(bv);
            if (clamp) {
                a = a.blend(l, a.compare(VectorOperators.LT, l));
                a = a.blend(h, a.compare(VectorOperators.GT, h));
            }
            a.intoArray(dst, d + j * BLOCK);
        }
    }

    /** 3x3, all nine taps inside, any stride: two positions per step, the nine weight vectors in registers. */
    private static void nineAnyStride(float[] coef, int cOff, int colStep, float[] s0, int o0, float[] s1, int o1,
            float[] s2, int o2, int step, int n, float[] bias, int bOff, boolean clamp, float lo, float hi,
            float[] dst, int d) {
        FloatVector w0 = FloatVector.fromArray(S, coef, cOff);
        FloatVector w1 = FloatVector.fromArray(S, coef, cOff + BLOCK);
        FloatVector w2 = FloatVector.fromArray(S, coef, cOff + 2 * BLOCK);
        FloatVector w3 = FloatVector.fromArray(S, coef, cOff + 3 * BLOCK);
        FloatVector w4 = FloatVector.fromArray(S, coef, cOff + 4 * BLOCK);
        FloatVector w5 = FloatVector.fromArray(S, coef, cOff + 5 * BLOCK);
        FloatVector w6 = FloatVector.fromArray(S, coef, cOff + 6 * BLOCK);
        FloatVector w7 = FloatVector.fromArray(S, coef, cOff + 7 * BLOCK);
        FloatVector w8 = FloatVector.fromArray(S, coef, cOff + 8 * BLOCK);
        FloatVector bv = FloatVector.fromArray(S, bias, bOff);
        FloatVector l = FloatVector.broadcast(S, lo);
        FloatVector h = FloatVector.broadcast(S, hi);
        int c1 = colStep;
        int c2 = 2 * colStep;
        int j = 0;
        for (; j + 2 <= n; j += 2) {
            int p = j * step;
            int q = p + step;
            FloatVector a = FloatVector.fromArray(S, s0, o0 + p).mul(w0);
            FloatVector b = FloatVector.fromArray(S, s0, o0 + q).mul(w0);
            a = FloatVector.fromArray(S, s0, o0 + p + c1).fma(w1, a);
            b = FloatVector.fromArray(S, s0, o0 + q + c1).fma(w1, b);
            a = FloatVector.fromArray(S, s0, o0 + p + c2).fma(w2, a);
            b = FloatVector.fromArray(S, s0, o0 + q + c2).fma(w2, b);
            a = FloatVector.fromArray(S, s1, o1 + p).fma(w3, a);
            b = FloatVector.fromArray(S, s1, o1 + q).fma(w3, b);
            a = FloatVector.fromArray(S, s1, o1 + p + c1).fma(w4, a);
            b = FloatVector.fromArray(S, s1, o1 + q + c1).fma(w4, b);
            a = FloatVector.fromArray(S, s1, o1 + p + c2).fma(w5, a);
            b = FloatVector.fromArray(S, s1, o1 + q + c2).fma(w5, b);
            a = FloatVector.fromArray(S, s2, o2 + p).fma(w6, a);
            b = FloatVector.fromArray(S, s2, o2 + q).fma(w6, b);
            a = FloatVector.fromArray(S, s2, o2 + p + c1).fma(w7, a);
            b = FloatVector.fromArray(S, s2, o2 + q + c1).fma(w7, b);
            a = FloatVector.fromArray(S, s2, o2 + p + c2).fma(w8, a);
            b = FloatVector.fromArray(S, s2, o2 + q + c2).fma(w8, b);
            a = a.add(bv);
            b = b.add(bv);
            if (clamp) {
                a = a.blend(l, a.compare(VectorOperators.LT, l));
                b = b.blend(l, b.compare(VectorOperators.LT, l));
                a = a.blend(h, a.compare(VectorOperators.GT, h));
                b = b.blend(h, b.compare(VectorOperators.GT, h));
            }
            a.intoArray(dst, d + j * BLOCK);
            b.intoArray(dst, d + (j + 1) * BLOCK);
        }
        if (j < n) {
            int p = j * step;
            FloatVector a = FloatVector.fromArray(S, s0, o0 + p).mul(w0);
            a = FloatVector.fromArray(S, s0, o0 + p + c1).fma(w1, a);
            a = FloatVector.fromArray(S, s0, o0 + p + c2).fma(w2, a);
            a = FloatVector.fromArray(S, s1, o1 + p).fma(w3, a);
            a = FloatVector.fromArray(S, s1, o1 + p + c1).fma(w4, a);
            a = FloatVector.fromArray(S, s1, o1 + p + c2).fma(w5, a);
            a = FloatVector.fromArray(S, s2, o2 + p).fma(w6, a);
            a = FloatVector.fromArray(S, s2, o2 + p + c1).fma(w7, a);
            a = FloatVector.fromArray(S, s2, o2 + p + c2).fma(w8, a);
            a = a.add(bv);
            if (clamp) {
                a = a.blend(l, a.compare(VectorOperators.LT, l));
                a = a.blend(h, a.compare(VectorOperators.GT, h));
            }
            a.intoArray(dst, d + j * BLOCK);
        }
    }

    /**
     * 3x3, all nine taps inside, stride 1, n a multiple of 4: four positions per step, each kernel row's six input
     * vectors loaded once for the four (18 loads for 36 FMAs), the nine weight vectors in registers.
     */
    private static void nineStride1(float[] coef, int cOff, float[] s0, int o0, float[] s1, int o1, float[] s2,
            int o2, int n, float[] bias, int bOff, boolean clamp, float lo, float hi, float[] dst, int d) {
        FloatVector w0 = FloatVector.fromArray(S, coef, cOff);
        FloatVector w1 = FloatVector.fromArray(S, coef, cOff + BLOCK);
        FloatVector w2 = FloatVector.fromArray(S, coef, cOff + 2 * BLOCK);
        FloatVector w3 = FloatVector.fromArray(S, coef, cOff + 3 * BLOCK);
        FloatVector w4 = FloatVector.fromArray(S, coef, cOff + 4 * BLOCK);
        FloatVector w5 = FloatVector.fromArray(S, coef, cOff + 5 * BLOCK);
        FloatVector w6 = FloatVector.fromArray(S, coef, cOff + 6 * BLOCK);
        FloatVector w7 = FloatVector.fromArray(S, coef, cOff + 7 * BLOCK);
        FloatVector w8 = FloatVector.fromArray(S, coef, cOff + 8 * BLOCK);
        FloatVector bv = FloatVector.fromArray(S, bias, bOff);
        FloatVector l = FloatVector.broadcast(S, lo);
        FloatVector h = FloatVector.broadcast(S, hi);
        for (int j = 0; j < n; j += 4) {
            int p = j * BLOCK;
            int q = o0 + p;
            FloatVector x0 = FloatVector.fromArray(S, s0, q);
            FloatVector x1 = FloatVector.fromArray(S, s0, q + BLOCK);
            FloatVector x2 = FloatVector.fromArray(S, s0, q + 2 * BLOCK);
            FloatVector x3 = FloatVector.fromArray(S, s0, q + 3 * BLOCK);
            FloatVector x4 = FloatVector.fromArray(S, s0, q + 4 * BLOCK);
            FloatVector x5 = FloatVector.fromArray(S, s0, q + 5 * BLOCK);
            FloatVector a0 = x0.mul(w0);
            FloatVector a1 = x1.mul(w0);
            FloatVector a2 = x2.mul(w0);
            FloatVector a3 = x3.mul(w0);
            a0 = x1.fma(w1, a0);
            a1 = x2.fma(w1, a1);
            a2 = x3.fma(w1, a2);
            a3 = x4.fma(w1, a3);
            a0 = x2.fma(w2, a0);
            a1 = x3.fma(w2, a1);
            a2 = x4.fma(w2, a2);
            a3 = x5.fma(w2, a3);
            q = o1 + p;
            x0 = FloatVector.fromArray(S, s1, q);
            x1 = FloatVector.fromArray(S, s1, q + BLOCK);
            x2 = FloatVector.fromArray(S, s1, q + 2 * BLOCK);
            x3 = FloatVector.fromArray(S, s1, q + 3 * BLOCK);
            x4 = FloatVector.fromArray(S, s1, q + 4 * BLOCK);
            x5 = FloatVector.fromArray(S, s1, q + 5 * BLOCK);
            a0 = x0.fma(w3, a0);
            a1 = x1.fma(w3, a1);
            a2 = x2.fma(w3, a2);
            a3 = x3.fma(w3, a3);
            a0 = x1.fma(w4, a0);
            a1 = x2.fma(w4, a1);
            a2 = x3.fma(w4, a2);
            a3 = x4.fma(w4, a3);
            a0 = x2.fma(w5, a0);
            a1 = x3.fma(w5, a1);
            a2 = x4.fma(w5, a2);
            a3 = x5.fma(w5, a3);
            q = o2 + p;
            x0 = FloatVector.fromArray(S, s2, q);
            x1 = FloatVector.fromArray(S, s2, q + BLOCK);
            x2 = FloatVector.fromArray(S, s2, q + 2 * BLOCK);
            x3 = FloatVector.fromArray(S, s2, q + 3 * BLOCK);
            x4 = FloatVector.fromArray(S, s2, q + 4 * BLOCK);
            x5 = FloatVector.fromArray(S, s2, q + 5 * BLOCK);
            a0 = x0.fma(w6, a0);
            a1 = x1.fma(w6, a1);
            a2 = x2.fma(w6, a2);
            a3 = x3.fma(w6, a3);
            a0 = x1.fma(w7, a0);
            a1 = x2.fma(w7, a1);
            a2 = x3.fma(w7, a2);
            a3 = x4.fma(w7, a3);
            a0 = x2.fma(w8, a0);
            a1 = x3.fma(w8, a1);
            a2 = x4.fma(w8, a2);
            a3 = x5.fma(w8, a3);
            a0 = a0.add(bv);
            a1 = a1.add(bv);
            a2 = a2.add(bv);
            a3 = a3.add(bv);
            if (clamp) {
                a0 = a0.blend(l, a0.compare(VectorOperators.LT, l));
                a1 = a1.blend(l, a1.compare(VectorOperators.LT, l));
                a2 = a2.blend(l, a2.compare(VectorOperators.LT, l));
                a3 = a3.blend(l, a3.compare(VectorOperators.LT, l));
                a0 = a0.blend(h, a0.compare(VectorOperators.GT, h));
                a1 = a1.blend(h, a1.compare(VectorOperators.GT, h));
                a2 = a2.blend(h, a2.compare(VectorOperators.GT, h));
                a3 = a3.blend(h, a3.compare(VectorOperators.GT, h));
            }
            int o = d + j * BLOCK;
            a0.intoArray(dst, o);
            a1.intoArray(dst, o + BLOCK);
            a2.intoArray(dst, o + 2 * BLOCK);
            a3.intoArray(dst, o + 3 * BLOCK);
        }
    }
}
