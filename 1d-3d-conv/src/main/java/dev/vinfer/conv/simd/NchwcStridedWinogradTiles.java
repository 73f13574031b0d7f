package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The transforms of {@code dev.vinfer.conv.NchwcStridedWinogradConv} on channel-blocked tiles, a vector of lanes at
 * a time: see {@code Backend.nchwcStridedWinogradInput} and {@code nchwcStridedWinogradOutput} for the layouts,
 * {@code StridedWinogradTransform} for the algorithm. Along each axis the even pixels go through F(m,2) and the odd
 * ones are copied (input), or added to output i (output).
 *
 * <p>Written out for the matrices {@code StridedWinogradTransform} builds, checked on every call ({@link #form}):
 * m = 2, F(2,2) on the points 0, 1: {@code B^T = [-1 1 0; 0 1 0; 0 -1 1]}, {@code A^T = [1 1 0; 0 1 1]}; m = 4,
 * F(4,2) on 0, 1, -1, 2: {@code B^T = [2 -1 -2 1 0; 0 -2 -1 1 0; 0 2 -3 1 0; 0 -1 0 1 0; 0 2 -1 -2 1]} through the
 * shared term {@code s = e3 - e1}, {@code A^T = [1 1 1 1 0; 0 1 -1 2 0; 0 1 1 4 0; 0 1 -1 8 1]}. Other matrices
 * return false and the caller runs the plain loops.
 *
 * <p>No method here takes or returns a vector (project rule, bench/README.md "Convolution engine").
 */
final class NchwcStridedWinogradTiles {
    private static final int BLOCK = 16;
    private static final float[] BT2 = {-1, 1, 0, 0, 1, 0, 0, -1, 1};
    private static final float[] AT2 = {1, 1, 0, 0, 1, 1};
    private static final float[] BT4 = {2, -1, -2, 1, 0, 0, -2, -1, 1, 0, 0, 2, -3, 1, 0, 0, -1, 0, 1, 0, 0, 2, -1,
        -2, 1};
    private static final float[] AT4 = {1, 1, 1, 1, 0, 0, 1, -1, 2, 0, 0, 1, 1, 4, 0, 0, 1, -1, 8, 1};

    private NchwcStridedWinogradTiles() {
    }

    /** Whether {@code bte} and {@code ate} are the matrices written out here for {@code m}. */
    static boolean form(int m, float[] bte, float[] ate) {
        if (m == 2) {
            return bte.length >= 9 && ate.length >= 6 && Arrays.equals(bte, 0, 9, BT2, 0, 9)
                    && Arrays.equals(ate, 0, 6, AT2, 0, 6);
        }
        return m == 4 && bte.length >= 25 && ate.length >= 20 && Arrays.equals(bte, 0, 25, BT4, 0, 25)
                && Arrays.equals(ate, 0, 20, AT4, 0, 20);
    }

    /** The input matrix written out for {@code m} (to check an output matrix alone), or an empty one. */
    static float[] inputFor(int m) {
        return m == 2 ? BT2 : m == 4 ? BT4 : new float[0];
    }

    /** The output matrix written out for {@code m} (to check an input matrix alone), or an empty one. */
    static float[] outputFor(int m) {
        return m == 2 ? AT2 : m == 4 ? AT4 : new float[0];
    }

    /** See {@code Backend.nchwcStridedWinogradInput}; arguments checked by the caller, matrices by {@link #form}. */
    static void input(int m, float[] x, int xOff, int cols, int tilesPerRow, int tile0, int tiles, float[] v,
            int vOff, int[] posOff, float[] tmp, int tmpOff) {
        int t = 2 * m + 1;
        int rowStep = cols * BLOCK;
        for (int i = 0; i < tiles; i++) {
            int tile = tile0 + i;
            int o = xOff + ((tile / tilesPerRow) * 2 * m * cols + (tile % tilesPerRow) * 2 * m) * BLOCK;
            int d = vOff + i * BLOCK;
            for (int l = 0; l < BLOCK; l += L) {
                // along H, the even rows through F(m,2): tmp row r (r <= m), the tile's t columns
                for (int j = 0; j < t; j++) {
                    if (m == 4) {
                        even4(x, o + j * BLOCK + l, 2 * rowStep, tmp, tmpOff + j * BLOCK + l, t * BLOCK);
                    } else {
                        even2(x, o + j * BLOCK + l, 2 * rowStep, tmp, tmpOff + j * BLOCK + l, t * BLOCK);
                    }
                }
                // along W: the transformed even rows from tmp, the odd rows straight from the tile
                for (int p = 0; p < t; p++) {
                    float[] src = p <= m ? tmp : x;
                    int s = p <= m ? tmpOff + p * t * BLOCK + l : o + (2 * (p - m - 1) + 1) * rowStep + l;
                    if (m == 4) {
                        row4(src, s, v, d + l, posOff, p * t);
                    } else {
                        row2(src, s, v, d + l, posOff, p * t);
                    }
                }
            }
        }
    }

    /** F(2,2) on the 3 even values {@code src[s + k * step]}: the 3 results to {@code dst[d + r * dStep]}. */
    private static void even2(float[] src, int s, int step, float[] dst, int d, int dStep) {
        FloatVector e0 = FloatVector.fromArray(S, src, s);
        FloatVector e1 = FloatVector.fromArray(S, src, s + step);
        FloatVector e2 = FloatVector.fromArray(S, src, s + 2 * step);
        e1.sub(e0).intoArray(dst, d);
        e1.intoArray(dst, d + dStep);
        e2.sub(e1).intoArray(dst, d + 2 * dStep);
    }

    /** F(4,2) on the 5 even values {@code src[s + k * step]}: the 5 results to {@code dst[d + r * dStep]}. */
    private static void even4(float[] src, int s, int step, float[] dst, int d, int dStep) {
        FloatVector e0 = FloatVector.fromArray(S, src, s);
        FloatVector e1 = FloatVector.fromArray(S, src, s + step);
        FloatVector e2 = FloatVector.fromArray(S, src, s + 2 * step);
        FloatVector e3 = FloatVector.fromArray(S, src, s + 3 * step);
        FloatVector e4 = FloatVector.fromArray(S, src, s + 4 * step);
        FloatVector sh = e3.sub(e1);
        e0.sub(e2).fma(FloatVector.broadcast(S, 2f), sh).intoArray(dst, d);
        sh.sub(e1.add(e2)).intoArray(dst, d + dStep);
        e1.sub(e2).fma(FloatVector.broadcast(S, 3f), sh).intoArray(dst, d + 2 * dStep);
        sh.intoArray(dst, d + 3 * dStep);
        sh.fma(FloatVector.broadcast(S, -2f), e4.sub(e2)).intoArray(dst, d + 4 * dStep);
    }

    /**
     * One row of 5 values {@code src[s + c * 16]}: the even ones through F(2,2) to positions {@code base + r}, the odd
     * ones to {@code base + 3 + k}, each at {@code v[d + posOff[...]]}.
     */
    private static void row2(float[] src, int s, float[] v, int d, int[] posOff, int base) {
        FloatVector e0 = FloatVector.fromArray(S, src, s);
        FloatVector e1 = FloatVector.fromArray(S, src, s + 2 * BLOCK);
        FloatVector e2 = FloatVector.fromArray(S, src, s + 4 * BLOCK);
        e1.sub(e0).intoArray(v, d + posOff[base]);
        e1.intoArray(v, d + posOff[base + 1]);
        e2.sub(e1).intoArray(v, d + posOff[base + 2]);
        FloatVector.fromArray(S, src, s + BLOCK).intoArray(v, d + posOff[base + 3]);
        FloatVector.fromArray(S, src, s + 3 * BLOCK).intoArray(v, d + posOff[base + 4]);
    }

    /** As {@link #row2} for 9 values, F(4,2), odd ones to {@code base + 5 + k}. */
    private static void row4(float[] src, int s, float[] v, int d, int[] posOff, int base) {
        FloatVector e0 = FloatVector.fromArray(S, src, s);
        FloatVector e1 = FloatVector.fromArray(S, src, s + 2 * BLOCK);
        FloatVector e2 = FloatVector.fromArray(S, src, s + 4 * BLOCK);
        FloatVector e3 = FloatVector.fromArray(S, src, s + 6 * BLOCK);
        FloatVector e4 = FloatVector.fromArray(S, src, s + 8 * BLOCK);
        FloatVector sh = e3.sub(e1);
        e0.sub(e2).fma(FloatVector.broadcast(S, 2f), sh).intoArray(v, d + posOff[base]);
        sh.sub(e1.add(e2)).intoArray(v, d + posOff[base + 1]);
        e1.sub(e2).fma(FloatVector.broadcast(S, 3f), sh).intoArray(v, d + posOff[base + 2]);
        sh.intoArray(v, d + posOff[base + 3]);
        sh.fma(FloatVector.broadcast(S, -2f), e4.sub(e2)).intoArray(v, d + posOff[base + 4]);
        for (int k = 0; k < 4; k++) {
            FloatVector.fromArray(S, src, s + (2 * k + 1) * BLOCK).intoArray(v, d + posOff[base + 5 + k]);
        }
    }

    /** See {@code Backend.nchwcStridedWinogradOutput}; arguments checked by the caller, matrices by {@link #form}. */
    static void output(int m, float[] o, int oOff, int[] posOff, int tilesPerRow, int tile0, int tiles,
            float[] bias, int bOff, float[] res, int resDelta, float[] y, int yOff, int oh, int ow, int lanes,
            float lo, float hi, float[] tmp, int tmpOff) {
        int t = 2 * m + 1;
        for (int i = 0; i < tiles; i++) {
            int tile = tile0 + i;
            int ty = tile / tilesPerRow * m;
            int tx = tile % tilesPerRow * m;
            if (ty >= oh) {
                break;
            }
            int s = oOff + i * BLOCK;
            int rowsHere = Math.min(m, oh - ty);
            int colsHere = Math.min(m, ow - tx);
            for (int l = 0; l < BLOCK; l += L) {
                // along H: tmp[a][q] for the tile's rows a and all t column positions q
                for (int q = 0; q < t; q++) {
                    if (m == 4) {
                        column4(o, s + l, posOff, q, tmp, tmpOff + q * BLOCK + l, t * BLOCK);
                    } else {
                        column2(o, s + l, posOff, q, tmp, tmpOff + q * BLOCK + l, t * BLOCK);
                    }
                }
                for (int a = 0; a < rowsHere; a++) {
                    int d = yOff + ((ty + a) * ow + tx) * BLOCK + l;
                    store(m, tmp, tmpOff + a * t * BLOCK + l, colsHere, bias, bOff + l, res, resDelta, y, d, lo, hi);
                }
            }
            if (lanes < BLOCK) {
                for (int a = 0; a < rowsHere; a++) {
                    int d = yOff + ((ty + a) * ow + tx) * BLOCK;
                    for (int b = 0; b < colsHere; b++) {
                        Arrays.fill(y, d + b * BLOCK + lanes, d + (b + 1) * BLOCK, 0f);
                    }
                }
            }
        }
    }

    /** Along H for m = 2: column position q's 5 products into {@code tmp[d + a * dStep]}, a < 2. */
    private static void column2(float[] o, int s, int[] posOff, int q, float[] tmp, int d, int dStep) {
        FloatVector p0 = FloatVector.fromArray(S, o, s + posOff[q]);
        FloatVector p1 = FloatVector.fromArray(S, o, s + posOff[5 + q]);
        FloatVector p2 = FloatVector.fromArray(S, o, s + posOff[10 + q]);
        FloatVector q0 = FloatVector.fromArray(S, o, s + posOff[15 + q]);
        FloatVector q1 = FloatVector.fromArray(S, o, s + posOff[20 + q]);
        p0.add(p1).add(q0).intoArray(tmp, d);
        p1.add(p2).add(q1).intoArray(tmp, d + dStep);
    }

    /** Along H for m = 4: column position q's 9 products into {@code tmp[d + a * dStep]}, a < 4. */
    private static void column4(float[] o, int s, int[] posOff, int q, float[] tmp, int d, int dStep) {
        FloatVector p0 = FloatVector.fromArray(S, o, s + posOff[q]);
        FloatVector p1 = FloatVector.fromArray(S, o, s + posOff[9 + q]);
        FloatVector p2 = FloatVector.fromArray(S, o, s + posOff[18 + q]);
        FloatVector p3 = FloatVector.fromArray(S, o, s + posOff[27 + q]);
        FloatVector p4 = FloatVector.fromArray(S, o, s + posOff[36 + q]);
        FloatVector sum = p1.add(p2);
        FloatVector dif = p1.sub(p2);
        p0.add(sum).add(p3).add(FloatVector.fromArray(S, o, s + posOff[45 + q])).intoArray(tmp, d);
        p3.fma(FloatVector.broadcast(S, 2f), dif).add(FloatVector.fromArray(S, o, s + posOff[54 + q]))
                .intoArray(tmp, d + dStep);
        p3.fma(FloatVector.broadcast(S, 4f), sum).add(FloatVector.fromArray(S, o, s + posOff[63 + q]))
                .intoArray(tmp, d + 2 * dStep);
        p3.fma(FloatVector.broadcast(S, 8f), dif).add(p4).add(FloatVector.fromArray(S, o, s + posOff[72 + q]))
                .intoArray(tmp, d + 3 * dStep);
    }

    /**
     * Along W: one output row from the {@code 2m + 1} values {@code tmp[r + q * 16]}, its first {@code cols} outputs
     * plus residual and bias, clamped, stored at {@code y[d + b * 16]}.
     */
    private static void store(int m, float[] tmp, int r, int cols, float[] bias, int bOff, float[] res,
            int resDelta, float[] y, int d, float lo, float hi) {
        FloatVector bv = FloatVector.fromArray(S, bias, bOff);
        // the terms F(4,2)'s outputs share, loaded and combined once for the row (positions 1-3 exist for m = 2 too)
        FloatVector p1 = FloatVector.fromArray(S, tmp, r + BLOCK);
        FloatVector p2 = FloatVector.fromArray(S, tmp, r + 2 * BLOCK);
        FloatVector p3 = FloatVector.fromArray(S, tmp, r + 3 * BLOCK);
        FloatVector s12 = p1.add(p2);
        FloatVector d12 = p1.sub(p2);
        for (int b = 0; b < cols; b++) {
            FloatVector z;
            if (m == 4) {
                z = switch (b) {
                    case 0 -> FloatVector.fromArray(S, tmp, r).add(s12).add(p3);
                    case 1 -> p3.fma(FloatVector.broadcast(S, 2f), d12);
                    case 2 -> p3.fma(FloatVector.broadcast(S, 4f), s12);
                    default -> p3.fma(FloatVector.broadcast(S, 8f), d12)
                            .add(FloatVector.fromArray(S, tmp, r + 4 * BLOCK));
                };
                z = z.add(FloatVector.fromArray(S, tmp, r + (5 + b) * BLOCK));
            } else {
                z = FloatVector.fromArray(S, tmp, r + b * BLOCK).add(FloatVector.fromArray(S, tmp, r + (b + 1) * BLOCK))
                        .add(FloatVector.fromArray(S, tmp, r + (3 + b) * BLOCK));
            }
            int p = d + b * BLOCK;
            if (res != null) {
                z = z.add(FloatVector.fromArray(S, res, p + resDelta));
            }
            z = z.add(bv);
            if (lo > Float.NEGATIVE_INFINITY) {
                // compare and blend (NaN stays NaN), each bound only where finite, as the other NCHWc kernels
                FloatVector lv = FloatVector.broadcast(S, lo);
                z = z.blend(lv, z.compare(VectorOperators.LT, lv));
            }
            if (hi < Float.POSITIVE_INFINITY) {
                FloatVector hv = FloatVector.broadcast(S, hi);
                z = z.blend(hv, z.compare(VectorOperators.GT, hv));
            }
            z.intoArray(y, p);
        }
    }
}
