package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.MR;
import static dev.vinfer.conv.simd.MicroKernel.NR;
import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import jdk.incubator.vector.FloatVector;

/**
 * Copies operand blocks into the panel layouts the {@link MicroKernel} streams through, zero-padding the last
 * panel so edge tiles need no special loads.
 *
 * <p>A block ({@code rows x kc}): panels of {@code MR} rows, each stored k-major: element (i, p) at
 * {@code (i / MR) * MR * kc + p * MR + i % MR}. B block ({@code kc x cols}): panels of {@code NR} columns, each
 * k-major: element (p, j) at {@code (j / NR) * NR * kc + p * NR + j % NR}. Both are contiguous in the order the
 * kernel reads them.
 */
final class VectorPacking {
    private VectorPacking() {
    }

    static int roundUp(int x, int to) {
        return (x + to - 1) / to * to;
    }

    /**
     * Packs {@code op(A)[0:rows, 0:kc]} whose element (i, p) is {@code a[off + i * ld + p]}, or
     * {@code a[off + p * ld + i]} when {@code trans}, into {@code dst[dstOff...]} ({@code roundUp(rows, MR) * kc}
     * floats).
     */
    static void packA(boolean trans, float[] a, int off, int ld, int rows, int kc, float[] dst, int dstOff) {
        packA(trans, a, off, ld, rows, kc, dst, dstOff, MR);
    }

    /**
     * As {@link #packA(boolean, float[], int, int, int, int, float[], int)} in panels of {@code panelRows} rows.
     * With {@code trans} it may write up to {@code L} values past the packed block (never past {@code dst}'s end):
     * callers pack blocks in ascending order into buffers whose later contents are packed after.
     */
    static void packA(boolean trans, float[] a, int off, int ld, int rows, int kc, float[] dst, int dstOff,
            int panelRows) {
        for (int i0 = 0; i0 < rows; i0 += panelRows) {
            int mr = Math.min(panelRows, rows - i0);
            int panel = dstOff + i0 * kc;
            if (trans && mr == panelRows && panelRows <= L) {
                // op(A) rows are contiguous in the source columns: panelRows consecutive values per k step. One
                // vector load and store each (scalar copies took a sixth of a 576->96 @14x14 product as pixel
                // rows); the store spills L - panelRows values past the step, overwritten by the next step (or the
                // next panel's first, packed after this one) or landing in the buffer's slack; the very end of
                // either array goes value by value.
                int p = 0;
                for (; p < kc; p++) {
                    int src = off + p * ld + i0;
                    int d = panel + p * panelRows;
                    if (src + L > a.length || d + L > dst.length) {
                        break;
                    }
                    FloatVector.fromArray(S, a, src).intoArray(dst, d);
                }
                for (; p < kc; p++) {
                    int src = off + p * ld + i0;
                    int d = panel + p * panelRows;
                    for (int r = 0; r < panelRows; r++) {
                        dst[d + r] = a[src + r];
                    }
                }
            } else if (trans) {
                // op(A) rows are contiguous in the source columns: copy panelRows consecutive values per k step.
                for (int p = 0; p < kc; p++) {
                    int src = off + p * ld + i0;
                    int d = panel + p * panelRows;
                    for (int r = 0; r < mr; r++) {
                        dst[d + r] = a[src + r];
                    }
                    for (int r = mr; r < panelRows; r++) {
                        dst[d + r] = 0f;
                    }
                }
            } else {
                for (int r = 0; r < mr; r++) {
                    int src = off + (i0 + r) * ld;
                    int d = panel + r;
                    for (int p = 0; p < kc; p++) {
                        dst[d + p * panelRows] = a[src + p];
                    }
                }
                for (int r = mr; r < panelRows; r++) {
                    for (int p = 0; p < kc; p++) {
                        dst[panel + r + p * panelRows] = 0f;
                    }
                }
            }
        }
    }

    /**
     * Packs {@code op(B)[0:kc, 0:cols]} whose element (p, j) is {@code b[off + p * ld + j]}, or
     * {@code b[off + j * ld + p]} when {@code trans}, into {@code dst[dstOff...]} ({@code kc * roundUp(cols, NR)}
     * floats).
     */
    static void packB(boolean trans, float[] b, int off, int ld, int kc, int cols, float[] dst, int dstOff) {
        for (int j0 = 0; j0 < cols; j0 += NR) {
            int nr = Math.min(NR, cols - j0);
            int panel = dstOff + j0 * kc;
            if (trans && nr == NR) {
                // A whole panel is the transpose of NR rows of b: in-register blocks write each packed row whole
                // (element by element, every write went to another cache line: a fifth of opening ResNet-50).
                VectorTranspose.transpose(b, off + j0 * ld, ld, NR, kc, dst, panel, NR);
            } else if (trans) {
                for (int j = 0; j < nr; j++) {
                    int src = off + (j0 + j) * ld;
                    int d = panel + j;
                    for (int p = 0; p < kc; p++) {
                        dst[d + p * NR] = b[src + p];
                    }
                }
                for (int j = nr; j < NR; j++) {
                    for (int p = 0; p < kc; p++) {
                        dst[panel + j + p * NR] = 0f;
                    }
                }
            } else if (nr == NR) {
                // Whole panels are the bulk of every product: two vector copies per k step (a System.arraycopy call
                // per 2 vectors took a seventh of a 7x7 stem convolution's time).
                for (int p = 0; p < kc; p++) {
                    int src = off + p * ld + j0;
                    int d = panel + p * NR;
                    FloatVector.fromArray(S, b, src).intoArray(dst, d);
                    FloatVector.fromArray(S, b, src + L).intoArray(dst, d + L);
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = off + p * ld + j0;
                    int d = panel + p * NR;
                    System.arraycopy(b, src, dst, d, nr);
                    for (int j = nr; j < NR; j++) {
                        dst[d + j] = 0f;
                    }
                }
            }
        }
    }
}
