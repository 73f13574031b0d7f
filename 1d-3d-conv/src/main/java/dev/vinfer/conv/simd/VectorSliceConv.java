package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import dev.vinfer.conv.PlaneLayout;
import dev.vinfer.conv.SliceKernel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * The Vector API kernel of {@code SliceConv3d}: along each output row, a block of 4 output channels x 4 vectors
 * (16 accumulators) or 1 channel x 4 vectors is held in registers while every tap of the kernel streams by; each
 * tap costs 4 input loads and 4 (or 1) weight broadcasts for 16 (or 4) FMAs. Rows end with single vectors and one
 * masked store, so the zero border right of the row is never written. Input reads past the row stay inside the
 * layout's border and {@link PlaneLayout#SLACK}.
 */
public final class VectorSliceConv implements SliceKernel {
    public static final VectorSliceConv INSTANCE = new VectorSliceConv();

    private VectorSliceConv() {
    }

    @Override
    public void rows(float[][] in, int[] inOff, int kd, int[] tapShift, float[] w, float[] bias, int[] blocks,
            boolean relu, PlaneLayout il, float[] out, int outOff, PlaneLayout ol, int y0, int y1) {
        int taps = tapShift.length;
        int width = ol.width();
        int wBase = 0;
        int o0 = 0;
        for (int n : blocks) {
            for (int y = y0; y < y1; y++) {
                int src = il.index(0, y, 0);
                int dst = outOff + ol.index(o0, y, 0);
                int x = 0;
                for (; x + 4 * L <= width; x += 4 * L) {
                    if (n == 4) {
                        block4x4(in, inOff, kd, tapShift, w, wBase, bias, o0, relu, src + x, out, dst + x,
                                ol.planeStride());
                    } else {
                        block1x4(in, inOff, kd, tapShift, w, wBase, bias[o0], relu, src + x, out, dst + x);
                    }
                }
                for (; x < width; x += L) {
                    block1x1(in, inOff, kd, tapShift, w, wBase, n, bias, o0, relu, src + x, out, dst + x,
                            ol.planeStride(), Math.min(L, width - x));
                }
            }
            wBase += n * kd * taps;
            o0 += n;
        }
    }

    private static void block4x4(float[][] in, int[] inOff, int kd, int[] shift, float[] w, int wi, float[] bias,
            int o0, boolean relu, int src, float[] out, int dst, int plane) {
        FloatVector a00 = FloatVector.zero(S);
        FloatVector a01 = a00;
        FloatVector a02 = a00;
        FloatVector a03 = a00;
        FloatVector a10 = a00;
        FloatVector a11 = a00;
        FloatVector a12 = a00;
        FloatVector a13 = a00;
        FloatVector a20 = a00;
        FloatVector a21 = a00;
        FloatVector a22 = a00;
        FloatVector a23 = a00;
        FloatVector a30 = a00;
        FloatVector a31 = a00;
        FloatVector a32 = a00;
        FloatVector a33 = a00;
        int taps = shift.length;
        for (int z = 0; z < kd; z++) {
            float[] a = in[z];
            if (a == null) {
                wi += 4 * taps;
                continue;
            }
            int base = inOff[z] + src;
            for (int t = 0; t < taps; t++, wi += 4) {
                int o = base + shift[t];
                FloatVector v0 = FloatVector.fromArray(S, a, o);
                FloatVector v1 = FloatVector.fromArray(S, a, o + L);
                FloatVector v2 = FloatVector.fromArray(S, a, o + 2 * L);
                FloatVector v3 = FloatVector.fromArray(S, a, o + 3 * L);
                FloatVector w0 = FloatVector.broadcast(S, w[wi]);
                FloatVector w1 = FloatVector.broadcast(S, w[wi + 1]);
                FloatVector w2 = FloatVector.broadcast(S, w[wi + 2]);
                FloatVector w3 = FloatVector.broadcast(S, w[wi + 3]);
                a00 = v0.fma(w0, a00);
                a01 = v1.fma(w0, a01);
                a02 = v2.fma(w0, a02);
                a03 = v3.fma(w0, a03);
                a10 = v0.fma(w1, a10);
                a11 = v1.fma(w1, a11);
                a12 = v2.fma(w1, a12);
                a13 = v3.fma(w1, a13);
                a20 = v0.fma(w2, a20);
                a21 = v1.fma(w2, a21);
                a22 = v2.fma(w2, a22);
                a23 = v3.fma(w2, a23);
                a30 = v0.fma(w3, a30);
                a31 = v1.fma(w3, a31);
                a32 = v2.fma(w3, a32);
                a33 = v3.fma(w3, a33);
            }
        }
        // Stored here rather than through a helper: passing vectors to a method that is not inlined makes C2 box
        // them, and then the accumulators inside the loop too (a tenfold slowdown measured).
        float lo = relu ? 0f : Float.NEGATIVE_INFINITY;
        FloatVector b = FloatVector.broadcast(S, bias[o0]);
        a00.add(b).max(lo).intoArray(out, dst);
        a01.add(b).max(lo).intoArray(out, dst + L);
        a02.add(b).max(lo).intoArray(out, dst + 2 * L);
        a03.add(b).max(lo).intoArray(out, dst + 3 * L);
        b = FloatVector.broadcast(S, bias[o0 + 1]);
        a10.add(b).max(lo).intoArray(out, dst + plane);
        a11.add(b).max(lo).intoArray(out, dst + plane + L);
        a12.add(b).max(lo).intoArray(out, dst + plane + 2 * L);
        a13.add(b).max(lo).intoArray(out, dst + plane + 3 * L);
        b = FloatVector.broadcast(S, bias[o0 + 2]);
        a20.add(b).max(lo).intoArray(out, dst + 2 * plane);
        a21.add(b).max(lo).intoArray(out, dst + 2 * plane + L);
        a22.add(b).max(lo).intoArray(out, dst + 2 * plane + 2 * L);
        a23.add(b).max(lo).intoArray(out, dst + 2 * plane + 3 * L);
        b = FloatVector.broadcast(S, bias[o0 + 3]);
        a30.add(b).max(lo).intoArray(out, dst + 3 * plane);
        a31.add(b).max(lo).intoArray(out, dst + 3 * plane + L);
        a32.add(b).max(lo).intoArray(out, dst + 3 * plane + 2 * L);
        a33.add(b).max(lo).intoArray(out, dst + 3 * plane + 3 * L);
    }

