package dev.vinfer.conv.simd;

import static dev.vinfer.conv.simd.MicroKernel.L;
import static dev.vinfer.conv.simd.MicroKernel.S;

import dev.vinfer.conv.GemmChecks;
import dev.vinfer.conv.PanelGemm;
import java.util.Objects;
import jdk.incubator.vector.FloatVector;

/**
 * {@link PanelGemm} on the Vector API. Per panel of {@link #NR} output pixels, B ({@code k x NR}) is copied from the
 * source layout tap by tap (one or two vector copies per contiguous run of pixels, usually one or two runs per
 * panel), then swept by every row tile of the prepacked weights over all of k: each C tile is written once, its
 * accumulators starting from the bias and clamped on the way out (ReLU, Relu6, or nothing).
 *
 * <p>Panels are packed in groups (up to {@link #GROUP_BYTES}, L2-resident) and each row tile sweeps the whole group
 * before the next row tile: an output row is then written as one run of up to 1024 pixels, 8 rows at a time,
 * rather than all m rows advancing by 2 vectors per panel (64 interleaved store streams for the stems, which the
 * hardware prefetchers do not follow: with the output cold in cache, as inside a network, the 3x3/2 stems took a
 * third longer that way).
 *
 * <p>The register tile is {@link #MR} rows x 2 vectors. With 16 lanes (AVX-512, 32 vector registers) it is 8 rows:
 * 16 accumulators + 2 B vectors + 1 broadcast, and 64 or 128 output channels split into whole tiles (the shared
 * 6-row kernel leaves a 4-row remainder tile on 64 rows). With narrower vectors (AVX2 has 16 registers) it is 4
 * rows. The panel ({@code k x NR} floats: 18.8 KiB for the 7x7 stem's k = 147) stays in L1 while the row tiles
 * sweep it; the weights ({@code m x k}) stay in L1/L2.
 */
final class VectorPanelGemm implements PanelGemm {
    static final int MR = L >= 16 ? 8 : 4;
    static final int NR = 2 * L;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        float[] panel = new float[0];
        final float[] tile = new float[MR * NR];
        final int[] segSrc = new int[NR];
        final int[] segDst = new int[NR];
        /** Per panel of a group: its source offset when the first row tile packs it, else -1 (packed before). */
        int[] packLater = new int[0];

        int[] packLater(int n) {
            if (packLater.length < n) {
                packLater = new int[n];
            }
            return packLater;
        }

