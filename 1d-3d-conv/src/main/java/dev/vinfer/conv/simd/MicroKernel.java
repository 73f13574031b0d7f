package dev.vinfer.conv.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-tiled inner kernel: a {@code MR x NR} block of C (6 rows x 2 vectors) held in 12 vector
 * accumulators while one packed A panel and one packed B panel are streamed over k.
 *
 * <p>Why 6 x 2 vectors: even with only 16 vector registers (AVX2) the 12 accumulators, 2 B vectors and 1 broadcast
 * A value fit without spills, and each k step issues 12 independent FMAs against 8 loads, enough to keep both FMA pipes
 * busy. Accumulators are updated as {@code acc = a.fma(b, acc)}, the accumulator as the added operand, which C2
 * compiles to a single vfmadd231ps.
 *
 * <p>Packed layouts (see {@link VectorPacking}): A panel {@code a[ai + p * MR + r]}, B panel
 * {@code b[bi + p * bs + j]}: {@code bs} is {@code NR} for a packed B panel, or the row stride of a B read in place
 * (short k, see {@code VectorGemm.rowSweep}).
 */
final class MicroKernel {
    /**
     * The platform's preferred width, or a narrower one if the system property {@code vinfer.vectorBits} asks
     * for it (e.g. 256 to run the AVX2 configuration on an AVX-512 machine; wider requests are ignored).
     */
    static final VectorSpecies<Float> S = species(Integer.getInteger("vinfer.vectorBits", 0));
    /** Float lanes per vector. */
    static final int L = S.length();
    /** Rows of C per tile. */
    static final int MR = 6;
    /** Columns of C per tile: two vectors. */
    static final int NR = 2 * L;
    /**
     * Rows of {@link #tile7}: with 32 vector registers (AVX-512) 14 accumulators, 2 B vectors and a broadcast fit.
     * Used where 7 rows pad less than 6: the 49, 196 and 784 pixels of 7x7, 14x14 and 28x28 planes as GEMM rows.
     */
    static final int MR7 = 7;
    /** Whether {@link #tile7} runs without spilling: 16-lane vectors, i.e. AVX-512 and its 32 registers. */
    static final boolean SEVEN_ROWS = L >= 16;

    private MicroKernel() {
    }

    private static VectorSpecies<Float> species(int bits) {
        VectorSpecies<Float> preferred = FloatVector.SPECIES_PREFERRED;
        if (bits != 64 && bits != 128 && bits != 256 || bits >= preferred.vectorBitSize()) {
            return preferred;
        }
        return VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
    }

