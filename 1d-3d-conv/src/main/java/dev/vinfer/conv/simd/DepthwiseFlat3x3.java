package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * 3x3, stride 1, pad 1 depthwise convolution of one plane whose rows are narrower than a vector (MobileNetV2's 14x14
 * and 7x7 layers): the plane is computed as one flat run, each output vector spanning row ends.
 *
 * <p>In the flat index {@code i = r * cols + c}, tap (kh, kw) reads {@code i + (kh - 1) * cols + (kw - 1)}: one
 * constant offset per tap, once the plane is copied into per-thread scratch with {@code cols + 1} zeros before and
 * {@code cols + 1 + L} after it (rows -1 and {@code rows}). The left taps of column 0 and the right taps of the last
 * column would read the neighbouring row's end: those lanes are zeroed by a blend, with masks from a per-thread
 * table of row starts and ends (rebuilt, without allocating once grown, when the geometry changes). Every output
 * vector is then 9 loads, 6 blends and 9 FMAs, the last one stored under a mask. Measured against the channel-
 * blocked kernel (its two transposes) in {@code DepthwiseConv#NARROW_MIN}: it wins at 14x14, loses at 7x7 (a
 * first version with three masked copies of the plane instead of blends lost at both: 1.12 and 1.21 at 14x14).
 *
 * <p>Rounding: the 9 taps in order (kh, kw) by FMA from 0, the padding's zeros included (adding {@code w * 0}
 * changes no sum), then {@code + bias} and the clamp: the plain loops' operations in their order, so the result
 * equals theirs bit for bit (an infinite weight meets a padding zero as NaN here, as in {@link DepthwiseSlide3x3}).
 */
final class DepthwiseFlat3x3 {
    /** {@code -Dvinfer.depthwiseFlat=false}: narrow planes go back to the plain loops (and AUTO to the blocked kernel). */
    static final boolean ENABLED = !"false".equals(System.getProperty("vinfer.depthwiseFlat"));

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** A thread's padded plane, and which flat positions start and end a row for the last geometry seen. */
    private static final class Scratch {
        float[] x = new float[0];
        boolean[] first = new boolean[0];
        boolean[] last = new boolean[0];
        int cols = -1;
        int plane = -1;

        void edges(int cols, int plane) {
            // Lanes past the plane (up to a vector) are computed and not stored.
            if (first.length < plane + L) {
                first = new boolean[plane + L];
                last = new boolean[plane + L];
            }
            for (int i = 0; i < plane + L; i++) {
                first[i] = i % cols == 0;
                last[i] = i % cols == cols - 1;
            }
            this.cols = cols;
            this.plane = plane;
        }
    }

    private DepthwiseFlat3x3() {
    }

    /**
     * {@code dst[dOff + r * cols + c] = min(max(bias + sum of the 3x3 taps around (r, c), lo), hi)}, zero outside
     * the plane, for a plane of {@code rows x cols} at {@code src[sOff]}. Arguments are assumed checked.
     */
    static void plane(float[] coef, int cOff, float[] src, int sOff, int rows, int cols, float bias, float lo,
            float hi, float[] dst, int dOff) {
        int plane = rows * cols;
        int margin = cols + 1;
        int len = margin + plane + margin + L; // zeros, the plane, zeros (and a vector of slack)
        Scratch sc = SCRATCH.get();
        if (sc.x.length < len) {
            sc.x = new float[len];
        }
        if (sc.cols != cols || sc.plane != plane) {
            sc.edges(cols, plane);
        }
        float[] x = sc.x;
        java.util.Arrays.fill(x, 0, margin, 0f);
        System.arraycopy(src, sOff, x, margin, plane);
        java.util.Arrays.fill(x, margin + plane, len, 0f);
        boolean[] first = sc.first;
        boolean[] last = sc.last;
        FloatVector w00 = FloatVector.broadcast(S, coef[cOff]);
        FloatVector w01 = FloatVector.broadcast(S, coef[cOff + 1]);
        FloatVector w02 = FloatVector.broadcast(S, coef[cOff + 2]);
        FloatVector w10 = FloatVector.broadcast(S, coef[cOff + 3]);
        FloatVector w11 = FloatVector.broadcast(S, coef[cOff + 4]);
        FloatVector w12 = FloatVector.broadcast(S, coef[cOff + 5]);
        FloatVector w20 = FloatVector.broadcast(S, coef[cOff + 6]);
        FloatVector w21 = FloatVector.broadcast(S, coef[cOff + 7]);
        FloatVector w22 = FloatVector.broadcast(S, coef[cOff + 8]);
        FloatVector b = FloatVector.broadcast(S, bias);
        FloatVector l = FloatVector.broadcast(S, lo);
        FloatVector h = FloatVector.broadcast(S, hi);
        // Tap (kh, kw) of output i reads x[margin + i + (kh - 1) * cols + kw - 1].
        int up = margin - cols;
        int down = margin + cols;
        for (int i = 0; i < plane; i += L) {
            // Left taps of column 0 and right taps of the last column would read across a row end: zeroed lanes.
            VectorMask<Float> atFirst = VectorMask.fromArray(S, first, i);
            VectorMask<Float> atLast = VectorMask.fromArray(S, last, i);
            FloatVector acc = FloatVector.zero(S);
            acc = FloatVector.fromArray(S, x, up + i - 1).blend(0f, atFirst).fma(w00, acc);
            acc = FloatVector.fromArray(S, x, up + i).fma(w01, acc);
            acc = FloatVector.fromArray(S, x, up + i + 1).blend(0f, atLast).fma(w02, acc);
            acc = FloatVector.fromArray(S, x, margin + i - 1).blend(0f, atFirst).fma(w10, acc);
            acc = FloatVector.fromArray(S, x, margin + i).fma(w11, acc);
            acc = FloatVector.fromArray(S, x, margin + i + 1).blend(0f, atLast).fma(w12, acc);
            acc = FloatVector.fromArray(S, x, down + i - 1).blend(0f, atFirst).fma(w20, acc);
            acc = FloatVector.fromArray(S, x, down + i).fma(w21, acc);
            acc = FloatVector.fromArray(S, x, down + i + 1).blend(0f, atLast).fma(w22, acc);
            // max/min keep NaN, as Math.max/min and the plain loops' epilogue do.
            acc = acc.add(b).max(l).min(h);
            if (i + L <= plane) {
                acc.intoArray(dst, dOff + i);
            } else {
                VectorMask<Float> m = S.indexInRange(i, plane);
                acc.intoArray(dst, dOff + i, m);
            }
        }
    }
}
