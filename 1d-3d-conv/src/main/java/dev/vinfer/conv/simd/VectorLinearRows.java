package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import jdk.incubator.vector.FloatVector;

/**
 * {@link dev.vinfer.conv.Backend#linearRows}: a few output rows, each a fixed combination of a few input rows, a
 * vector of columns at a time. With three input rows (a 3-tap Winograd axis) the three input vectors are loaded
 * once and every output row is made from them in registers, so each value is read once and written once. The sum
 * is {@code c0 * s0}, then fused multiply-adds in k order, like the scalar backend's, so both give the same bits.
 */
final class VectorLinearRows {
    private VectorLinearRows() {
    }

    static void apply(int outRows, int inRows, float[] coef, int cOff, float[] src, int sOff, int sStride, int len,
            float[] dst, int dOff, int dStride) {
        int bound = S.loopBound(len);
        if (inRows == 3) {
            int s1 = sOff + sStride;
            int s2 = sOff + 2 * sStride;
            for (int c = 0; c < bound; c += L) {
                FloatVector x0 = FloatVector.fromArray(S, src, sOff + c);
                FloatVector x1 = FloatVector.fromArray(S, src, s1 + c);
                FloatVector x2 = FloatVector.fromArray(S, src, s2 + c);
                for (int j = 0, co = cOff, d = dOff + c; j < outRows; j++, co += 3, d += dStride) {
                    FloatVector acc = x0.mul(coef[co]);
                    acc = x1.fma(FloatVector.broadcast(S, coef[co + 1]), acc);
                    acc = x2.fma(FloatVector.broadcast(S, coef[co + 2]), acc);
                    acc.intoArray(dst, d);
                }
            }
        } else {
            for (int c = 0; c < bound; c += L) {
                for (int j = 0, co = cOff, d = dOff + c; j < outRows; j++, co += inRows, d += dStride) {
                    FloatVector acc = FloatVector.fromArray(S, src, sOff + c).mul(coef[co]);
                    for (int k = 1; k < inRows; k++) {
                        FloatVector x = FloatVector.fromArray(S, src, sOff + k * sStride + c);
                        acc = x.fma(FloatVector.broadcast(S, coef[co + k]), acc);
                    }
                    acc.intoArray(dst, d);
                }
            }
        }
        for (int c = bound; c < len; c++) { // the tail, in the same order (Math.fma rounds once, like the lanes)
            for (int j = 0, co = cOff; j < outRows; j++, co += inRows) {
                float acc = coef[co] * src[sOff + c];
                for (int k = 1; k < inRows; k++) {
                    acc = Math.fma(coef[co + k], src[sOff + k * sStride + c], acc);
                }
                dst[dOff + j * dStride + c] = acc;
            }
        }
    }
}
