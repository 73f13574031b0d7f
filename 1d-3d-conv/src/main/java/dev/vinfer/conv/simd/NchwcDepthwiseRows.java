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
 * <p>3x3 kernels (MobileNet's) run {@link NchwcDepthwise3x3#nine}: per plane an interior loop (four positions per step at stride 1
 * and 2) and a border loop, each with the nine weight vectors in registers, rows and columns outside the image read
 * from a zero row. Other kernels: per output row, the kernel rows that fall inside the input are worked out once;
 * the columns whose taps all lie inside the input (the interior) run without bounds tests, four positions per step,
 * the few border columns with their own tap range. Bias and the clamp of Relu/Clip are applied before the one
 * store; lanes past the channel count are zeroed after.
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
            NchwcDepthwise3x3.nine(g, coef, cOff, bias, bOff, src, sOff, dst, dOff, rowBegin, rowEnd, clamp, lo, hi,
                    xa, xb);
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
                    int quads = (xb - xa) & ~3;
                    if (quads > 0) {
                        tapsQuads(ky0, ky1, kw, coef, c0, rowStep, colStep, src, rowBase + xa * step, step, quads,
                                bias, b0, clamp, lo, hi, dst, d + xa * BLOCK);
                    }
                    if (xb - xa > quads) {
                        taps(ky0, ky1, 0, kw, kw, coef, c0, rowStep, colStep, src, rowBase + (xa + quads) * step,
                                step, xb - xa - quads, bias, b0, clamp, lo, hi, dst, d + (xa + quads) * BLOCK);
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
     * Interior positions (every kernel column inside), n a multiple of 4, four per step: per tap one weight vector
     * for four input vectors (1.25 loads per FMA against 2 one position at a time); one running sum each in tap
     * order, as {@link #taps}.
     */
    private static void tapsQuads(int ky0, int ky1, int kw, float[] coef, int cOff, int rowStep, int colStep,
            float[] src, int s, int step, int n, float[] bias, int bOff, boolean clamp, float lo, float hi,
            float[] dst, int d) {
        FloatVector bv = FloatVector.fromArray(S, bias, bOff);
        FloatVector l = FloatVector.broadcast(S, lo);
        FloatVector h = FloatVector.broadcast(S, hi);
        for (int j = 0; j < n; j += 4) {
            int p = s + j * step;
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            for (int ky = ky0; ky < ky1; ky++) {
                for (int kx = 0; kx < kw; kx++) {
                    FloatVector w = FloatVector.fromArray(S, coef, cOff + (ky * kw + kx) * BLOCK);
                    int q = p + ky * rowStep + kx * colStep;
                    a0 = FloatVector.fromArray(S, src, q).fma(w, a0);
                    a1 = FloatVector.fromArray(S, src, q + step).fma(w, a1);
                    a2 = FloatVector.fromArray(S, src, q + 2 * step).fma(w, a2);
                    a3 = FloatVector.fromArray(S, src, q + 3 * step).fma(w, a3);
                }
            }
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
}