        float[] panel(int n) {
            if (panel.length < n) {
                panel = new float[n];
            }
            return panel;
        }
    }

    private final int m;
    private final int k;
    private final int mp;
    /** Row panels of MR rows, each k-major: element (i, p) at {@code (i / MR) * MR * k + p * MR + i % MR}. */
    private final float[] a;
    /** mp biases, zero past m. */
    private final float[] bias;
    /** Whether the first row tile packs single-run panels as it reads them (off only to measure). */
    private final boolean packInTile;

    VectorPanelGemm(int m, int k, float[] w, int wOff, float[] bias) {
        this(m, k, w, wOff, bias, !Boolean.getBoolean("vinfer.panelGemm.packFirst"));
    }

    VectorPanelGemm(int m, int k, float[] w, int wOff, float[] bias, boolean packInTile) {
        GemmChecks.dims(m, 0, k);
        Objects.checkFromIndexSize(wOff, Math.multiplyExact(m, k), w.length);
        if (bias != null && bias.length < m) {
            throw new IllegalArgumentException(bias.length + " biases for " + m + " rows");
        }
        this.m = m;
        this.k = k;
        this.mp = VectorPacking.roundUp(m, MR);
        this.a = new float[Math.multiplyExact(mp, k)];
        for (int i = 0; i < m; i++) {
            int panel = i / MR * MR * k + i % MR;
            for (int p = 0; p < k; p++) {
                a[panel + p * MR] = w[wOff + i * k + p];
            }
        }
        this.bias = new float[mp];
        if (bias != null) {
            System.arraycopy(bias, 0, this.bias, 0, m);
        }
        this.packInTile = packInTile;
    }

    @Override
    public int rows() {
        return m;
    }

    @Override
    public int depth() {
        return k;
    }

    @Override
    public void run(float[] src, int srcOff, int[] tapOff, PixelGrid grid, int p0, int p1, float[] c, int cOff,
            int ldc, float lo, float hi) {
        runWith(src, srcOff, tapOff, grid, p0, p1, c, cOff, ldc, lo, hi, panelGroup(k));
    }

    /** {@link #run} sweeping {@code group} packed panels per row tile (1: one panel at a time, all rows). */
    void runWith(float[] src, int srcOff, int[] tapOff, PixelGrid grid, int p0, int p1, float[] c, int cOff,
            int ldc, float lo, float hi, int group) {
        if (group < 1) {
            throw new IllegalArgumentException("group of " + group + " panels");
        }
        if (tapOff.length < k) {
            throw new IllegalArgumentException(tapOff.length + " tap offsets for k = " + k);
        }
        if (p0 < 0 || p1 < p0) {
            throw new IllegalArgumentException("pixel range [" + p0 + ", " + p1 + ")");
        }
        if (p1 == p0) {
            return;
        }
        // Every element written: c[cOff + i * ldc + q] for i < m, q in [p0, p1).
        long last = cOff + (long) (m - 1) * ldc + p1;
        if (cOff + p0 < 0 || ldc < p1 - p0 || last > c.length) {
            throw new IndexOutOfBoundsException("output rows of " + (p1 - p0) + " pixels from " + (cOff + p0)
                    + " with stride " + ldc + " do not fit in " + c.length);
        }
        Scratch s = SCRATCH.get();
        int stride = k * NR;
        int perGroup = group;
        float[] panels = s.panel(perGroup * stride + NR);
        int[] segSrc = s.segSrc;
        int[] segDst = s.segDst;
        // Which tile kernel, decided once per call rather than per tile.
        boolean plain = MR == 8 && hi == Float.POSITIVE_INFINITY && (lo == 0f || lo == Float.NEGATIVE_INFINITY);
        boolean relu = lo == 0f;
        int[] packLater = s.packLater(perGroup);
        // The first row tile packs the panels it reads (tile8Packing) when it is a plain full 8-row tile.
        boolean fusedPack = packInTile && plain && m >= MR;
        for (int g0 = p0; g0 < p1; g0 += perGroup * NR) {
            int g1 = Math.min(p1, g0 + perGroup * NR);
            // Pack the group's panels one after another (a copy spilling past a panel's last tap lands in the next
            // panel's first row, which is packed later, or in the slack after the last one); a full panel of one
            // run is left to the first row tile, which packs it while it computes (whole rows, no spill).
            for (int q0 = g0, j = 0; q0 < g1; q0 += NR, j++) {
                int n = Math.min(NR, g1 - q0);
                int segs = segments(grid, q0, n, segSrc, segDst);
                checkSource(src, srcOff, tapOff, segSrc, segs);
                if (fusedPack && segs == 1 && n == NR) {
                    packLater[j] = srcOff + segSrc[0];
                } else {
                    packLater[j] = -1;
                    pack(src, srcOff, tapOff, segSrc, segDst, segs, panels, j * stride);
                }
            }
            // Row tiles outside, panels inside: each output row is written as one run of up to perGroup * NR
            // pixels, so a sweep writes 8 streams at a time instead of all m rows by 2 vectors each.
            for (int ir = 0; ir < mp; ir += MR) {
                int rows = Math.min(MR, m - ir);
                for (int q0 = g0, bo = 0, j = 0; q0 < g1; q0 += NR, bo += stride, j++) {
                    int n = Math.min(NR, g1 - q0);
                    if (ir == 0 && packLater[j] >= 0) {
                        tile8Packing(src, packLater[j], tapOff, panels, bo, c, cOff + q0, ldc, relu);
                    } else if (n == NR && rows == MR) {
                        if (plain) {
                            tile8(panels, bo, ir, c, cOff + ir * ldc + q0, ldc, relu);
                        } else {
                            tile(panels, bo, ir, c, cOff + ir * ldc + q0, ldc, lo, hi);
                        }
                    } else {
                        tile(panels, bo, ir, s.tile, 0, NR, lo, hi);
                        for (int r = 0; r < rows; r++) {
                            System.arraycopy(s.tile, r * NR, c, cOff + (ir + r) * ldc + q0, n);
                        }
                    }
                }
            }
        }
    }

    /**
     * Bytes of packed B panels one group may take: 128 KiB, L2-resident (the 1 MiB L2 also holds the weights and
     * the source rows). Measured with {@code ConvPairedProbe} (thread CPU median, one thread, against one panel
     * at a time, alternated, load 10-16): groups of 16 / 32 / 64 / 128 KiB on the 3x3/2 3->64 stem @224 (k = 27)
     * with cold caches 0.756 / 0.702 / 0.661 / 0.647 of the old time, warm 0.656 (64 KiB) / 0.78 (128 KiB);
     * MobileNetV2's 3x3/2 3->32 stem cold 0.75 / 0.72 / 0.73 / 0.68; the 7x7/2 stem (k = 147: 1 / 1 / 3 / 6 panels
     * per group) cold 1.00 / 1.01 / 0.95 / 0.93, warm 0.92 (64 and 128 KiB; 256 KiB 0.915); conv1d k80 0.87; the
     * 3x3x3 3->64 @16x112x112 stem 0.88 (session s5r3d measured 0.84-0.88 there for 96-400 KiB, 0.91 at 48, and
     * 0.96-0.98 for the 7x7x7 stem with 2-8 panels of 132 KB).
     */
    static final int GROUP_BYTES = 128 << 10;
    /** At most this many panels per group: 1024 pixels, {@code ImplicitIm2colConv}'s chunk. */
    static final int MAX_GROUP = 32;

    /** Panels per group for reduction length k: as many as fit {@link #GROUP_BYTES}, at least one. */
    static int panelGroup(int k) {
        return Math.max(1, Math.min(MAX_GROUP, GROUP_BYTES / (k * NR * Float.BYTES)));
    }

    /** Splits pixels {@code [q0, q0 + n)} into runs along output rows: source offset and column in the panel. */
    private static int segments(PixelGrid grid, int q0, int n, int[] segSrc, int[] segDst) {
        int segs = 0;
        int q = q0;
        int end = q0 + n;
        int outW = grid.outW();
        while (q < end) {
            int len = Math.min(outW - q % outW, end - q);
            segSrc[segs] = grid.source(q);
            segDst[segs] = q - q0;
            segs++;
            q += len;
        }
        return segs;
    }

    /** The vector copies below read NR floats from each run's start for every tap: check the whole span once. */
    private static void checkSource(float[] src, int srcOff, int[] tapOff, int[] segSrc, int segs) {
        int lo = Integer.MAX_VALUE;
        int hi = Integer.MIN_VALUE;
        for (int t : tapOff) {
            lo = Math.min(lo, t);
            hi = Math.max(hi, t);
        }
        long first = (long) srcOff + lo + segSrc[0];
        long last = (long) srcOff + hi + segSrc[segs - 1] + NR;
        if (first < 0 || last > src.length) {
            throw new IndexOutOfBoundsException("source reads [" + first + ", " + last + ") outside an array of "
                    + src.length);
        }
    }

    /**
     * B for one panel: tap p's row ({@code NR} floats at {@code p * NR}) gets each run as two whole vectors; a run's
     * copy may spill past its length (into the next run's columns, or the next tap's row), which the next copy
     * overwrites, since runs and taps are written in order; what spills past the last run lies in columns the panel
     * does not store (or the slack after the last row).
     */
    private void pack(float[] src, int srcOff, int[] tapOff, int[] segSrc, int[] segDst, int segs, float[] panel,
            int base) {
        if (segs == 1) {
            int from = srcOff + segSrc[0];
            for (int p = 0; p < k; p++) {
                int f = from + tapOff[p];
                int d = base + p * NR;
                FloatVector.fromArray(S, src, f).intoArray(panel, d);
                FloatVector.fromArray(S, src, f + L).intoArray(panel, d + L);
            }
            return;
        }
        for (int p = 0; p < k; p++) {
            int t = srcOff + tapOff[p];
            int d = base + p * NR;
            for (int r = 0; r < segs; r++) {
                int f = t + segSrc[r];
                int to = d + segDst[r];
                FloatVector.fromArray(S, src, f).intoArray(panel, to);
                FloatVector.fromArray(S, src, f + L).intoArray(panel, to + L);
            }
        }
    }

    private void tile(float[] b, int bo, int row0, float[] c, int ci, int ldc, float lo, float hi) {
        // tile8 takes a boolean, not the float floor: passing lo as a float parameter made the 3x3x3 3->64 layer
        // (k = 81) 5-6% slower at one thread (paired probe, 25.3 -> 27.3 ms CPU median), with the same loop; other
        // floors (a Clip with only a min) go to the clamped tile.
        if (MR == 8 && hi == Float.POSITIVE_INFINITY && (lo == 0f || lo == Float.NEGATIVE_INFINITY)) {
            tile8(b, bo, row0, c, ci, ldc, lo == 0f);
        } else if (MR == 8) {
            tile8Clamped(b, bo, row0, c, ci, ldc, lo, hi);
        } else {
            tile4(b, bo, row0, c, ci, ldc, lo, hi);
        }
    }

    /** Rows {@code [row0, row0 + 8)} x NR pixels over all of k, from the bias, stored (with ReLU) at c[ci]. */
    private void tile8(float[] b, int bo, int row0, float[] c, int ci, int ldc, boolean relu) {
        float[] w = a;
        int ai = row0 * k;
        FloatVector c00 = FloatVector.broadcast(S, bias[row0]);
        FloatVector c01 = c00;
        FloatVector c10 = FloatVector.broadcast(S, bias[row0 + 1]);
        FloatVector c11 = c10;
        FloatVector c20 = FloatVector.broadcast(S, bias[row0 + 2]);
        FloatVector c21 = c20;
        FloatVector c30 = FloatVector.broadcast(S, bias[row0 + 3]);
        FloatVector c31 = c30;
        FloatVector c40 = FloatVector.broadcast(S, bias[row0 + 4]);
        FloatVector c41 = c40;
        FloatVector c50 = FloatVector.broadcast(S, bias[row0 + 5]);
        FloatVector c51 = c50;
        FloatVector c60 = FloatVector.broadcast(S, bias[row0 + 6]);
        FloatVector c61 = c60;
        FloatVector c70 = FloatVector.broadcast(S, bias[row0 + 7]);
        FloatVector c71 = c70;
        for (int p = 0; p < k; p++) {
            int bp = bo + p * NR;
            int ap = ai + p * 8;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector av = FloatVector.broadcast(S, w[ap]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, w[ap + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, w[ap + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, w[ap + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, w[ap + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, w[ap + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(S, w[ap + 6]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(S, w[ap + 7]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
        }
        // ReLU as a max with 0, identity as a max with -infinity: no branch (a branch per store made the method
        // too large for C2 to inline the last stores, which then boxed their vectors). No min here: on the
        // MobileNetV2 stem (k = 27) an always-present min with +infinity cost 9% (0.310 -> 0.338 ms;
        // a compare + blend instead of max/min was twice as slow).
        FloatVector floor = FloatVector.broadcast(S, relu ? 0f : Float.NEGATIVE_INFINITY);
        c00.max(floor).intoArray(c, ci);
        c01.max(floor).intoArray(c, ci + L);
        c10.max(floor).intoArray(c, ci + ldc);
        c11.max(floor).intoArray(c, ci + ldc + L);
        c20.max(floor).intoArray(c, ci + 2 * ldc);
        c21.max(floor).intoArray(c, ci + 2 * ldc + L);
        c30.max(floor).intoArray(c, ci + 3 * ldc);
        c31.max(floor).intoArray(c, ci + 3 * ldc + L);
        c40.max(floor).intoArray(c, ci + 4 * ldc);
        c41.max(floor).intoArray(c, ci + 4 * ldc + L);
        c50.max(floor).intoArray(c, ci + 5 * ldc);
        c51.max(floor).intoArray(c, ci + 5 * ldc + L);
        c60.max(floor).intoArray(c, ci + 6 * ldc);
        c61.max(floor).intoArray(c, ci + 6 * ldc + L);
        c70.max(floor).intoArray(c, ci + 7 * ldc);
        c71.max(floor).intoArray(c, ci + 7 * ldc + L);
    }

    /**
     * {@link #tile8} for rows 0-7 reading B straight from the source (tap p at {@code src[from + tapOff[p]]}) and
     * storing it into the panel at {@code b[bo]} on the way, for the other row tiles. Packing before the sweep
     * cost 9% of the 7x7/2 stem (k = 147: 18.8 KiB stored per 32 pixels into a group buffer the sweep has pushed
     * out to L2, while the FMA units wait; measured by skipping it); here the copy's loads and stores run
     * alongside the first tile's FMAs: 1.4-4% of the layer saved (ConvPairedProbe, CPU medians, load 8-16), not
     * all 9% (the first tile is slower by most of what the copy costs). Same products in the same order as
     * packing first: the results are bit-identical ({@code -Dvinfer.panelGemm.packFirst=true} packs first).
     */
    private void tile8Packing(float[] src, int from, int[] tapOff, float[] b, int bo, float[] c, int ci, int ldc,
            boolean relu) {
        float[] w = a;
        int row0 = 0;
        int ai = 0;
        FloatVector c00 = FloatVector.broadcast(S, bias[row0]);
        FloatVector c01 = c00;
        FloatVector c10 = FloatVector.broadcast(S, bias[row0 + 1]);
        FloatVector c11 = c10;
        FloatVector c20 = FloatVector.broadcast(S, bias[row0 + 2]);
        FloatVector c21 = c20;
        FloatVector c30 = FloatVector.broadcast(S, bias[row0 + 3]);
        FloatVector c31 = c30;
        FloatVector c40 = FloatVector.broadcast(S, bias[row0 + 4]);
        FloatVector c41 = c40;
        FloatVector c50 = FloatVector.broadcast(S, bias[row0 + 5]);
        FloatVector c51 = c50;
        FloatVector c60 = FloatVector.broadcast(S, bias[row0 + 6]);
        FloatVector c61 = c60;
        FloatVector c70 = FloatVector.broadcast(S, bias[row0 + 7]);
        FloatVector c71 = c70;
        for (int p = 0; p < k; p++) {
            int f = from + tapOff[p];
            int bp = bo + p * NR;
            int ap = ai + p * 8;
            FloatVector b0 = FloatVector.fromArray(S, src, f);
            FloatVector b1 = FloatVector.fromArray(S, src, f + L);
            b0.intoArray(b, bp);
            b1.intoArray(b, bp + L);
            FloatVector av = FloatVector.broadcast(S, w[ap]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, w[ap + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, w[ap + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, w[ap + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, w[ap + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, w[ap + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(S, w[ap + 6]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(S, w[ap + 7]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
        }
        FloatVector floor = FloatVector.broadcast(S, relu ? 0f : Float.NEGATIVE_INFINITY);
        c00.max(floor).intoArray(c, ci);
        c01.max(floor).intoArray(c, ci + L);
        c10.max(floor).intoArray(c, ci + ldc);
        c11.max(floor).intoArray(c, ci + ldc + L);
        c20.max(floor).intoArray(c, ci + 2 * ldc);
        c21.max(floor).intoArray(c, ci + 2 * ldc + L);
        c30.max(floor).intoArray(c, ci + 3 * ldc);
        c31.max(floor).intoArray(c, ci + 3 * ldc + L);
        c40.max(floor).intoArray(c, ci + 4 * ldc);
        c41.max(floor).intoArray(c, ci + 4 * ldc + L);
        c50.max(floor).intoArray(c, ci + 5 * ldc);
        c51.max(floor).intoArray(c, ci + 5 * ldc + L);
        c60.max(floor).intoArray(c, ci + 6 * ldc);
        c61.max(floor).intoArray(c, ci + 6 * ldc + L);
        c70.max(floor).intoArray(c, ci + 7 * ldc);
        c71.max(floor).intoArray(c, ci + 7 * ldc + L);
    }

    /** As {@link #tile8}, each result clamped to {@code [lo, hi]} (Clip, Relu6). */
    private void tile8Clamped(float[] b, int bo, int row0, float[] c, int ci, int ldc, float lo, float hi) {
        float[] w = a;
        int ai = row0 * k;
        FloatVector c00 = FloatVector.broadcast(S, bias[row0]);
        FloatVector c01 = c00;
        FloatVector c10 = FloatVector.broadcast(S, bias[row0 + 1]);
        FloatVector c11 = c10;
        FloatVector c20 = FloatVector.broadcast(S, bias[row0 + 2]);
        FloatVector c21 = c20;
        FloatVector c30 = FloatVector.broadcast(S, bias[row0 + 3]);
        FloatVector c31 = c30;
        FloatVector c40 = FloatVector.broadcast(S, bias[row0 + 4]);
        FloatVector c41 = c40;
        FloatVector c50 = FloatVector.broadcast(S, bias[row0 + 5]);
        FloatVector c51 = c50;
        FloatVector c60 = FloatVector.broadcast(S, bias[row0 + 6]);
        FloatVector c61 = c60;
        FloatVector c70 = FloatVector.broadcast(S, bias[row0 + 7]);
        FloatVector c71 = c70;
        for (int p = 0; p < k; p++) {
            int bp = bo + p * NR;
            int ap = ai + p * 8;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector av = FloatVector.broadcast(S, w[ap]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, w[ap + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, w[ap + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, w[ap + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, w[ap + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, w[ap + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(S, w[ap + 6]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(S, w[ap + 7]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
        }
        FloatVector floor = FloatVector.broadcast(S, lo);
        FloatVector ceil = FloatVector.broadcast(S, hi);
        c00.max(floor).min(ceil).intoArray(c, ci);
        c01.max(floor).min(ceil).intoArray(c, ci + L);
        c10.max(floor).min(ceil).intoArray(c, ci + ldc);
        c11.max(floor).min(ceil).intoArray(c, ci + ldc + L);
        c20.max(floor).min(ceil).intoArray(c, ci + 2 * ldc);
        c21.max(floor).min(ceil).intoArray(c, ci + 2 * ldc + L);
        c30.max(floor).min(ceil).intoArray(c, ci + 3 * ldc);
        c31.max(floor).min(ceil).intoArray(c, ci + 3 * ldc + L);
        c40.max(floor).min(ceil).intoArray(c, ci + 4 * ldc);
        c41.max(floor).min(ceil).intoArray(c, ci + 4 * ldc + L);
        c50.max(floor).min(ceil).intoArray(c, ci + 5 * ldc);
        c51.max(floor).min(ceil).intoArray(c, ci + 5 * ldc + L);
        c60.max(floor).min(ceil).intoArray(c, ci + 6 * ldc);
        c61.max(floor).min(ceil).intoArray(c, ci + 6 * ldc + L);
        c70.max(floor).min(ceil).intoArray(c, ci + 7 * ldc);
        c71.max(floor).min(ceil).intoArray(c, ci + 7 * ldc + L);
    }

    /** As {@link #tile8} with 4 rows (narrow vectors, 16 registers). */
    private void tile4(float[] b, int bo, int row0, float[] c, int ci, int ldc, float lo, float hi) {
        float[] w = a;
        int ai = row0 * k;
        FloatVector c00 = FloatVector.broadcast(S, bias[row0]);
        FloatVector c01 = c00;
        FloatVector c10 = FloatVector.broadcast(S, bias[row0 + 1]);
        FloatVector c11 = c10;
        FloatVector c20 = FloatVector.broadcast(S, bias[row0 + 2]);
        FloatVector c21 = c20;
        FloatVector c30 = FloatVector.broadcast(S, bias[row0 + 3]);
        FloatVector c31 = c30;
        for (int p = 0; p < k; p++) {
            int bp = bo + p * NR;
            int ap = ai + p * 4;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector av = FloatVector.broadcast(S, w[ap]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, w[ap + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, w[ap + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, w[ap + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
        }
        FloatVector floor = FloatVector.broadcast(S, lo);
        FloatVector ceil = FloatVector.broadcast(S, hi);
        c00.max(floor).min(ceil).intoArray(c, ci);
        c01.max(floor).min(ceil).intoArray(c, ci + L);
        c10.max(floor).min(ceil).intoArray(c, ci + ldc);
        c11.max(floor).min(ceil).intoArray(c, ci + ldc + L);
        c20.max(floor).min(ceil).intoArray(c, ci + 2 * ldc);
        c21.max(floor).min(ceil).intoArray(c, ci + 2 * ldc + L);
        c30.max(floor).min(ceil).intoArray(c, ci + 3 * ldc);
        c31.max(floor).min(ceil).intoArray(c, ci + 3 * ldc + L);
    }
}
