package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import dev.vinfer.conv.ConvGeometry;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The 3x3 depthwise convolution of {@link NchwcDepthwiseRows} (MobileNet's): per plane an interior loop four
 * positions a step (stride 1 and 2) and a loop for the rest, each with the nine weight vectors in registers; rows
 * and columns outside the image are read from a shared zero row. No method here takes or returns a vector.
 */
final class NchwcDepthwise3x3 {
    private static final int BLOCK = 16;

    private NchwcDepthwise3x3() {
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
     * 3x3, one block (or half block at 8 lanes) over output rows {@code [rowBegin, rowEnd)}. An input row above or
     * below the image is read from {@link #zeros} instead, and so is a tap column left or right of it at the border
     * positions (adding products with zero changes no sum), so every position runs the same nine taps. Two methods
     * run a plane, each one vector loop with the nine weight vectors in registers: the interior four positions per
     * step ({@link #planeQuadsStride1}, {@link #planeQuadsStride2}) and the rest one by one ({@link #planeSingles}).
     * No vector code here, and no method with more than one vector loop body: with the stride-1, stride-2 and single
     * loops in one method, C2 compiled it with boxed vectors in JVMs whose first depthwise layer had stride 2 (4.7 MB
     * allocated and 18x slower per run), and with one loop of each kind per stride still for stride 2 (2 MB per run);
     * one call per row (weights loaded per row) was 1.3-2.5x slower on 14x14 and 28x28 planes.
     */
    static void nine(ConvGeometry g, float[] coef, int cOff, float[] bias, int bOff, float[] src, int sOff,
            float[] dst, int dOff, int rowBegin, int rowEnd, boolean clamp, float lo, float hi, int xa, int xb) {
        int sx = g.stride(1);
        int colStep = g.dilation(1) * BLOCK;
        float[] zero = zeros((g.outputDim(1) + 1) * sx * BLOCK + 2 * colStep + BLOCK);
        boolean quads = colStep == BLOCK && sx <= 2 && xb - xa >= 4;
        for (int half = 0; half < BLOCK; half += L) {
            int c = cOff + half;
            int b = bOff + half;
            if (quads && sx == 1) {
                planeQuadsStride1(g, coef, c, bias, b, src, sOff + half, zero, dst, dOff + half, rowBegin, rowEnd,
                        clamp, lo, hi, xa, xb);
            } else if (quads) {
                planeQuadsStride2(g, coef, c, bias, b, src, sOff + half, zero, dst, dOff + half, rowBegin, rowEnd,
                        clamp, lo, hi, xa, xb);
            }
            planeSingles(g, coef, c, bias, b, src, sOff + half, zero, dst, dOff + half, rowBegin, rowEnd, clamp, lo,
                    hi, xa, xb, quads);
        }
    }

    /**
     * 3x3 at stride 1 (dilation 1), the interior columns {@code [xa, xb)} ({@code xb - xa >= 4}) of rows
     * {@code [rowBegin, rowEnd)}: four positions per step, each kernel row's six input vectors loaded once for the
     * four (18 loads for 36 FMAs).
     */
    private static void planeQuadsStride1(ConvGeometry g, float[] coef, int c, float[] bias, int b, float[] src,
            int sOff, float[] zero, float[] dst, int dOff, int rowBegin, int rowEnd, boolean clamp, float lo, float hi,
            int xa, int xb) {
        FloatVector w0 = FloatVector.fromArray(S, coef, c);
        FloatVector w1 = FloatVector.fromArray(S, coef, c + BLOCK);
        FloatVector w2 = FloatVector.fromArray(S, coef, c + 2 * BLOCK);
        FloatVector w3 = FloatVector.fromArray(S, coef, c + 3 * BLOCK);
        FloatVector w4 = FloatVector.fromArray(S, coef, c + 4 * BLOCK);
        FloatVector w5 = FloatVector.fromArray(S, coef, c + 5 * BLOCK);
        FloatVector w6 = FloatVector.fromArray(S, coef, c + 6 * BLOCK);
        FloatVector w7 = FloatVector.fromArray(S, coef, c + 7 * BLOCK);
        FloatVector w8 = FloatVector.fromArray(S, coef, c + 8 * BLOCK);
        FloatVector bv = FloatVector.fromArray(S, bias, b);
        FloatVector l = FloatVector.broadcast(S, lo);
        FloatVector h = FloatVector.broadcast(S, hi);
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
        for (int y = rowBegin; y < rowEnd; y++) {
            int y0 = y * sy - py;
            // Each kernel row: the image row, or the zero row (then offsets from 0: x * step + kx * colStep).
            boolean in0 = y0 >= 0 && y0 < ih;
            boolean in1 = y0 + dy >= 0 && y0 + dy < ih;
            boolean in2 = y0 + 2 * dy >= 0 && y0 + 2 * dy < ih;
            float[] r0 = in0 ? src : zero;
            float[] r1 = in1 ? src : zero;
            float[] r2 = in2 ? src : zero;
            // Tap (row, 0) of output column 0, at input column -px.
            int o0 = in0 ? sOff + (y0 * iw - px) * BLOCK : 0;
            int o1 = in1 ? sOff + ((y0 + dy) * iw - px) * BLOCK : 0;
            int o2 = in2 ? sOff + ((y0 + 2 * dy) * iw - px) * BLOCK : 0;
            int d = dOff + y * ow * BLOCK;
            for (int x = xa; x < xb;) {
                // The last step starts at xb - 4, recomputing up to three positions (the same values stored again)
                // instead of running them one by one.
                x = Math.min(x, xb - 4);
                    int p = x * BLOCK;
                    int q = o0 + p;
                    FloatVector x0 = FloatVector.fromArray(S, r0, q);
                    FloatVector x1 = FloatVector.fromArray(S, r0, q + BLOCK);
                    FloatVector x2 = FloatVector.fromArray(S, r0, q + 2 * BLOCK);
                    FloatVector x3 = FloatVector.fromArray(S, r0, q + 3 * BLOCK);
                    FloatVector x4 = FloatVector.fromArray(S, r0, q + 4 * BLOCK);
                    FloatVector x5 = FloatVector.fromArray(S, r0, q + 5 * BLOCK);
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
                    x0 = FloatVector.fromArray(S, r1, q);
                    x1 = FloatVector.fromArray(S, r1, q + BLOCK);
                    x2 = FloatVector.fromArray(S, r1, q + 2 * BLOCK);
                    x3 = FloatVector.fromArray(S, r1, q + 3 * BLOCK);
                    x4 = FloatVector.fromArray(S, r1, q + 4 * BLOCK);
                    x5 = FloatVector.fromArray(S, r1, q + 5 * BLOCK);
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
                    x0 = FloatVector.fromArray(S, r2, q);
                    x1 = FloatVector.fromArray(S, r2, q + BLOCK);
                    x2 = FloatVector.fromArray(S, r2, q + 2 * BLOCK);
                    x3 = FloatVector.fromArray(S, r2, q + 3 * BLOCK);
                    x4 = FloatVector.fromArray(S, r2, q + 4 * BLOCK);
                    x5 = FloatVector.fromArray(S, r2, q + 5 * BLOCK);
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
                    int o = d + p;
                    a0.intoArray(dst, o);
                    a1.intoArray(dst, o + BLOCK);
                    a2.intoArray(dst, o + 2 * BLOCK);
                    a3.intoArray(dst, o + 3 * BLOCK);
                x += 4;
            }
        }
    }

    /**
     * 3x3 at stride 2 (dilation 1), the interior columns {@code [xa, xb)} ({@code xb - xa >= 4}) of rows
     * {@code [rowBegin, rowEnd)}: four positions per step, nine input vectors per kernel row for the four (27 loads
     * for 36 FMAs).
     */
    private static void planeQuadsStride2(ConvGeometry g, float[] coef, int c, float[] bias, int b, float[] src,
            int sOff, float[] zero, float[] dst, int dOff, int rowBegin, int rowEnd, boolean clamp, float lo, float hi,
            int xa, int xb) {
        FloatVector w0 = FloatVector.fromArray(S, coef, c);
        FloatVector w1 = FloatVector.fromArray(S, coef, c + BLOCK);
        FloatVector w2 = FloatVector.fromArray(S, coef, c + 2 * BLOCK);
        FloatVector w3 = FloatVector.fromArray(S, coef, c + 3 * BLOCK);
        FloatVector w4 = FloatVector.fromArray(S, coef, c + 4 * BLOCK);
        FloatVector w5 = FloatVector.fromArray(S, coef, c + 5 * BLOCK);
        FloatVector w6 = FloatVector.fromArray(S, coef, c + 6 * BLOCK);
        FloatVector w7 = FloatVector.fromArray(S, coef, c + 7 * BLOCK);
        FloatVector w8 = FloatVector.fromArray(S, coef, c + 8 * BLOCK);
        FloatVector bv = FloatVector.fromArray(S, bias, b);
        FloatVector l = FloatVector.broadcast(S, lo);
        FloatVector h = FloatVector.broadcast(S, hi);
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
        for (int y = rowBegin; y < rowEnd; y++) {
            int y0 = y * sy - py;
            // Each kernel row: the image row, or the zero row (then offsets from 0: x * step + kx * colStep).
            boolean in0 = y0 >= 0 && y0 < ih;
            boolean in1 = y0 + dy >= 0 && y0 + dy < ih;
            boolean in2 = y0 + 2 * dy >= 0 && y0 + 2 * dy < ih;
            float[] r0 = in0 ? src : zero;
            float[] r1 = in1 ? src : zero;
            float[] r2 = in2 ? src : zero;
            // Tap (row, 0) of output column 0, at input column -px.
            int o0 = in0 ? sOff + (y0 * iw - px) * BLOCK : 0;
            int o1 = in1 ? sOff + ((y0 + dy) * iw - px) * BLOCK : 0;
            int o2 = in2 ? sOff + ((y0 + 2 * dy) * iw - px) * BLOCK : 0;
            int d = dOff + y * ow * BLOCK;
            for (int x = xa; x < xb;) {
                // The last step starts at xb - 4, recomputing up to three positions (the same values stored again)
                // instead of running them one by one.
                x = Math.min(x, xb - 4);
                    // Stride 2: four positions read nine input columns per kernel row (27 loads for 36 FMAs).
                    int p = x * 2 * BLOCK;
                    int q;
                    FloatVector x0;
                    FloatVector x1;
                    FloatVector x2;
                    FloatVector x3;
                    FloatVector x4;
                    FloatVector x5;
                    FloatVector x6;
                    FloatVector x7;
                    FloatVector x8;
                    FloatVector a0;
                    FloatVector a1;
                    FloatVector a2;
                    FloatVector a3;
                    q = o0 + p;
                    x0 = FloatVector.fromArray(S, r0, q + 0 * BLOCK);
                    x1 = FloatVector.fromArray(S, r0, q + 1 * BLOCK);
                    x2 = FloatVector.fromArray(S, r0, q + 2 * BLOCK);
                    x3 = FloatVector.fromArray(S, r0, q + 3 * BLOCK);
                    x4 = FloatVector.fromArray(S, r0, q + 4 * BLOCK);
                    x5 = FloatVector.fromArray(S, r0, q + 5 * BLOCK);
                    x6 = FloatVector.fromArray(S, r0, q + 6 * BLOCK);
                    x7 = FloatVector.fromArray(S, r0, q + 7 * BLOCK);
                    x8 = FloatVector.fromArray(S, r0, q + 8 * BLOCK);
                    a0 = x0.mul(w0);
                    a1 = x2.mul(w0);
                    a2 = x4.mul(w0);
                    a3 = x6.mul(w0);
                    a0 = x1.fma(w1, a0);
                    a1 = x3.fma(w1, a1);
                    a2 = x5.fma(w1, a2);
                    a3 = x7.fma(w1, a3);
                    a0 = x2.fma(w2, a0);
                    a1 = x4.fma(w2, a1);
                    a2 = x6.fma(w2, a2);
                    a3 = x8.fma(w2, a3);
                    q = o1 + p;
                    x0 = FloatVector.fromArray(S, r1, q + 0 * BLOCK);
                    x1 = FloatVector.fromArray(S, r1, q + 1 * BLOCK);
                    x2 = FloatVector.fromArray(S, r1, q + 2 * BLOCK);
                    x3 = FloatVector.fromArray(S, r1, q + 3 * BLOCK);
                    x4 = FloatVector.fromArray(S, r1, q + 4 * BLOCK);
                    x5 = FloatVector.fromArray(S, r1, q + 5 * BLOCK);
                    x6 = FloatVector.fromArray(S, r1, q + 6 * BLOCK);
                    x7 = FloatVector.fromArray(S, r1, q + 7 * BLOCK);
                    x8 = FloatVector.fromArray(S, r1, q + 8 * BLOCK);
                    a0 = x0.fma(w3, a0);
                    a1 = x2.fma(w3, a1);
                    a2 = x4.fma(w3, a2);
                    a3 = x6.fma(w3, a3);
                    a0 = x1.fma(w4, a0);
                    a1 = x3.fma(w4, a1);
                    a2 = x5.fma(w4, a2);
                    a3 = x7.fma(w4, a3);
                    a0 = x2.fma(w5, a0);
                    a1 = x4.fma(w5, a1);
                    a2 = x6.fma(w5, a2);
                    a3 = x8.fma(w5, a3);
                    q = o2 + p;
                    x0 = FloatVector.fromArray(S, r2, q + 0 * BLOCK);
                    x1 = FloatVector.fromArray(S, r2, q + 1 * BLOCK);
                    x2 = FloatVector.fromArray(S, r2, q + 2 * BLOCK);
                    x3 = FloatVector.fromArray(S, r2, q + 3 * BLOCK);
                    x4 = FloatVector.fromArray(S, r2, q + 4 * BLOCK);
                    x5 = FloatVector.fromArray(S, r2, q + 5 * BLOCK);
                    x6 = FloatVector.fromArray(S, r2, q + 6 * BLOCK);
                    x7 = FloatVector.fromArray(S, r2, q + 7 * BLOCK);
                    x8 = FloatVector.fromArray(S, r2, q + 8 * BLOCK);
                    a0 = x0.fma(w6, a0);
                    a1 = x2.fma(w6, a1);
                    a2 = x4.fma(w6, a2);
                    a3 = x6.fma(w6, a3);
                    a0 = x1.fma(w7, a0);
                    a1 = x3.fma(w7, a1);
                    a2 = x5.fma(w7, a2);
                    a3 = x7.fma(w7, a3);
                    a0 = x2.fma(w8, a0);
                    a1 = x4.fma(w8, a1);
                    a2 = x6.fma(w8, a2);
                    a3 = x8.fma(w8, a3);
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
                    int o = d + x * BLOCK;
                    a0.intoArray(dst, o);
                    a1.intoArray(dst, o + BLOCK);
                    a2.intoArray(dst, o + 2 * BLOCK);
                    a3.intoArray(dst, o + 3 * BLOCK);
                x += 4;
            }
        }
    }

    /**
     * 3x3 output positions one at a time, any stride and dilation, a tap column outside the image read from the
     * zero row: every position of rows {@code [rowBegin, rowEnd)}, or with {@code skipInterior} only the border ones
     * (outside {@code [xa, xb)}).
     */
    private static void planeSingles(ConvGeometry g, float[] coef, int c, float[] bias, int b, float[] src,
            int sOff, float[] zero, float[] dst, int dOff, int rowBegin, int rowEnd, boolean clamp, float lo, float hi,
            int xa, int xb, boolean skipInterior) {
        FloatVector w0 = FloatVector.fromArray(S, coef, c);
        FloatVector w1 = FloatVector.fromArray(S, coef, c + BLOCK);
        FloatVector w2 = FloatVector.fromArray(S, coef, c + 2 * BLOCK);
        FloatVector w3 = FloatVector.fromArray(S, coef, c + 3 * BLOCK);
        FloatVector w4 = FloatVector.fromArray(S, coef, c + 4 * BLOCK);
        FloatVector w5 = FloatVector.fromArray(S, coef, c + 5 * BLOCK);
        FloatVector w6 = FloatVector.fromArray(S, coef, c + 6 * BLOCK);
        FloatVector w7 = FloatVector.fromArray(S, coef, c + 7 * BLOCK);
        FloatVector w8 = FloatVector.fromArray(S, coef, c + 8 * BLOCK);
        FloatVector bv = FloatVector.fromArray(S, bias, b);
        FloatVector l = FloatVector.broadcast(S, lo);
        FloatVector h = FloatVector.broadcast(S, hi);
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
        for (int y = rowBegin; y < rowEnd; y++) {
            int y0 = y * sy - py;
            // Each kernel row: the image row, or the zero row (then offsets from 0: x * step + kx * colStep).
            boolean in0 = y0 >= 0 && y0 < ih;
            boolean in1 = y0 + dy >= 0 && y0 + dy < ih;
            boolean in2 = y0 + 2 * dy >= 0 && y0 + 2 * dy < ih;
            float[] r0 = in0 ? src : zero;
            float[] r1 = in1 ? src : zero;
            float[] r2 = in2 ? src : zero;
            // Tap (row, 0) of output column 0, at input column -px.
            int o0 = in0 ? sOff + (y0 * iw - px) * BLOCK : 0;
            int o1 = in1 ? sOff + ((y0 + dy) * iw - px) * BLOCK : 0;
            int o2 = in2 ? sOff + ((y0 + 2 * dy) * iw - px) * BLOCK : 0;
            int d = dOff + y * ow * BLOCK;
            for (int x = 0; x < ow; x++) {
                if (skipInterior && x == xa) {
                    x = xb - 1;
                    continue;
                }
                // One position; a tap column outside the image reads the zero row.
                int x0 = x * sx - px;
                boolean k0 = x >= xa && x < xb || x0 >= 0 && x0 < iw;
                boolean k1 = x >= xa && x < xb || x0 + dx >= 0 && x0 + dx < iw;
                boolean k2 = x >= xa && x < xb || x0 + 2 * dx >= 0 && x0 + 2 * dx < iw;
                int p = x * step;
                FloatVector a = FloatVector.fromArray(S, k0 ? r0 : zero, k0 ? o0 + p : p).mul(w0);
                a = FloatVector.fromArray(S, k1 ? r0 : zero, (k1 ? o0 + p : p) + colStep).fma(w1, a);
                a = FloatVector.fromArray(S, k2 ? r0 : zero, (k2 ? o0 + p : p) + 2 * colStep).fma(w2, a);
                a = FloatVector.fromArray(S, k0 ? r1 : zero, k0 ? o1 + p : p).fma(w3, a);
                a = FloatVector.fromArray(S, k1 ? r1 : zero, (k1 ? o1 + p : p) + colStep).fma(w4, a);
                a = FloatVector.fromArray(S, k2 ? r1 : zero, (k2 ? o1 + p : p) + 2 * colStep).fma(w5, a);
                a = FloatVector.fromArray(S, k0 ? r2 : zero, k0 ? o2 + p : p).fma(w6, a);
                a = FloatVector.fromArray(S, k1 ? r2 : zero, (k1 ? o2 + p : p) + colStep).fma(w7, a);
                a = FloatVector.fromArray(S, k2 ? r2 : zero, (k2 ? o2 + p : p) + 2 * colStep).fma(w8, a);
                a = a.add(bv);
                if (clamp) {
                    a = a.blend(l, a.compare(VectorOperators.LT, l));
                    a = a.blend(h, a.compare(VectorOperators.GT, h));
                }
                a.intoArray(dst, d + x * BLOCK);
            }
        }
    }
}
