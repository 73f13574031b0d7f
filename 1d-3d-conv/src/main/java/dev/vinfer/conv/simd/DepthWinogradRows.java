package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import jdk.incubator.vector.FloatVector;

/**
 * The output transform of the depth Winograd convolution ({@code DepthWinogradConv}) over whole rows: per vector of
 * pixels the t product rows are loaded once, both output depths accumulated from the bias by FMA with the broadcast
 * A^T coefficients (all of F(2, r)'s are powers of two or zero, so each product is exact), clamped and stored.
 * The general {@code combine} passes took a call per output row with two passes of four taps, then a separate
 * bias-and-activation pass: about 4.7 of the ResNet3D stem's 48 ms. Callers pass offsets already checked
 * ({@code DepthWinogradChecks.output}).
 */
final class DepthWinogradRows {
    private DepthWinogradRows() {
    }

    static void output(int t, float[] at, float[] src, int srcOff, int srcStride, float bias, float lo, float hi,
            float[] dst, int d0, int d1, int len) {
        FloatVector b = FloatVector.broadcast(S, bias);
        FloatVector floor = FloatVector.broadcast(S, lo);
        FloatVector ceil = FloatVector.broadcast(S, hi);
        int i = 0;
        int bound = S.loopBound(len);
        if (t == 8 && d1 >= 0) {
            output8(at, src, srcOff, srcStride, b, floor, ceil, dst, d0, d1, bound);
            i = bound;
        } else if (d1 >= 0) {
            for (; i < bound; i += L) {
                FloatVector y0 = b;
                FloatVector y1 = b;
                for (int xi = 0; xi < t; xi++) {
                    FloatVector v = FloatVector.fromArray(S, src, srcOff + xi * srcStride + i);
                    y0 = v.fma(FloatVector.broadcast(S, at[xi]), y0);
                    y1 = v.fma(FloatVector.broadcast(S, at[t + xi]), y1);
                }
                y0.max(floor).min(ceil).intoArray(dst, d0 + i);
                y1.max(floor).min(ceil).intoArray(dst, d1 + i);
            }
        } else {
            for (; i < bound; i += L) {
                FloatVector y0 = b;
                for (int xi = 0; xi < t; xi++) {
                    y0 = FloatVector.fromArray(S, src, srcOff + xi * srcStride + i)
                            .fma(FloatVector.broadcast(S, at[xi]), y0);
                }
                y0.max(floor).min(ceil).intoArray(dst, d0 + i);
            }
        }
        for (; i < len; i++) {
            float y0 = bias;
            float y1 = bias;
            for (int xi = 0; xi < t; xi++) {
                float v = src[srcOff + xi * srcStride + i];
                y0 = Math.fma(at[xi], v, y0);
                y1 = Math.fma(at[t + xi], v, y1);
            }
            dst[d0 + i] = Math.min(Math.max(y0, lo), hi);
            if (d1 >= 0) {
                dst[d1 + i] = Math.min(Math.max(y1, lo), hi);
            }
        }
    }

    /** F(2,7) (8 product rows, two outputs) with the 16 coefficients in registers, whole vectors up to {@code bound}. */
    private static void output8(float[] at, float[] src, int srcOff, int ss, FloatVector b, FloatVector floor,
            FloatVector ceil, float[] dst, int d0, int d1, int bound) {
        FloatVector a0 = FloatVector.broadcast(S, at[0]);
        FloatVector a1 = FloatVector.broadcast(S, at[1]);
        FloatVector a2 = FloatVector.broadcast(S, at[2]);
        FloatVector a3 = FloatVector.broadcast(S, at[3]);
        FloatVector a4 = FloatVector.broadcast(S, at[4]);
        FloatVector a5 = FloatVector.broadcast(S, at[5]);
        FloatVector a6 = FloatVector.broadcast(S, at[6]);
        FloatVector a7 = FloatVector.broadcast(S, at[7]);
        FloatVector e0 = FloatVector.broadcast(S, at[8]);
        FloatVector e1 = FloatVector.broadcast(S, at[9]);
        FloatVector e2 = FloatVector.broadcast(S, at[10]);
        FloatVector e3 = FloatVector.broadcast(S, at[11]);
        FloatVector e4 = FloatVector.broadcast(S, at[12]);
        FloatVector e5 = FloatVector.broadcast(S, at[13]);
        FloatVector e6 = FloatVector.broadcast(S, at[14]);
        FloatVector e7 = FloatVector.broadcast(S, at[15]);
        for (int i = 0; i < bound; i += L) {
            int s = srcOff + i;
            FloatVector v = FloatVector.fromArray(S, src, s);
            FloatVector y0 = v.fma(a0, b);
            FloatVector y1 = v.fma(e0, b);
            v = FloatVector.fromArray(S, src, s + ss);
            y0 = v.fma(a1, y0);
            y1 = v.fma(e1, y1);
            v = FloatVector.fromArray(S, src, s + 2 * ss);
            y0 = v.fma(a2, y0);
            y1 = v.fma(e2, y1);
            v = FloatVector.fromArray(S, src, s + 3 * ss);
            y0 = v.fma(a3, y0);
            y1 = v.fma(e3, y1);
            v = FloatVector.fromArray(S, src, s + 4 * ss);
            y0 = v.fma(a4, y0);
            y1 = v.fma(e4, y1);
            v = FloatVector.fromArray(S, src, s + 5 * ss);
            y0 = v.fma(a5, y0);
            y1 = v.fma(e5, y1);
            v = FloatVector.fromArray(S, src, s + 6 * ss);
            y0 = v.fma(a6, y0);
            y1 = v.fma(e6, y1);
            v = FloatVector.fromArray(S, src, s + 7 * ss);
            y0 = v.fma(a7, y0);
            y1 = v.fma(e7, y1);
            y0.max(floor).min(ceil).intoArray(dst, d0 + i);
            y1.max(floor).min(ceil).intoArray(dst, d1 + i);
        }
    }
}
