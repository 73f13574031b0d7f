package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import jdk.incubator.vector.FloatVector;

/**
 * The transpose of {@link VectorBackend#transpose}. With 16 lanes and a whole number of vectors of columns,
 * {@code L x L} blocks are transposed in registers: {@code L} row loads, {@code log2(L)} rounds of two-source lane
 * permutes ({@code index.selectFrom(a, b)}: one {@code vpermi2ps} each on AVX-512), {@code L} contiguous stores.
 * Round {@code b} pairs the rows whose indices differ in bit {@code b} and swaps that bit of the row index with the
 * same bit of the column index; after all rounds every element has its row and column swapped. Otherwise (other lane
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
    /**
     * Round b's permutes of the pair (x, y = x + 2^b): lane c of the new x is {@code LOW[b][c]} of the pair, of the
     * new y {@code HIGH[b][c]} (indices of the second vector count from L).
     */
    private static final FloatVector[] LOW = new FloatVector[4];
    private static final FloatVector[] HIGH = new FloatVector[4];

    static {
        float[] lo = new float[L];
        float[] hi = new float[L];
        for (int b = 0; (1 << b) < L && b < 4; b++) {
            int bit = 1 << b;
            for (int c = 0; c < L; c++) {
                boolean set = (c & bit) != 0;
                lo[c] = set ? L + c - bit : c;
                hi[c] = set ? L + c : c + bit;
            }
            LOW[b] = FloatVector.fromArray(S, lo, 0);
            HIGH[b] = FloatVector.fromArray(S, hi, 0);
        }
    }

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
                block16(src, s, ldSrc, dst, d, ldDst);
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

    /** One 16 x 16 block (16 lanes): 16 row loads, 4 x 16 two-source permutes, 16 stores. */
    private static void block16(float[] src, int s, int ldSrc, float[] dst, int d, int ldDst) {
        FloatVector r0 = FloatVector.fromArray(S, src, s);
        FloatVector r1 = FloatVector.fromArray(S, src, s + 1 * ldSrc);
        FloatVector r2 = FloatVector.fromArray(S, src, s + 2 * ldSrc);
        FloatVector r3 = FloatVector.fromArray(S, src, s + 3 * ldSrc);
        FloatVector r4 = FloatVector.fromArray(S, src, s + 4 * ldSrc);
        FloatVector r5 = FloatVector.fromArray(S, src, s + 5 * ldSrc);
        FloatVector r6 = FloatVector.fromArray(S, src, s + 6 * ldSrc);
        FloatVector r7 = FloatVector.fromArray(S, src, s + 7 * ldSrc);
        FloatVector r8 = FloatVector.fromArray(S, src, s + 8 * ldSrc);
        FloatVector r9 = FloatVector.fromArray(S, src, s + 9 * ldSrc);
        FloatVector r10 = FloatVector.fromArray(S, src, s + 10 * ldSrc);
        FloatVector r11 = FloatVector.fromArray(S, src, s + 11 * ldSrc);
        FloatVector r12 = FloatVector.fromArray(S, src, s + 12 * ldSrc);
        FloatVector r13 = FloatVector.fromArray(S, src, s + 13 * ldSrc);
        FloatVector r14 = FloatVector.fromArray(S, src, s + 14 * ldSrc);
        FloatVector r15 = FloatVector.fromArray(S, src, s + 15 * ldSrc);
        FloatVector t;
        // Bit 0 of the row index trades places with bit 0 of the column index.
        FloatVector lo0 = LOW[0];
        FloatVector hi0 = HIGH[0];
        t = lo0.selectFrom(r0, r1); r1 = hi0.selectFrom(r0, r1); r0 = t;
        t = lo0.selectFrom(r2, r3); r3 = hi0.selectFrom(r2, r3); r2 = t;
        t = lo0.selectFrom(r4, r5); r5 = hi0.selectFrom(r4, r5); r4 = t;
        t = lo0.selectFrom(r6, r7); r7 = hi0.selectFrom(r6, r7); r6 = t;
        t = lo0.selectFrom(r8, r9); r9 = hi0.selectFrom(r8, r9); r8 = t;
        t = lo0.selectFrom(r10, r11); r11 = hi0.selectFrom(r10, r11); r10 = t;
        t = lo0.selectFrom(r12, r13); r13 = hi0.selectFrom(r12, r13); r12 = t;
        t = lo0.selectFrom(r14, r15); r15 = hi0.selectFrom(r14, r15); r14 = t;
        // Bit 1 of the row index trades places with bit 1 of the column index.
        FloatVector lo1 = LOW[1];
        FloatVector hi1 = HIGH[1];
        t = lo1.selectFrom(r0, r2); r2 = hi1.selectFrom(r0, r2); r0 = t;
        t = lo1.selectFrom(r1, r3); r3 = hi1.selectFrom(r1, r3); r1 = t;
        t = lo1.selectFrom(r4, r6); r6 = hi1.selectFrom(r4, r6); r4 = t;
        t = lo1.selectFrom(r5, r7); r7 = hi1.selectFrom(r5, r7); r5 = t;
        t = lo1.selectFrom(r8, r10); r10 = hi1.selectFrom(r8, r10); r8 = t;
        t = lo1.selectFrom(r9, r11); r11 = hi1.selectFrom(r9, r11); r9 = t;
        t = lo1.selectFrom(r12, r14); r14 = hi1.selectFrom(r12, r14); r12 = t;
        t = lo1.selectFrom(r13, r15); r15 = hi1.selectFrom(r13, r15); r13 = t;
        // Bit 2 of the row index trades places with bit 2 of the column index.
        FloatVector lo2 = LOW[2];
        FloatVector hi2 = HIGH[2];
        t = lo2.selectFrom(r0, r4); r4 = hi2.selectFrom(r0, r4); r0 = t;
        t = lo2.selectFrom(r1, r5); r5 = hi2.selectFrom(r1, r5); r1 = t;
        t = lo2.selectFrom(r2, r6); r6 = hi2.selectFrom(r2, r6); r2 = t;
        t = lo2.selectFrom(r3, r7); r7 = hi2.selectFrom(r3, r7); r3 = t;
        t = lo2.selectFrom(r8, r12); r12 = hi2.selectFrom(r8, r12); r8 = t;
        t = lo2.selectFrom(r9, r13); r13 = hi2.selectFrom(r9, r13); r9 = t;
        t = lo2.selectFrom(r10, r14); r14 = hi2.selectFrom(r10, r14); r10 = t;
        t = lo2.selectFrom(r11, r15); r15 = hi2.selectFrom(r11, r15); r11 = t;
        // Bit 3 of the row index trades places with bit 3 of the column index.
        FloatVector lo3 = LOW[3];
        FloatVector hi3 = HIGH[3];
        t = lo3.selectFrom(r0, r8); r8 = hi3.selectFrom(r0, r8); r0 = t;
        t = lo3.selectFrom(r1, r9); r9 = hi3.selectFrom(r1, r9); r1 = t;
        t = lo3.selectFrom(r2, r10); r10 = hi3.selectFrom(r2, r10); r2 = t;
        t = lo3.selectFrom(r3, r11); r11 = hi3.selectFrom(r3, r11); r3 = t;
        t = lo3.selectFrom(r4, r12); r12 = hi3.selectFrom(r4, r12); r4 = t;
        t = lo3.selectFrom(r5, r13); r13 = hi3.selectFrom(r5, r13); r5 = t;
        t = lo3.selectFrom(r6, r14); r14 = hi3.selectFrom(r6, r14); r6 = t;
        t = lo3.selectFrom(r7, r15); r15 = hi3.selectFrom(r7, r15); r7 = t;
        r0.intoArray(dst, d); r1.intoArray(dst, d + 1 * ldDst);
        r2.intoArray(dst, d + 2 * ldDst); r3.intoArray(dst, d + 3 * ldDst);
        r4.intoArray(dst, d + 4 * ldDst); r5.intoArray(dst, d + 5 * ldDst);
        r6.intoArray(dst, d + 6 * ldDst); r7.intoArray(dst, d + 7 * ldDst);
        r8.intoArray(dst, d + 8 * ldDst); r9.intoArray(dst, d + 9 * ldDst);
        r10.intoArray(dst, d + 10 * ldDst); r11.intoArray(dst, d + 11 * ldDst);
        r12.intoArray(dst, d + 12 * ldDst); r13.intoArray(dst, d + 13 * ldDst);
        r14.intoArray(dst, d + 14 * ldDst); r15.intoArray(dst, d + 15 * ldDst);
    }
}
