package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import jdk.incubator.vector.FloatVector;

/**
 * The transpose of {@link VectorBackend#transpose}: each destination row (a column of the source) is gathered a
 * vector at a time, {@code L} source rows apart, and stored contiguously; the last {@code rows % L} values of every
 * destination row are copied one by one. Meant for a few columns at a time (callers pass blocks of 16): the source
 * lines of one block of rows then stay in L1 across the columns.
 */
final class VectorTranspose {
    /** Per thread: the gather offsets {@code l * ld} of the last leading dimension used (no allocation per call). */
    private static final ThreadLocal<Offsets> OFFSETS = ThreadLocal.withInitial(Offsets::new);

    private static final class Offsets {
        int ld = -1;
        final int[] at = new int[L];
    }

    private VectorTranspose() {
    }

    static void transpose(float[] src, int sOff, int ldSrc, int rows, int cols, float[] dst, int dOff, int ldDst) {
        int bound = S.loopBound(rows);
        if (bound > 0) {
            Offsets o = OFFSETS.get();
            if (o.ld != ldSrc) {
                for (int l = 0; l < L; l++) {
                    o.at[l] = l * ldSrc;
                }
                o.ld = ldSrc;
            }
            int[] at = o.at;
            // Rows outer, columns inner: the L source rows' lines under the cols columns are read from L1 by every
            // gather of the block, not refetched from L2 once per column.
            for (int i = 0; i < bound; i += L) {
                int s = sOff + i * ldSrc;
                for (int j = 0; j < cols; j++) {
                    FloatVector.fromArray(S, src, s + j, at, 0).intoArray(dst, dOff + j * ldDst + i);
                }
            }
        }
        for (int j = 0; j < cols; j++) {
            int d = dOff + j * ldDst;
            for (int i = bound; i < rows; i++) {
                dst[d + i] = src[sOff + i * ldSrc + j];
            }
        }
    }
}