    /**
     * Computes a full {@code MR x NR} tile over {@code kc} steps and stores it at {@code c[ci]} (row stride
     * {@code ldc}), adding to what is there when {@code load}.
     */
    static void tile(int kc, float[] a, int ai, float[] b, int bi, int bs, float[] c, int ci, int ldc, boolean load) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c40 = c00;
        FloatVector c41 = c00;
        FloatVector c50 = c00;
        FloatVector c51 = c00;
        for (int p = 0; p < kc; p++) {
            int bp = bi + p * bs;
            int ap = ai + p * MR;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector av = FloatVector.broadcast(S, a[ap]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[ap + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[ap + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[ap + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[ap + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[ap + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
        }
        // Written out (no store(v0, v1) helper): a vector passed to a call C2 does not inline is boxed, and
        // inlined into a big caller (PointwiseKernel.multiply) C2 now and then hit its node-count cut-off there.
        if (load) {
            c00 = c00.add(FloatVector.fromArray(S, c, ci));
            c01 = c01.add(FloatVector.fromArray(S, c, ci + L));
            c10 = c10.add(FloatVector.fromArray(S, c, ci + ldc));
            c11 = c11.add(FloatVector.fromArray(S, c, ci + ldc + L));
            c20 = c20.add(FloatVector.fromArray(S, c, ci + 2 * ldc));
            c21 = c21.add(FloatVector.fromArray(S, c, ci + 2 * ldc + L));
            c30 = c30.add(FloatVector.fromArray(S, c, ci + 3 * ldc));
            c31 = c31.add(FloatVector.fromArray(S, c, ci + 3 * ldc + L));
            c40 = c40.add(FloatVector.fromArray(S, c, ci + 4 * ldc));
            c41 = c41.add(FloatVector.fromArray(S, c, ci + 4 * ldc + L));
            c50 = c50.add(FloatVector.fromArray(S, c, ci + 5 * ldc));
            c51 = c51.add(FloatVector.fromArray(S, c, ci + 5 * ldc + L));
        }
        c00.intoArray(c, ci);
        c01.intoArray(c, ci + L);
        c10.intoArray(c, ci + ldc);
        c11.intoArray(c, ci + ldc + L);
        c20.intoArray(c, ci + 2 * ldc);
        c21.intoArray(c, ci + 2 * ldc + L);
        c30.intoArray(c, ci + 3 * ldc);
        c31.intoArray(c, ci + 3 * ldc + L);
        c40.intoArray(c, ci + 4 * ldc);
        c41.intoArray(c, ci + 4 * ldc + L);
        c50.intoArray(c, ci + 5 * ldc);
        c51.intoArray(c, ci + 5 * ldc + L);
    }

    /**
     * As {@link #tile} with A read where it lies, unpacked: row {@code r} of the tile at {@code a[ai + r * lda + p]}.
     * Every A value is broadcast from memory anyway, so the packed panel's contiguity buys nothing the six
     * sequential row streams do not already have, and packing A (a strided scalar transpose) cost 14% of a 256-cubed
     * product and 7% of a 512-cubed one. The caller guarantees six whole rows of {@code kc} values.
     */
    static void tileRows(int kc, float[] a, int ai, int lda, float[] b, int bi, float[] c, int ci, int ldc,
            boolean load) {
        int a0 = ai;
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        int a4 = a3 + lda;
        int a5 = a4 + lda;
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c40 = c00;
        FloatVector c41 = c00;
        FloatVector c50 = c00;
        FloatVector c51 = c00;
        for (int p = 0; p < kc; p++) {
            int bp = bi + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector av = FloatVector.broadcast(S, a[a0 + p]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[a1 + p]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[a2 + p]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[a3 + p]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[a4 + p]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[a5 + p]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
        }
        // Written out (no store(v0, v1) helper): a vector passed to a call C2 does not inline is boxed, and
        // inlined into a big caller (PointwiseKernel.multiply) C2 now and then hit its node-count cut-off there.
        if (load) {
            c00 = c00.add(FloatVector.fromArray(S, c, ci));
            c01 = c01.add(FloatVector.fromArray(S, c, ci + L));
            c10 = c10.add(FloatVector.fromArray(S, c, ci + ldc));
            c11 = c11.add(FloatVector.fromArray(S, c, ci + ldc + L));
            c20 = c20.add(FloatVector.fromArray(S, c, ci + 2 * ldc));
            c21 = c21.add(FloatVector.fromArray(S, c, ci + 2 * ldc + L));
            c30 = c30.add(FloatVector.fromArray(S, c, ci + 3 * ldc));
            c31 = c31.add(FloatVector.fromArray(S, c, ci + 3 * ldc + L));
            c40 = c40.add(FloatVector.fromArray(S, c, ci + 4 * ldc));
            c41 = c41.add(FloatVector.fromArray(S, c, ci + 4 * ldc + L));
            c50 = c50.add(FloatVector.fromArray(S, c, ci + 5 * ldc));
            c51 = c51.add(FloatVector.fromArray(S, c, ci + 5 * ldc + L));
        }
        c00.intoArray(c, ci);
        c01.intoArray(c, ci + L);
        c10.intoArray(c, ci + ldc);
        c11.intoArray(c, ci + ldc + L);
        c20.intoArray(c, ci + 2 * ldc);
        c21.intoArray(c, ci + 2 * ldc + L);
        c30.intoArray(c, ci + 3 * ldc);
        c31.intoArray(c, ci + 3 * ldc + L);
        c40.intoArray(c, ci + 4 * ldc);
        c41.intoArray(c, ci + 4 * ldc + L);
        c50.intoArray(c, ci + 5 * ldc);
        c51.intoArray(c, ci + 5 * ldc + L);
    }

    /**
     * As {@link #tile} for an A panel of {@link #MR7} rows ({@code a[ai + p * MR7 + r]}): 14 accumulators, 7
     * broadcasts and 2 B loads per 14 FMAs (6 rows: 8 loads per 12).
     */
    static void tile7(int kc, float[] a, int ai, float[] b, int bi, int bs, float[] c, int ci, int ldc,
            boolean load) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c40 = c00;
        FloatVector c41 = c00;
        FloatVector c50 = c00;
        FloatVector c51 = c00;
        FloatVector c60 = c00;
        FloatVector c61 = c00;
        for (int p = 0; p < kc; p++) {
            int bp = bi + p * bs;
            int ap = ai + p * MR7;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector av = FloatVector.broadcast(S, a[ap]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[ap + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[ap + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[ap + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[ap + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[ap + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(S, a[ap + 6]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
        }
        // Written out rather than through store(): C2 stopped inlining the last calls of 7 (node count cut-off), and
        // vectors passed to a call that is not inlined are boxed: the kernel ran at a quarter of its speed.
        int r1 = ci + ldc;
        int r2 = r1 + ldc;
        int r3 = r2 + ldc;
        int r4 = r3 + ldc;
        int r5 = r4 + ldc;
        int r6 = r5 + ldc;
        if (load) {
            c00 = c00.add(FloatVector.fromArray(S, c, ci));
            c01 = c01.add(FloatVector.fromArray(S, c, ci + L));
            c10 = c10.add(FloatVector.fromArray(S, c, r1));
            c11 = c11.add(FloatVector.fromArray(S, c, r1 + L));
            c20 = c20.add(FloatVector.fromArray(S, c, r2));
            c21 = c21.add(FloatVector.fromArray(S, c, r2 + L));
            c30 = c30.add(FloatVector.fromArray(S, c, r3));
            c31 = c31.add(FloatVector.fromArray(S, c, r3 + L));
            c40 = c40.add(FloatVector.fromArray(S, c, r4));
            c41 = c41.add(FloatVector.fromArray(S, c, r4 + L));
            c50 = c50.add(FloatVector.fromArray(S, c, r5));
            c51 = c51.add(FloatVector.fromArray(S, c, r5 + L));
            c60 = c60.add(FloatVector.fromArray(S, c, r6));
            c61 = c61.add(FloatVector.fromArray(S, c, r6 + L));
        }
        c00.intoArray(c, ci);
        c01.intoArray(c, ci + L);
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + L);
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + L);
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + L);
        c40.intoArray(c, r4);
        c41.intoArray(c, r4 + L);
        c50.intoArray(c, r5);
        c51.intoArray(c, r5 + L);
        c60.intoArray(c, r6);
        c61.intoArray(c, r6 + L);
    }

    /**
     * The first vector ({@code L} columns) of an {@code MR x NR} tile over {@code kc} steps, stored at
     * {@code scratch[r * NR]} (the layout {@link #edge} copies from): for a B panel whose columns past {@code L}
     * are all padding.
     */
    static void narrow(int kc, float[] a, int ai, float[] b, int bi, int bs, float[] scratch) {
        FloatVector c0 = FloatVector.zero(S);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        FloatVector c4 = c0;
        FloatVector c5 = c0;
        for (int p = 0; p < kc; p++) {
            int ap = ai + p * MR;
            FloatVector b0 = FloatVector.fromArray(S, b, bi + p * bs);
            c0 = FloatVector.broadcast(S, a[ap]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[ap + 1]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[ap + 2]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[ap + 3]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, a[ap + 4]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, a[ap + 5]).fma(b0, c5);
        }
        c0.intoArray(scratch, 0);
        c1.intoArray(scratch, NR);
        c2.intoArray(scratch, 2 * NR);
        c3.intoArray(scratch, 3 * NR);
        c4.intoArray(scratch, 4 * NR);
        c5.intoArray(scratch, 5 * NR);
    }

    /**
     * The first four rows of an {@code MR x NR} tile (A a zero-padded six-row panel) over {@code kc} steps, stored
     * at {@code c[ci]} (row stride {@code ldc}), adding to what is there when {@code load}.
     */
    static void tile4(int kc, float[] a, int ai, float[] b, int bi, int bs, float[] c, int ci, int ldc, boolean load) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        for (int p = 0; p < kc; p++) {
            int bp = bi + p * bs;
            int ap = ai + p * MR;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector av = FloatVector.broadcast(S, a[ap]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[ap + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[ap + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[ap + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
        }
        // Written out (no store(v0, v1) helper): a vector passed to a call C2 does not inline is boxed, and
        // inlined into a big caller (PointwiseKernel.multiply) C2 now and then hit its node-count cut-off there.
        if (load) {
            c00 = c00.add(FloatVector.fromArray(S, c, ci));
            c01 = c01.add(FloatVector.fromArray(S, c, ci + L));
            c10 = c10.add(FloatVector.fromArray(S, c, ci + ldc));
            c11 = c11.add(FloatVector.fromArray(S, c, ci + ldc + L));
            c20 = c20.add(FloatVector.fromArray(S, c, ci + 2 * ldc));
            c21 = c21.add(FloatVector.fromArray(S, c, ci + 2 * ldc + L));
            c30 = c30.add(FloatVector.fromArray(S, c, ci + 3 * ldc));
            c31 = c31.add(FloatVector.fromArray(S, c, ci + 3 * ldc + L));
        }
        c00.intoArray(c, ci);
        c01.intoArray(c, ci + L);
        c10.intoArray(c, ci + ldc);
        c11.intoArray(c, ci + ldc + L);
        c20.intoArray(c, ci + 2 * ldc);
        c21.intoArray(c, ci + 2 * ldc + L);
        c30.intoArray(c, ci + 3 * ldc);
        c31.intoArray(c, ci + 3 * ldc + L);
    }


    /**
     * A partial tile ({@code mr <= panelRows} rows, {@code nr <= NR} columns) at the matrix edge: the packed panels
     * are zero-padded, so the full tile ({@link #tile} or, for 7-row panels, {@link #tile7}) is computed into
     * {@code scratch} ({@code panelRows * NR} floats) and only the valid part is written to C.
     */
    static void edge(int kc, float[] a, int ai, float[] b, int bi, int bs, float[] c, int ci, int ldc, boolean load,
            int mr, int nr, float[] scratch, int panelRows) {
        if (nr == NR && mr <= 4 && panelRows == MR) {
            // A last row panel of at most four rows (64 output channels = 10 x 6 + 4): two thirds of a full tile,
            // and with exactly four rows stored straight into C without the scratch copy.
            if (mr == 4) {
                tile4(kc, a, ai, b, bi, bs, c, ci, ldc, load);
                return;
            }
            tile4(kc, a, ai, b, bi, bs, scratch, 0, NR, false);
        } else if (nr <= L && panelRows == MR) {
            // A last panel at most one vector wide (64@56x56 Winograd by columns: 105 = 3 x 32 + 9 tile columns):
            // half the work of a full tile.
            narrow(kc, a, ai, b, bi, bs, scratch);
        } else if (panelRows == MR7) {
            tile7(kc, a, ai, b, bi, bs, scratch, 0, NR, false);
        } else {
            tile(kc, a, ai, b, bi, bs, scratch, 0, NR, false);
        }
        copyEdge(scratch, c, ci, ldc, load, mr, nr);
    }

    /**
     * As {@link #edge} for six whole unpacked A rows ({@link #tileRows}) and {@code nr < NR} columns: computed into
     * {@code scratch} ({@code MR * NR} floats), the valid columns written to C.
     */
    static void edgeRows(int kc, float[] a, int ai, int lda, float[] b, int bi, float[] c, int ci, int ldc,
            boolean load, int nr, float[] scratch) {
        tileRows(kc, a, ai, lda, b, bi, scratch, 0, NR, false);
        copyEdge(scratch, c, ci, ldc, load, MR, nr);
    }

    private static void copyEdge(float[] scratch, float[] c, int ci, int ldc, boolean load, int mr, int nr) {
        for (int r = 0; r < mr; r++) {
            int cr = ci + r * ldc;
            int sr = r * NR;
            if (load) {
                for (int j = 0; j < nr; j++) {
                    c[cr + j] += scratch[sr + j];
                }
            } else {
                System.arraycopy(scratch, sr, c, cr, nr);
            }
        }
    }
}
