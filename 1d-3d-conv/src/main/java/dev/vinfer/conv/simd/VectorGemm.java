package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.MR;
import static dev.vinfer.conv.simd.MicroKernel.MR7;
import static dev.vinfer.conv.simd.MicroKernel.NR;
import static dev.vinfer.conv.simd.VectorPacking.roundUp;

/**
 * The blocked GEMM driver (the classic Goto/BLIS loop nest): columns in blocks of {@link #NC}, k in blocks of
 * {@link #KC}, rows in blocks of {@link #MC}; each block of B ({@code KC x NC}) and of A ({@code MC x KC}) is packed
 * once and then swept by the {@link MicroKernel} tile by tile.
 *
 * <p>Why these sizes (Zen 3/4: 32 KiB L1d, 512 KiB / 1 MiB L2 per core): one B micro-panel ({@code KC * NR * 4} =
 * 16 KiB with AVX2, 32 KiB with AVX-512) stays in L1 while the A block ({@code MC * KC * 4} = 144 KiB) streams
 * from L2; the packed B block ({@code KC * NC * 4} = 2 MiB) lives in L3. Not tuned beyond a quick check that one
 * core reaches about 100 GFLOP/s at n = 512. Either operand may instead come prepacked ({@link VectorPacked}), in
 * which case its packing step is skipped. A raw, untransposed A is not packed at all but read in place
 * ({@link MicroKernel#tileRows}); when B is raw too, that path blocks with {@link #DIRECT_KC}, {@link #DIRECT_MC}
 * and {@link #DIRECT_NC} instead.
 *
 * <p>Packing buffers are per thread ({@link ThreadLocal}), grown on demand and kept: at most
 * {@code (MC + NC) * KC} floats (about 2.2 MiB) per thread that ever ran a GEMM.
 */
final class VectorGemm {
    static final int KC = 256;
    static final int MC = 24 * MR;
    static final int NC = Math.max(NR, 2048 / NR * NR);
    /**
     * Blocking of the path where both A and B are raw and A is read in place ({@link MicroKernel#tileRows}), which
     * packs nothing that outlives the call and so is free to choose its own k-blocks: k in blocks of up to
     * {@code DIRECT_KC} (balanced: 1025 -> 513 + 512), rows in blocks of {@code DIRECT_MC}, columns in blocks of
     * {@code DIRECT_NC}. Deep k-blocks mean C is loaded and stored once per 1024 k instead of per 256: at n = 1024
     * (C 4 MiB, out of L2) the four passes over C cost about a tenth of the time. The 128 KiB B micro-panel then
     * streams from L2, which the kernel's 2 vector loads per 12 FMAs tolerate, next to the 288 KiB of A rows.
     * Measured (one thread, CPU time, load 16-20, best of 5): SGEMM 1024 81-83% -> 91-93% of peak, 512 unchanged
     * within noise (90-95%); KC 384/512 with MC 48-144 and NC 512-2048 gave 83-90% at 1024.
     */
    static final int DIRECT_KC = 1024;
    static final int DIRECT_MC = 12 * MR;
    static final int DIRECT_NC = Math.max(NR, 512 / NR * NR);
    /** Largest packed A (floats, 256 KiB) for which {@link #rowSweep} is used: it must stay in L2 for a whole run. */
    static final int ROW_SWEEP_A = 1 << 16;
    /** Micro-panels of B packed together in {@link #rowSweep}: longer runs per source row for the prefetchers. */
    static final int STRIP = 4;
    /**
     * Most floats a B of at most {@link #KC} rows may span to be read in place by {@link #rowSweep} (256 KiB): its
     * rows then stay within a few dozen pages. Wider B (a 1x1 convolution's 3136-pixel planes) is packed.
     */
    static final int IN_PLACE_B = 1 << 16;

    /**
     * Whether a raw, untransposed A is read in place by {@link MicroKernel#tileRows} instead of being packed; the
     * system property {@code vinfer.packA=true} forces the packing path (to compare the two).
     */
    static final boolean DIRECT_A = !Boolean.getBoolean("vinfer.packA");

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private VectorGemm() {
    }

