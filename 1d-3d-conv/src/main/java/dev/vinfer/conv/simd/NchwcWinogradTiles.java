package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import java.util.Arrays;
import java.util.Objects;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The Winograd transforms of {@code dev.vinfer.conv.NchwcWinogradConv} on channel-blocked tiles, 16 channels (one
 * or two vectors) at a time: see {@code Backend.nchwcWinogradInput} and {@code nchwcWinogradOutput} for the
 * layouts. Each 2-D transform is two passes of the 1-D one, along H into a scratch of {@code t x t} vectors (L1),
 * then along W into V (or into the output).
 *
 * <p>F(4,3), the one ResNet-type planes use, is written out with the shared terms of its matrices (13 vector
 * operations for 6 inputs where the matrix product takes 36 multiply-adds): input
 * {@code B^T = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1]}, output
 * {@code A^T = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1]}, the matrices {@code WinogradTransform}
 * derives for the points 0, 1, -1, 2, -2 (checked on every call: {@link #isF43Input}, {@link #isF43Output}); F(2,3)
 * likewise in {@link NchwcWinogradF23}. Other sizes run the matrix product as it stands.
 *
 * <p>No method here takes or returns a vector (project rule, bench/README.md "Convolution engine").
 */
final class NchwcWinogradTiles {
    private static final int BLOCK = 16;
    private static final float[] F43_BT = {4, 0, -5, 0, 1, 0, 0, -4, -4, 1, 1, 0, 0, 4, -4, -1, 1, 0, 0, -2, -1, 2, 1,
        0, 0, 2, -1, -2, 1, 0, 0, 4, 0, -5, 0, 1};
    private static final float[] F43_AT = {1, 1, 1, 1, 1, 0, 0, 1, -1, 2, -2, 0, 0, 1, 1, 4, 4, 0, 0, 1, -1, 8, -8,
        1};

    private NchwcWinogradTiles() {
    }

    /** Which written-out input transform {@code bt} has: {@link #F43}, {@link #F23} or {@link #GENERAL}. */
    static int inputForm(int t, float[] bt) {
        return isF43Input(t, bt) ? F43 : NchwcWinogradF23.isInput(t, bt) ? F23 : GENERAL;
    }

    /** Which written-out output transform {@code at} has: {@link #F43}, {@link #F23} or {@link #GENERAL}. */
    static int outputForm(int t, float[] at) {
        return isF43Output(t, at) ? F43 : NchwcWinogradF23.isOutput(t, at) ? F23 : GENERAL;
    }

    /** Transform forms: the matrix product as it stands, F(2,3) ({@link NchwcWinogradF23}) or F(4,3) written out. */
    static final int GENERAL = 0;
    static final int F23 = 2;
    static final int F43 = 4;

    /** Whether {@code bt} is the F(4,3) input matrix the written-out input transform computes. */
    static boolean isF43Input(int t, float[] bt) {
        return t == 6 && bt.length >= 36 && Arrays.equals(bt, 0, 36, F43_BT, 0, 36);
    }

    /** Whether {@code at} is the F(4,3) output matrix the written-out output transform computes. */
    static boolean isF43Output(int t, float[] at) {
        return t == 6 && at.length >= 24 && Arrays.equals(at, 0, 24, F43_AT, 0, 24);
    }

    /** See {@code Backend.nchwcWinogradInput}. */
    static void input(int t, int m, float[] bt, float[] x, int xOff, int cols, int tilesPerRow, int tile0, int tiles,
            float[] v, int vOff, int posStride, float[] tmp, int tmpOff, int form) {
        if (tiles <= 0) {
            return;
        }
        if ((tilesPerRow - 1) * m + t > cols || tile0 < 0 || tmpOff < 0 || tmp.length - tmpOff < t * t * BLOCK) {
            throw new IllegalArgumentException("Winograd input: " + tilesPerRow + " tiles of " + t + " in " + cols
                    + " columns, first tile " + tile0 + ", scratch " + tmp.length + " from " + tmpOff);
        }
        int last = tile0 + tiles - 1;
        Objects.checkFromIndexSize(xOff + origin(tile0, tilesPerRow, m, cols), 0, x.length);
        Objects.checkFromIndexSize(xOff + origin(last, tilesPerRow, m, cols), ((t - 1) * cols + t) * BLOCK, x.length);
        Objects.checkFromIndexSize(vOff, (t * t - 1) * posStride + tiles * BLOCK, v.length);
        for (int i = 0; i < tiles; i++) {
            int o = xOff + origin(tile0 + i, tilesPerRow, m, cols);
            int d = vOff + i * BLOCK;
            if (form == F43) {
                inputColumnsF43(x, o, cols * BLOCK, tmp, tmpOff);
                inputRowsF43(tmp, tmpOff, v, d, posStride);
            } else if (form == F23) {
                NchwcWinogradF23.input(x, o, cols * BLOCK, tmp, tmpOff, v, d, posStride);
            } else {
                passes(t, t, bt, x, o, cols * BLOCK, BLOCK, tmp, tmpOff, t * BLOCK, BLOCK);
                passes(t, t, bt, tmp, tmpOff, BLOCK, t * BLOCK, v, d, posStride, t * posStride);
            }
        }
    }

    /** Offset of tile {@code n}'s first pixel in its plane. */
    private static int origin(int n, int tilesPerRow, int m, int cols) {
        return ((n / tilesPerRow) * m * cols + (n % tilesPerRow) * m) * BLOCK;
    }

    /**
     * Along H for F(4,3): for each of the 6 columns j, the column's 6 pixels ({@code rowStep} apart) into
     * {@code tmp[tb + (q * 6 + j) * 16]}.
     */
    private static void inputColumnsF43(float[] x, int o, int rowStep, float[] tmp, int tb) {
        for (int j = 0; j < 6; j++) {
            for (int l = 0; l < BLOCK; l += L) {
                inputLineF43(x, o + j * BLOCK + l, rowStep, tmp, tb + j * BLOCK + l, 6 * BLOCK);
            }
        }
    }

    /** Along W for F(4,3): row q of {@code tmp} (from {@code tb}) into positions {@code q * 6 + r} of V. */
    private static void inputRowsF43(float[] tmp, int tb, float[] v, int d, int posStride) {
        for (int q = 0; q < 6; q++) {
            for (int l = 0; l < BLOCK; l += L) {
                inputLineF43(tmp, tb + q * 6 * BLOCK + l, BLOCK, v, d + q * 6 * posStride + l, posStride);
            }
        }
    }

    /**
     * One 1-D F(4,3) input transform of one vector of lanes: the 6 values {@code src[s + k * sStep]} to
     * {@code dst[d + r * dStep]}, {@code B^T}'s rows through their shared terms.
     */
    private static void inputLineF43(float[] src, int s, int sStep, float[] dst, int d, int dStep) {
        FloatVector p4 = FloatVector.broadcast(S, 4f);
        FloatVector n4 = FloatVector.broadcast(S, -4f);
        FloatVector n5 = FloatVector.broadcast(S, -5f);
        FloatVector d0 = FloatVector.fromArray(S, src, s);
        FloatVector d1 = FloatVector.fromArray(S, src, s + sStep);
        FloatVector d2 = FloatVector.fromArray(S, src, s + 2 * sStep);
        FloatVector d3 = FloatVector.fromArray(S, src, s + 3 * sStep);
        FloatVector d4 = FloatVector.fromArray(S, src, s + 4 * sStep);
        FloatVector d5 = FloatVector.fromArray(S, src, s + 5 * sStep);
        FloatVector a = d2.fma(n4, d4);
        FloatVector b = d1.fma(n4, d3);
        FloatVector c = d4.sub(d2);
        FloatVector e = d3.sub(d1);
        e = e.add(e);
        d0.fma(p4, d2.fma(n5, d4)).intoArray(dst, d);
        a.add(b).intoArray(dst, d + dStep);
        a.sub(b).intoArray(dst, d + 2 * dStep);
        c.add(e).intoArray(dst, d + 3 * dStep);
        c.sub(e).intoArray(dst, d + 4 * dStep);
        d1.fma(p4, d3.fma(n5, d5)).intoArray(dst, d + 5 * dStep);
    }

    /**
     * {@code rowsOut} 1-D transforms by the {@code rowsOut x t} matrix {@code mat}, for each of {@code t} lines:
     * line j's k-th value at {@code src[sOff + j * sLine + k * sStep]}, its q-th result to
     * {@code dst[dOff + q * dRow + j * dStep]}; 16 lanes per value.
     */
    private static void passes(int rowsOut, int t, float[] mat, float[] src, int sOff, int sStep, int sLine,
            float[] dst, int dOff, int dRow, int dStep) {
        for (int j = 0; j < t; j++) {
            for (int q = 0; q < rowsOut; q++) {
                for (int l = 0; l < BLOCK; l += L) {
                    FloatVector acc = FloatVector.zero(S);
                    for (int k = 0; k < t; k++) {
                        acc = FloatVector.fromArray(S, src, sOff + j * sLine + k * sStep + l).fma(
                                FloatVector.broadcast(S, mat[q * t + k]), acc);
                    }
                    acc.intoArray(dst, dOff + q * dRow + j * dStep + l);
                }
            }
        }
    }

    /** See {@code Backend.nchwcWinogradOutput}. */
    static void output(int t, int m, float[] at, float[] o, int oOff, int posStride, int tilesPerRow, int tile0,
            int tiles, float[] bias, int bOff, float[] res, int resDelta, float[] y, int yOff, int oh, int ow,
            int lanes, float lo, float hi, float[] tmp, int tmpOff, int form) {
        if (tiles <= 0) {
            return;
        }
        if (tmpOff < 0 || tmp.length - tmpOff < t * t * BLOCK || tile0 < 0 || tilesPerRow * m < ow) {
            throw new IllegalArgumentException("Winograd output: " + tilesPerRow + " tiles of " + m + " for " + ow
                    + " columns, first tile " + tile0 + ", scratch " + tmp.length + " from " + tmpOff);
        }
        Objects.checkFromIndexSize(oOff, (t * t - 1) * posStride + tiles * BLOCK, o.length);
        Objects.checkFromIndexSize(yOff, oh * ow * BLOCK, y.length);
        Objects.checkFromIndexSize(bOff, BLOCK, bias.length);
        if (res != null) {
            Objects.checkFromIndexSize(yOff + resDelta, oh * ow * BLOCK, res.length);
        }
        boolean clamp = lo > Float.NEGATIVE_INFINITY || hi < Float.POSITIVE_INFINITY;
        for (int i = 0; i < tiles; i++) {
            int tile = tile0 + i;
            int ty = tile / tilesPerRow * m;
            int tx = tile % tilesPerRow * m;
            if (ty >= oh) {
                break;
            }
            int s = oOff + i * BLOCK;
            if (form == F43) {
                outputColumnsF43(o, s, posStride, tmp, tmpOff);
            } else if (form == F23) {
                NchwcWinogradF23.outputColumns(o, s, posStride, tmp, tmpOff);
            } else {
                passes(m, t, at, o, s, t * posStride, posStride, tmp, tmpOff, t * BLOCK, BLOCK);
            }
            int rowsHere = Math.min(m, oh - ty);
            int colsHere = Math.min(m, ow - tx);
            for (int a = 0; a < rowsHere; a++) {
                int d = yOff + ((ty + a) * ow + tx) * BLOCK;
                if (form == F43 && colsHere == 4) {
                    outputRowF43(tmp, tmpOff + a * 6 * BLOCK, bias, bOff, res, resDelta, y, d, clamp, lo, hi);
                } else if (form == F23 && colsHere == 2) {
                    NchwcWinogradF23.outputRow(tmp, tmpOff + a * 4 * BLOCK, bias, bOff, res, resDelta, y, d, clamp, lo,
                            hi);
                } else {
                    outputRow(t, at, colsHere, tmp, tmpOff + a * t * BLOCK, bias, bOff, res, resDelta, y, d, clamp,
                            lo, hi);
                }
                if (lanes < BLOCK) {
                    for (int b = 0; b < colsHere; b++) {
                        Arrays.fill(y, d + b * BLOCK + lanes, d + (b + 1) * BLOCK, 0f);
                    }
                }
            }
        }
    }

    /**
     * Along H for F(4,3): for each of the 6 columns j, positions {@code k * 6 + j} into
     * {@code tmp[tb + (a * 6 + j) * 16]}.
     */
    private static void outputColumnsF43(float[] o, int s, int posStride, float[] tmp, int tb) {
        FloatVector p2 = FloatVector.broadcast(S, 2f);
        FloatVector p4 = FloatVector.broadcast(S, 4f);
        FloatVector p8 = FloatVector.broadcast(S, 8f);
        for (int j = 0; j < 6; j++) {
            for (int l = 0; l < BLOCK; l += L) {
                int p = s + j * posStride + l;
                FloatVector o0 = FloatVector.fromArray(S, o, p);
                FloatVector o1 = FloatVector.fromArray(S, o, p + 6 * posStride);
                FloatVector o2 = FloatVector.fromArray(S, o, p + 12 * posStride);
                FloatVector o3 = FloatVector.fromArray(S, o, p + 18 * posStride);
                FloatVector o4 = FloatVector.fromArray(S, o, p + 24 * posStride);
                FloatVector o5 = FloatVector.fromArray(S, o, p + 30 * posStride);
                FloatVector s12 = o1.add(o2);
                FloatVector d12 = o1.sub(o2);
                FloatVector s34 = o3.add(o4);
                FloatVector d34 = o3.sub(o4);
                int q = tb + j * BLOCK + l;
                o0.add(s12).add(s34).intoArray(tmp, q);
                d34.fma(p2, d12).intoArray(tmp, q + 6 * BLOCK);
                s34.fma(p4, s12).intoArray(tmp, q + 12 * BLOCK);
                d34.fma(p8, d12).add(o5).intoArray(tmp, q + 18 * BLOCK);
            }
        }
    }

    /**
     * Along W for F(4,3), one output row of a whole tile: the 6 values of {@code tmp[r..]} into 4 outputs, plus the
     * residual and bias, clamped, stored at {@code y[d]}, 16 floats apart.
     */
    private static void outputRowF43(float[] tmp, int r, float[] bias, int bOff, float[] res, int resDelta,
            float[] y, int d, boolean clamp, float lo, float hi) {
        FloatVector p2 = FloatVector.broadcast(S, 2f);
        FloatVector p4 = FloatVector.broadcast(S, 4f);
        FloatVector p8 = FloatVector.broadcast(S, 8f);
        for (int l = 0; l < BLOCK; l += L) {
            FloatVector o0 = FloatVector.fromArray(S, tmp, r + l);
            FloatVector o1 = FloatVector.fromArray(S, tmp, r + BLOCK + l);
            FloatVector o2 = FloatVector.fromArray(S, tmp, r + 2 * BLOCK + l);
            FloatVector o3 = FloatVector.fromArray(S, tmp, r + 3 * BLOCK + l);
            FloatVector o4 = FloatVector.fromArray(S, tmp, r + 4 * BLOCK + l);
            FloatVector o5 = FloatVector.fromArray(S, tmp, r + 5 * BLOCK + l);
            FloatVector s12 = o1.add(o2);
            FloatVector d12 = o1.sub(o2);
            FloatVector s34 = o3.add(o4);
            FloatVector d34 = o3.sub(o4);
            FloatVector z0 = o0.add(s12).add(s34);
            FloatVector z1 = d34.fma(p2, d12);
            FloatVector z2 = s34.fma(p4, s12);
            FloatVector z3 = d34.fma(p8, d12).add(o5);
            int p = d + l;
            if (res != null) {
                z0 = z0.add(FloatVector.fromArray(S, res, p + resDelta));
                z1 = z1.add(FloatVector.fromArray(S, res, p + BLOCK + resDelta));
                z2 = z2.add(FloatVector.fromArray(S, res, p + 2 * BLOCK + resDelta));
                z3 = z3.add(FloatVector.fromArray(S, res, p + 3 * BLOCK + resDelta));
            }
            FloatVector b = FloatVector.fromArray(S, bias, bOff + l);
            z0 = z0.add(b);
            z1 = z1.add(b);
            z2 = z2.add(b);
            z3 = z3.add(b);
            if (clamp && lo > Float.NEGATIVE_INFINITY) {
                // min(max(v, lo), hi) by compare and blend (NaN stays NaN), each bound only where it is finite, as
                // the other NCHWc kernels
                FloatVector lv = FloatVector.broadcast(S, lo);
                z0 = z0.blend(lv, z0.compare(VectorOperators.LT, lv));
                z1 = z1.blend(lv, z1.compare(VectorOperators.LT, lv));
                z2 = z2.blend(lv, z2.compare(VectorOperators.LT, lv));
                z3 = z3.blend(lv, z3.compare(VectorOperators.LT, lv));
            }
            if (clamp && hi < Float.POSITIVE_INFINITY) {
                FloatVector hv = FloatVector.broadcast(S, hi);
                z0 = z0.blend(hv, z0.compare(VectorOperators.GT, hv));
                z1 = z1.blend(hv, z1.compare(VectorOperators.GT, hv));
                z2 = z2.blend(hv, z2.compare(VectorOperators.GT, hv));
                z3 = z3.blend(hv, z3.compare(VectorOperators.GT, hv));
            }
            z0.intoArray(y, p);
            z1.intoArray(y, p + BLOCK);
            z2.intoArray(y, p + 2 * BLOCK);
            z3.intoArray(y, p + 3 * BLOCK);
        }
    }

    /**
     * Along W by the matrix, one output row of {@code cols} outputs (a tile cut by the plane's edge, or another
     * size): {@code tmp[r + j * 16]} for j < t into outputs b < cols, plus residual and bias, clamped.
     */
    private static void outputRow(int t, float[] at, int cols, float[] tmp, int r, float[] bias, int bOff,
            float[] res, int resDelta, float[] y, int d, boolean clamp, float lo, float hi) {
        for (int b = 0; b < cols; b++) {
            for (int l = 0; l < BLOCK; l += L) {
                FloatVector acc = FloatVector.zero(S);
                for (int j = 0; j < t; j++) {
                    FloatVector c = FloatVector.broadcast(S, at[b * t + j]);
                    acc = FloatVector.fromArray(S, tmp, r + j * BLOCK + l).fma(c, acc);
                }
                int p = d + b * BLOCK + l;
                if (res != null) {
                    acc = acc.add(FloatVector.fromArray(S, res, p + resDelta));
                }
                acc = acc.add(FloatVector.fromArray(S, bias, bOff + l));
                if (clamp) {
                    FloatVector lv = FloatVector.broadcast(S, lo);
                    FloatVector hv = FloatVector.broadcast(S, hi);
                    acc = acc.blend(lv, acc.compare(VectorOperators.LT, lv));
                    acc = acc.blend(hv, acc.compare(VectorOperators.GT, hv));
                }
                acc.intoArray(y, p);
            }
        }
    }
}
