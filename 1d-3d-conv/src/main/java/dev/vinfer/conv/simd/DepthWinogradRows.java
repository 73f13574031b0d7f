package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import jdk.incubator.vector.FloatVector;

/**
 * The output transform of the depth Winograd convolution ({@code DepthWinogradConv}) over whole rows: per vector of
 * pixels each output depth is accumulated from the bias by FMA over the t product rows with the broadcast A^T
 * coefficients, clamped (ReLU, Clip or nothing) and stored. F(2,7) (8 rows, 2 outputs) keeps its 16 coefficients in
 * registers and loads each product row once; other tiles reload the rows per output (from L1). The general
 * {@code combine} passes took a call per output row with two passes of four taps, then a separate
 * bias-and-activation pass: 4.7 ms of the ResNet3D stem's 48 at F(2,7), 2.5 this way. Callers pass offsets already
 * checked ({@code DepthWinogradChecks.output}).
 */
final class DepthWinogradRows {
    private DepthWinogradRows() {
    }

    static void output(int outs, int t, float[] at, float[] src, int srcOff, int srcStride, float bias, float lo,
            float hi, float[] dst, int dOff, int dStride, int len) {
        int bound = S.loopBound(len);
        if (t == 8 && outs == 2) {
            output8(at, src, srcOff, srcStride, bias, lo, hi, dst, dOff, dOff + dStride, bound);
        } else {
            FloatVector b = FloatVector.broadcast(S, bias);
            FloatVector floor = FloatVector.broadcast(S, lo);
            FloatVector ceil = FloatVector.broadcast(S, hi);
            // Any other tile: per output row, the t product rows again (from L1), coefficients broadcast in the loop.
            for (int i = 0; i < bound; i += L) {
                for (int j = 0; j < outs; j++) {
                    FloatVector y = b;
                    for (int xi = 0; xi < t; xi++) {
                        y = FloatVector.fromArray(S, src, srcOff + xi * srcStride + i)
                                .fma(FloatVector.broadcast(S, at[j * t + xi]), y);
                    }
                    y.max(floor).min(ceil).intoArray(dst, dOff + j * dStride + i);
                }
            }
        }
        for (int j = 0; j < outs; j++) {
            for (int i = bound; i < len; i++) {
                float y = bias;
                for (int xi = 0; xi < t; xi++) {
                    y = Math.fma(at[j * t + xi], src[srcOff + xi * srcStride + i], y);
                }
                dst[dOff + j * dStride + i] = Math.min(Math.max(y, lo), hi);
            }
        }
    }

    /** F(2,7) (8 product rows, two outputs), the 16 coefficients in registers, whole vectors up to {@code bound}. */
    private static void output8(float[] at, float[] src, int srcOff, int ss, float bias, float lo, float hi,
            float[] dst, int d0, int d1, int bound) {
        // Bias and bounds come in as floats: a vector argument is boxed whenever C2 does not inline the call.
        FloatVector b = FloatVector.broadcast(S, bias);
        FloatVector floor = FloatVector.broadcast(S, lo);
        FloatVector ceil = FloatVector.broadcast(S, hi);
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