    private static void block1x4(float[][] in, int[] inOff, int kd, int[] shift, float[] w, int wi, float bias,
            boolean relu, int src, float[] out, int dst) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int taps = shift.length;
        for (int z = 0; z < kd; z++) {
            float[] a = in[z];
            if (a == null) {
                wi += taps;
                continue;
            }
            int base = inOff[z] + src;
            for (int t = 0; t < taps; t++, wi++) {
                int o = base + shift[t];
                FloatVector wv = FloatVector.broadcast(S, w[wi]);
                a0 = FloatVector.fromArray(S, a, o).fma(wv, a0);
                a1 = FloatVector.fromArray(S, a, o + L).fma(wv, a1);
                a2 = FloatVector.fromArray(S, a, o + 2 * L).fma(wv, a2);
                a3 = FloatVector.fromArray(S, a, o + 3 * L).fma(wv, a3);
            }
        }
        float lo = relu ? 0f : Float.NEGATIVE_INFINITY;
        FloatVector b = FloatVector.broadcast(S, bias);
        a0.add(b).max(lo).intoArray(out, dst);
        a1.add(b).max(lo).intoArray(out, dst + L);
        a2.add(b).max(lo).intoArray(out, dst + 2 * L);
        a3.add(b).max(lo).intoArray(out, dst + 3 * L);
    }

    /** One vector of each of the block's n channels (n = 1 or 4), its first {@code lanes} lanes stored. */
    private static void block1x1(float[][] in, int[] inOff, int kd, int[] shift, float[] w, int wi, int n,
            float[] bias, int o0, boolean relu, int src, float[] out, int dst, int plane, int lanes) {
        // The mask is made here from a lane count: a mask argument is boxed when C2 does not inline the call
        // (seen: "already compiled into a big method" in the candy style-transfer model).
        VectorMask<Float> m = S.indexInRange(0, lanes);
        int taps = shift.length;
        for (int o = 0; o < n; o++) {
            FloatVector acc = FloatVector.zero(S);
            int wo = wi + o;
            for (int z = 0; z < kd; z++) {
                float[] a = in[z];
                if (a == null) {
                    wo += n * taps;
                    continue;
                }
                int base = inOff[z] + src;
                for (int t = 0; t < taps; t++, wo += n) {
                    acc = FloatVector.fromArray(S, a, base + shift[t]).fma(FloatVector.broadcast(S, w[wo]), acc);
                }
            }
            acc.add(bias[o0 + o]).max(relu ? 0f : Float.NEGATIVE_INFINITY).intoArray(out, dst + o * plane, m);
        }
    }
}
