package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import jdk.incubator.vector.FloatVector;

/**
 * The transpose of {@link VectorBackend#transpose}. With 16 lanes and a whole number of vectors of columns,
 * {@code L x L} blocks are transposed in registers by {@link ChannelBlockTranspose#unpack16} (16 row loads, four
 * rounds of two-source lane permutes, 16 stores; there the rows are a channel block's positions). Otherwise (other lane
 * counts, a partial block of columns) each destination row is gathered a vector at a time, {@code L} source rows
 * apart. The last {@code rows % L} values of every destination row are copied one by one.
 *
 * <p>Why blocks: {@link dev.vinfer.conv.PixelRowsConv} transposes its whole product (e.g. 196 x 1024 floats for
 * ResNet-50's 256 -> 1024 1x1 at 14x14) into NCHW rows; with a 16-lane gather per destination vector the transpose
 * was 18% of that layer (JFR samples, session 8), at about 3.7 cycles per float.
 */
final class VectorTranspose {
    /** Per thread: the gather offsets {@code l * ld} of the last leading dimension used (no allocation per call). */
    private static final ThreadLocal<Offsets> OFFSETS = ThreadLocal.withInitial(Offsets::new);
    /**
     * Whether {@link #blocks} runs: with 16 lanes (AVX-512). With 8 (AVX2, no two-source permute instruction) the
     * same blocks measured no faster than the gathers (a 256->1024 1x1 at 14x14 under {@code -XX:UseAVX=2}: 1.02x the
     * time, session 8), so 8 lanes keep the gathers.
     */
    private static final boolean BLOCKS = L == 16;

    private static final class Offsets {
        int ld = -1;
        final int[] at = new int[L];
    }

    private VectorTranspose() {
    }

    static void transpose(float[] src, int sOff, int ldSrc, int rows, int cols, float[] dst, int dOff, int ldDst) {
        int bound = S.loopBound(rows);
        if (bound > 0 && BLOCKS && cols % L == 0) {
            blocks(src, sOff, ldSrc, bound, cols, dst, dOff, ldDst);
        } else if (bound > 0) {
            gathered(src, sOff, ldSrc, bound, cols, dst, dOff, ldDst);
        }
        for (int j = 0; j < cols; j++) {
            int d = dOff + j * ldDst;
            for (int i = bound; i < rows; i++) {
                dst[d + i] = src[sOff + i * ldSrc + j];
            }
        }
    }

    /** Rows {@code [0, bound)} (a multiple of L) of a multiple of L columns, block by block. */
    private static void blocks(float[] src, int sOff, int ldSrc, int bound, int cols, float[] dst, int dOff,
            int ldDst) {
        for (int j = 0; j < cols; j += L) {
            for (int i = 0; i < bound; i += L) {
                int s = sOff + i * ldSrc + j;
                int d = dOff + j * ldDst + i;
                ChannelBlockTranspose.unpack16(src, s, ldSrc, dst, d, ldDst, L);
            }
        }
    }

    /** Rows {@code [0, bound)} (a multiple of L), one gather per destination vector. */
    private static void gathered(float[] src, int sOff, int ldSrc, int bound, int cols, float[] dst, int dOff,
            int ldDst) {
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
}
