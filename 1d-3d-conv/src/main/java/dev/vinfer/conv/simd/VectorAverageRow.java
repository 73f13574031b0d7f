package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import dev.vinfer.conv.NchwcLayout;
import jdk.incubator.vector.FloatVector;

/**
 * {@code Backend.nchwcAverageRow} on the Vector API: a position's 16 channels are one 16-lane vector (or two or four
 * narrower ones), so a window's taps are whole-vector adds in the scalar twin's order (rows first, from the first
 * tap), and the results equal it bit for bit.
 */
final class VectorAverageRow {
    private static final int BLOCK = NchwcLayout.BLOCK;

    private VectorAverageRow() {
    }

    /** Arguments checked by the caller ({@code NchwcChecks.averageRow}). */
    static void apply(float[] in, int inOff, int rowStride, int kh, int kw, int stride, int cols, float[] out,
            int outOff) {
        float count = kh * kw;
        for (int j = 0; j < cols; j++) {
            int base = inOff + j * stride * BLOCK;
            for (int l = 0; l < BLOCK; l += L) {
                FloatVector sum = FloatVector.fromArray(S, in, base + l);
                for (int r = 0; r < kh; r++) {
                    for (int c = r == 0 ? 1 : 0; c < kw; c++) {
                        sum = sum.add(FloatVector.fromArray(S, in, base + r * rowStride + c * BLOCK + l));
                    }
                }
                sum.div(count).intoArray(out, outOff + j * BLOCK + l);
            }
        }
    }
}
