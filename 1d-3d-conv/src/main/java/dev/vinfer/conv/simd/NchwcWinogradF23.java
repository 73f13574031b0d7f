package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * F(2,3) written out for {@link NchwcWinogradTiles} (the blocked Winograd of planes up to 16x16: SqueezeNet's 13x13
 * fire modules, ResNet's 256@14x14): input {@code B^T = [-1 0 1 0; 0 1 1 0; 0 -1 1 0; 0 -1 0 1]}, output
 * {@code A^T = [1 1 1 0; 0 1 -1 1]}, the matrices {@code WinogradTransform} derives for the points 0, 1, -1
 * (checked on every call: {@link #isInput}, {@link #isOutput}). One add or subtract per value where the matrix
 * product takes 4 multiply-adds and 4 broadcasts (the general path in {@link NchwcWinogradTiles} spent about 4% of
 * ResNet-18's time there, JFR). Same sums in the same order as that product, so the same values up to the sign of a
 * zero (but an infinite input no longer meets a zero of the matrix: no NaN from {@code 0 x inf}).
 *
 * <p>No method here takes or returns a vector (project rule, bench/README.md "Convolution engine").
 */
final class NchwcWinogradF23 {
    private static final int BLOCK = 16;
    private static final float[] BT = {-1, 0, 1, 0, 0, 1, 1, 0, 0, -1, 1, 0, 0, -1, 0, 1};
    private static final float[] AT = {1, 1, 1, 0, 0, 1, -1, 1};

    private NchwcWinogradF23() {
    }

    static boolean isInput(int t, float[] bt) {
        return t == 4 && bt.length >= 16 && Arrays.equals(bt, 0, 16, BT, 0, 16);
    }

    static boolean isOutput(int t, float[] at) {
        return t == 4 && at.length >= 8 && Arrays.equals(at, 0, 8, AT, 0, 8);
    }

    /**
     * One tile's input transform: the 4 x 4 pixels from {@code x[o]} ({@code rowStep} between rows) along H into
     * {@code tmp[tb + (q * 4 + j) * 16]}, then along W into V's positions {@code q * 4 + r} at {@code v[d]}.
     */
    static void input(float[] x, int o, int rowStep, float[] tmp, int tb, float[] v, int d, int posStride) {
        for (int j = 0; j < 4; j++) {
            for (int l = 0; l < BLOCK; l += L) {
                inputLine(x, o + j * BLOCK + l, rowStep, tmp, tb + j * BLOCK + l, 4 * BLOCK);
            }
        }
        for (int q = 0; q < 4; q++) {
            for (int l = 0; l < BLOCK; l += L) {
                inputLine(tmp, tb + q * 4 * BLOCK + l, BLOCK, v, d + q * 4 * posStride + l, posStride);
            }
        }
    }

    /** The 4 values {@code src[s + k * sStep]} through B^T to {@code dst[d + r * dStep]}. */
    private static void inputLine(float[] src, int s, int sStep, float[] dst, int d, int dStep) {
        FloatVector d0 = FloatVector.fromArray(S, src, s);
        FloatVector d1 = FloatVector.fromArray(S, src, s + sStep);
        FloatVector d2 = FloatVector.fromArray(S, src, s + 2 * sStep);
        FloatVector d3 = FloatVector.fromArray(S, src, s + 3 * sStep);
        d2.sub(d0).intoArray(dst, d);
        d1.add(d2).intoArray(dst, d + dStep);
        d2.sub(d1).intoArray(dst, d + 2 * dStep);
        d3.sub(d1).intoArray(dst, d + 3 * dStep);
    }

    /**
     * Along H: for each of the 4 columns j, positions {@code k * 4 + j} from {@code o[s]} into
     * {@code tmp[tb + (a * 4 + j) * 16]}.
     */
    static void outputColumns(float[] o, int s, int posStride, float[] tmp, int tb) {
        for (int j = 0; j < 4; j++) {
            for (int l = 0; l < BLOCK; l += L) {
                int p = s + j * posStride + l;
                FloatVector o0 = FloatVector.fromArray(S, o, p);
                FloatVector o1 = FloatVector.fromArray(S, o, p + 4 * posStride);
                FloatVector o2 = FloatVector.fromArray(S, o, p + 8 * posStride);
                FloatVector o3 = FloatVector.fromArray(S, o, p + 12 * posStride);
                int q = tb + j * BLOCK + l;
                o0.add(o1).add(o2).intoArray(tmp, q);
                o1.sub(o2).add(o3).intoArray(tmp, q + 4 * BLOCK);
            }
        }
    }

    /**
     * Along W, one output row of a whole tile: the 4 values of {@code tmp[r..]} into 2 outputs, plus the residual and
     * bias, clamped, stored at {@code y[d]} and {@code y[d + 16]}.
     */
    static void outputRow(float[] tmp, int r, float[] bias, int bOff, float[] res, int resDelta, float[] y, int d,
            boolean clamp, float lo, float hi) {
        for (int l = 0; l < BLOCK; l += L) {
            FloatVector t0 = FloatVector.fromArray(S, tmp, r + l);
            FloatVector t1 = FloatVector.fromArray(S, tmp, r + BLOCK + l);
            FloatVector t2 = FloatVector.fromArray(S, tmp, r + 2 * BLOCK + l);
            FloatVector t3 = FloatVector.fromArray(S, tmp, r + 3 * BLOCK + l);
            FloatVector z0 = t0.add(t1).add(t2);
            FloatVector z1 = t1.sub(t2).add(t3);
            int p = d + l;
            if (res != null) {
                z0 = z0.add(FloatVector.fromArray(S, res, p + resDelta));
                z1 = z1.add(FloatVector.fromArray(S, res, p + BLOCK + resDelta));
            }
            FloatVector b = FloatVector.fromArray(S, bias, bOff + l);
            z0 = z0.add(b);
            z1 = z1.add(b);
            if (clamp && lo > Float.NEGATIVE_INFINITY) {
                // compare and blend (NaN stays NaN), each bound only where it is finite, as the other NCHWc kernels
                FloatVector lv = FloatVector.broadcast(S, lo);
                z0 = z0.blend(lv, z0.compare(VectorOperators.LT, lv));
                z1 = z1.blend(lv, z1.compare(VectorOperators.LT, lv));
            }
            if (clamp && hi < Float.POSITIVE_INFINITY) {
                FloatVector hv = FloatVector.broadcast(S, hi);
                z0 = z0.blend(hv, z0.compare(VectorOperators.GT, hv));
                z1 = z1.blend(hv, z1.compare(VectorOperators.GT, hv));
            }
            z0.intoArray(y, p);
            z1.intoArray(y, p + BLOCK);
        }
    }
}