    private static final class Scratch {
        float[] a = new float[0];
        float[] b = new float[0];
        final float[] tile = new float[MR7 * NR];
        /** The last, partial row panel of an unpacked A, packed and zero-padded to {@code MR} rows. */
        final float[] edgeA = new float[MR * Math.max(KC, DIRECT_KC)];

        float[] a(int n) {
            if (a.length < n) {
                a = new float[n];
            }
            return a;
        }

        float[] b(int n) {
            if (b.length < n) {
                b = new float[n];
            }
            return b;
        }
    }

    /**
     * {@code C[m x n] (+)= op(A) * op(B)}. Each operand is either raw ({@code pa}/{@code pb} null: array, offset,
     * leading dimension, transpose flag) or prepacked (then {@code aRow0}/{@code bCol0} select where in it this
     * product starts, a multiple of the panel size). Arguments are assumed checked.
     */
    static void multiply(int m, int n, int k, boolean transA, float[] a, int aOff, int lda, VectorPacked pa, int aRow0,
            boolean transB, float[] b, int bOff, int ldb, VectorPacked pb, int bCol0, float[] c, int cOff, int ldc,
            boolean accumulate) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) {
                    java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
                }
            }
            return;
        }
        Scratch s = SCRATCH.get();
        // A raw, untransposed A is read in place by the 6-row kernel (see MicroKernel.tileRows), except where 7-row
        // panels would pad less.
        boolean direct = DIRECT_A && pa == null && !transA && panelRows(m) == MR;
        if (pb == null && (long) roundUp(m, MR) * k <= ROW_SWEEP_A) {
            rowSweep(m, n, k, transA, a, aOff, lda, pa, aRow0, transB, b, bOff, ldb, c, cOff, ldc, accumulate, s,
                    direct);
            return;
        }
        // A packed here (not prepacked) may use 7-row panels where they pad m less (49, 196, 784 rows: 7x7-based
        // planes as rows); prepacked A is always in MR-row panels.
        int panel = pa == null ? panelRows(m) : MR;
        boolean own = direct && pb == null;
        int mcMax = own ? DIRECT_MC : MC / MR * panel;
        if (pb != null && m <= mcMax + mcMax / 4) {
            // Prepacked B (weights) is streamed once per row block: rows a little past one block (169 = 168 + 1 pixel
            // rows of a 13x13 plane, 196 = 168 + 28) would stream all of it again for a sliver.
            mcMax = roundUp(m, panel);
        }
        int kcMax = own ? Math.ceilDiv(k, Math.ceilDiv(k, DIRECT_KC)) : KC;
        int ncMax = own ? DIRECT_NC : NC;
        for (int jc = 0; jc < n; jc += ncMax) {
            int nc = Math.min(ncMax, n - jc);
            for (int pc = 0; pc < k; pc += kcMax) {
                int kc = Math.min(kcMax, k - pc);
                float[] bBuf;
                int bBase;
                if (pb != null) {
                    bBuf = pb.data;
                    bBase = pc * pb.paddedFree + (bCol0 + jc) * kc;
                } else {
                    bBuf = s.b(kc * roundUp(nc, NR));
                    bBase = 0;
                    int src = bOff + (transB ? jc * ldb + pc : pc * ldb + jc);
                    VectorPacking.packB(transB, b, src, ldb, kc, nc, bBuf, 0);
                }
                // The first k-block overwrites C unless the caller asked to accumulate.
                boolean load = accumulate || pc > 0;
                for (int ic = 0; ic < m; ic += mcMax) {
                    int mc = Math.min(mcMax, m - ic);
                    if (direct) {
                        macroKernelRows(mc, nc, kc, a, aOff + ic * lda + pc, lda, bBuf, bBase, c, cOff + ic * ldc + jc,
                                ldc, load, s);
                        continue;
                    }
                    float[] aBuf;
                    int aBase;
                    if (pa != null) {
                        aBuf = pa.data;
                        aBase = pc * pa.paddedFree + (aRow0 + ic) * kc;
                    } else {
                        aBuf = s.a(roundUp(mc, panel) * kc);
                        aBase = 0;
                        int src = aOff + (transA ? pc * lda + ic : ic * lda + pc);
                        VectorPacking.packA(transA, a, src, lda, mc, kc, aBuf, 0, panel);
                    }
                    macroKernel(mc, nc, kc, aBuf, aBase, bBuf, bBase, c, cOff + ic * ldc + jc, ldc, load, s.tile,
                            panel);
                }
            }
        }
    }

    /**
     * The path for a short, wide product with a raw B, the usual shape of a convolution (M = output channels, N =
     * pixels): all of A (packed, at most {@link #ROW_SWEEP_A} floats) stays in L2, and B is packed a strip of
     * {@link #STRIP} micro-panels ({@code kc x STRIP * NR}, at most 128 KiB) at a time right before every row tile
     * consumes it. Compared with the blocked path this never writes a {@code KC x NC} packed B block out to L3 and
     * reads it back. Per strip the k-blocks run innermost, so C's {@code m x STRIP * NR} strip stays in cache
     * across them.
     */
    private static void rowSweep(int m, int n, int k, boolean transA, float[] a, int aOff, int lda, VectorPacked pa,
            int aRow0, boolean transB, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
            boolean accumulate, Scratch s, boolean direct) {
        int mp = roundUp(m, MR);
        float[] aBuf;
        int aStride; // distance between the k-blocks of A
        if (direct) {
            aBuf = null;
            aStride = 0;
        } else if (pa != null) {
            aBuf = pa.data;
            aStride = pa.paddedFree;
        } else {
            aBuf = s.a(mp * k);
            aStride = mp;
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                VectorPacking.packA(transA, a, aOff + (transA ? pc * lda : pc), lda, m, kc, aBuf, pc * mp);
            }
        }
        // (Not with a raw A read in place: its row kernel takes packed B panels; Winograd's A is prepacked.)
        if (!direct && !transB && k <= KC && n % MicroKernel.L == 0 && ldb != NR && (long) k * ldb <= IN_PLACE_B) {
            // Short k, columns in whole vectors: B's rows are read where they are, no packing (Winograd by columns:
            // 64 channels, rows padded to whole vectors; packing was 6% of 64@56x56). Whole vectors: the last panel
            // is full or one vector, which MicroKernel.narrow reads alone, so nothing past column n is read.
            macroKernel(m, n, k, aBuf, pa != null ? aRow0 * k : 0, b, bOff, ldb, c, cOff, ldc, accumulate, s.tile,
                    MR);
            return;
        }
        int kc0 = Math.min(KC, k);
        float[] strip = s.b(kc0 * STRIP * NR);
        for (int js = 0; js < n; js += STRIP * NR) {
            int ns = Math.min(STRIP * NR, n - js);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                int src = bOff + (transB ? js * ldb + pc : pc * ldb + js);
                VectorPacking.packB(transB, b, src, ldb, kc, ns, strip, 0);
                boolean load = accumulate || pc > 0;
                if (direct) {
                    macroKernelRows(m, ns, kc, a, aOff + pc, lda, strip, 0, c, cOff + js, ldc, load, s);
                    continue;
                }
                // With a prepacked A the k-block at pc starts at pc * paddedFree, and row aRow0's panel at
                // aRow0 * kc inside it (kc of that block).
                int aBlock = pa != null ? pc * aStride + aRow0 * kc : pc * aStride;
                macroKernel(m, ns, kc, aBuf, aBlock, strip, 0, c, cOff + js, ldc, load, s.tile, MR);
            }
        }
    }

    /**
     * The A panel height for {@code m} rows packed on the fly: {@link MicroKernel#MR7} where the 7-row kernel runs
     * without spills and pads fewer rows than {@code MR} (49 rows: 49 instead of 54), else {@code MR}.
     */
    static int panelRows(int m) {
        return MicroKernel.SEVEN_ROWS && roundUp(m, MR7) < roundUp(m, MR) ? MR7 : MR;
    }

    /**
     * Sweeps one packed A block ({@code mc x kc}, panels of {@code panel} rows) against one packed B block
     * ({@code kc x nc}).
     */
    private static void macroKernel(int mc, int nc, int kc, float[] a, int aBase, float[] b, int bBase, float[] c,
            int cBase, int ldc, boolean load, float[] tile, int panel) {
        macroKernel(mc, nc, kc, a, aBase, b, bBase, NR, c, cBase, ldc, load, tile, panel);
    }

    /**
     * As above with B's panels at {@code bBase + jr * kc} and rows {@code NR} apart (packed) when {@code bs == NR},
     * else B read in place: column jr at {@code bBase + jr}, rows {@code bs} apart.
     */
    private static void macroKernel(int mc, int nc, int kc, float[] a, int aBase, float[] b, int bBase, int bs,
            float[] c, int cBase, int ldc, boolean load, float[] tile, int panel) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int bi = bBase + (bs == NR ? jr * kc : jr);
            for (int ir = 0; ir < mc; ir += panel) {
                int mr = Math.min(panel, mc - ir);
                int ai = aBase + ir * kc;
                int ci = cBase + ir * ldc + jr;
                if (mr == panel && nr == NR) {
                    if (panel == MR7) {
                        MicroKernel.tile7(kc, a, ai, b, bi, bs, c, ci, ldc, load);
                    } else {
                        MicroKernel.tile(kc, a, ai, b, bi, bs, c, ci, ldc, load);
                    }
                } else {
                    MicroKernel.edge(kc, a, ai, b, bi, bs, c, ci, ldc, load, mr, nr, tile, panel);
                }
            }
        }
    }

    /**
     * As {@link #macroKernel} with A unpacked ({@code mc x kc} at {@code a[aBase]}, row stride {@code lda}): whole
     * six-row panels run {@link MicroKernel#tileRows} straight on A's rows; the last partial panel is packed
     * (zero-padded) once and runs the packed edge kernel.
     */
    private static void macroKernelRows(int mc, int nc, int kc, float[] a, int aBase, int lda, float[] b, int bBase,
            float[] c, int cBase, int ldc, boolean load, Scratch s) {
        int full = mc - mc % MR;
        if (full < mc) {
            VectorPacking.packA(false, a, aBase + full * lda, lda, mc - full, kc, s.edgeA, 0, MR);
        }
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int bi = bBase + jr * kc;
            for (int ir = 0; ir < full; ir += MR) {
                int ai = aBase + ir * lda;
                int ci = cBase + ir * ldc + jr;
                if (nr == NR) {
                    MicroKernel.tileRows(kc, a, ai, lda, b, bi, c, ci, ldc, load);
                } else {
                    MicroKernel.edgeRows(kc, a, ai, lda, b, bi, c, ci, ldc, load, nr, s.tile);
                }
            }
            if (full < mc) {
                MicroKernel.edge(kc, s.edgeA, 0, b, bi, NR, c, cBase + full * ldc + jr, ldc, load, mc - full, nr, s.tile,
                        MR);
            }
        }
    }

    /** Packs all of {@code op(A)} ({@code m x k}) in the k-blocked layout of {@link VectorPacked}. */
    static float[] packWholeA(boolean transA, int m, int k, float[] a, int aOff, int lda) {
        int mp = roundUp(m, MR);
        float[] data = new float[Math.multiplyExact(mp, k)];
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            VectorPacking.packA(transA, a, aOff + (transA ? pc * lda : pc), lda, m, kc, data, pc * mp);
        }
        return data;
    }

    /** Packs all of {@code op(B)} ({@code k x n}) in the k-blocked layout of {@link VectorPacked}. */
    static float[] packWholeB(boolean transB, int k, int n, float[] b, int bOff, int ldb) {
        int np = roundUp(n, NR);
        float[] data = new float[Math.multiplyExact(np, k)];
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            VectorPacking.packB(transB, b, bOff + (transB ? pc : pc * ldb), ldb, kc, n, data, pc * np);
        }
        return data;
    }
}
