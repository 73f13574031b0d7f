package dev.vinfer.conv;

import static dev.vinfer.conv.NchwcLayout.BLOCK;

import java.util.concurrent.atomic.AtomicReference;

/**
 * A 2-D stem ({@link NchwcStemConv}) and the max pool that reads only its output ({@link NchwcMaxPool}) as one
 * kernel: plain NCHW input, blocked pooled output, and the stem's output never written whole. ResNet's 7x7/2 stem
 * writes 64 x 112 x 112 floats (3.2 MB) and SqueezeNet's 3x3/2 one 64 x 111 x 111 that the pool after each reads
 * back once; apart they pass through L3 or memory, here a band of a few stem rows is pooled while it is in L2.
 *
 * <p>The pool's output rows are cut into bands of {@link #BAND_ROWS} rows; a band's stem rows (the rows its windows
 * reach, {@code (B - 1) * strideH + (kH - 1) * dilationH + 1}) go into a per-thread buffer laid out as the stem's
 * output, {@code [block][row][W][16]}, and the band is pooled from there by the ordinary pool kernel
 * ({@link Backend#nchwcMaxPool}) on a pool geometry of the band's own rows (its top padding only where it starts
 * above row 0, windows past the last stem row skipped as before). Stem rows that the next band needs again (one for
 * a 3x3/2 pool) are moved to the top of the buffer rather than computed twice. Threads take contiguous ranges of
 * bands, each copying the input rows its own stem rows read.
 *
 * <p>Values are those of the two kernels run one after the other (the same arithmetic in the same order).
 */
public final class NchwcStemMaxPool {
    /**
     * Pool output rows per band: 7 (15 stem rows of a 3x3/2 pool, 14 of them new: 430 KB of ResNet's 64 channels at
     * 112 columns, within a core's 2 MB L2 with the input rows they read). Threads take whole bands, and 7 cuts the
     * 55 and 56 pool rows of SqueezeNet's and ResNet's stems into 8 bands, 4 a thread at two threads, where 6 gave one
     * thread 30 rows and the other 25 or 26. Against 6, one JVM, alternated under -XX:ObjectAlignmentInBytes=64
     * ({@code SwitchNodeProfile MODEL 2 400 vinfer.stemPool.bandRows 6 7}, session 27): this node 0.959 in
     * SqueezeNet and 0.961 in ResNet-18 at two threads; whole models at one thread 1.001 and 0.998. Session 19 had
     * chosen 6 against 2 (SqueezeNet 0.989 at one thread, 0.984 at two; ResNet-18 0.996 and 1.004).
     * {@code -Dvinfer.stemPool.bandRows}, read when a layer is prepared, sets it.
     */
    static final int BAND_ROWS = 7;

    /** {@link #BAND_ROWS}, or {@code -Dvinfer.stemPool.bandRows}. */
    static int bandRows() {
        return Math.max(1, Integer.getInteger("vinfer.stemPool.bandRows", BAND_ROWS));
    }

    private static final ThreadLocal<float[][]> BAND = ThreadLocal.withInitial(() -> new float[1][0]);

    private final NchwcStemConv stem;
    private final NchwcMaxPool pool;
    private final Backend backend;
    private final int blocks;
    private final int stemH;
    private final int stemW;
    /** Per band: its first stem row, its pool geometry (the band's stem rows as the input), its first output row. */
    private final int[] bandFirstRow;
    private final NchwcMaxPool[] bandPools;
    private final int[] bandFirstOut;
    /** Most stem rows a band holds. */
    private final int bandCapacity;

    private NchwcStemMaxPool(NchwcStemConv stem, NchwcMaxPool pool, Backend backend, int bandRows) {
        this.stem = stem;
        this.pool = pool;
        this.backend = backend;
        ConvGeometry g = stem.geometry();
        this.blocks = NchwcLayout.blocks(g.outChannels());
        this.stemH = g.outputDim(0);
        this.stemW = g.outputDim(1);
        int outH = pool.outH();
        int bands = Math.ceilDiv(outH, bandRows);
        this.bandFirstRow = new int[bands];
        this.bandPools = new NchwcMaxPool[bands];
        this.bandFirstOut = new int[bands];
        int capacity = 0;
        for (int b = 0; b < bands; b++) {
            int j0 = b * bandRows;
            int j1 = Math.min(outH, j0 + bandRows);
            int y0 = firstRow(pool, j0, stemH);
            int y1 = endRow(pool, j1, stemH);
            bandFirstRow[b] = y0;
            bandFirstOut[b] = j0;
            // the band's first window starts at stem row j0 * sH - padTop, y0 - that many rows above its top
            int padTop = y0 - (j0 * pool.strideH() - pool.padTop());
            bandPools[b] = NchwcMaxPool.prepare(1, g.outChannels(), y1 - y0, stemW, pool.kernelH(), pool.kernelW(),
                    pool.strideH(), pool.strideW(), pool.dilationH(), pool.dilationW(), padTop, pool.padLeft(),
                    j1 - j0, pool.outW(), backend);
            capacity = Math.max(capacity, y1 - y0);
        }
        this.bandCapacity = capacity;
    }

    /** The first stem row that pool output row {@code j} (and those after it) reads. */
    private static int firstRow(NchwcMaxPool pool, int j, int stemH) {
        return Math.min(stemH, Math.max(0, j * pool.strideH() - pool.padTop()));
    }

    /** One past the last stem row that pool output rows before {@code j1} read. */
    private static int endRow(NchwcMaxPool pool, int j1, int stemH) {
        return Math.max(0, Math.min(stemH, (j1 - 1) * pool.strideH() - pool.padTop()
                + (pool.kernelH() - 1) * pool.dilationH() + 1));
    }

    /**
     * Whether {@code stem} and {@code pool} fuse: a 2-D stem without a residual whose output (batch, channels and
     * size) is the pool's input, and every band of the pool's output reads at least one stem row.
     */
    public static boolean fits(NchwcStemConv stem, NchwcMaxPool pool) {
        return fits(stem, pool, bandRows());
    }

    /** As {@link #fits(NchwcStemConv, NchwcMaxPool)} with bands of {@code bandRows} pool rows. */
    static boolean fits(NchwcStemConv stem, NchwcMaxPool pool, int bandRows) {
        ConvGeometry g = stem.geometry();
        if (g.rank() != 2 || pool.batch() != g.batch() || pool.channels() != g.outChannels()
                || pool.inH() != g.outputDim(0) || pool.inW() != g.outputDim(1) || pool.outH() < 1
                || pool.outW() < 1) {
            return false;
        }
        for (int j0 = 0; j0 < pool.outH(); j0 += bandRows) {
            int j1 = Math.min(pool.outH(), j0 + bandRows);
            if (endRow(pool, j1, pool.inH()) <= firstRow(pool, j0, pool.inH())) {
                return false;
            }
        }
        return true;
    }

    /** Both kernels as one; see {@link #fits}. */
    public static NchwcStemMaxPool prepare(NchwcStemConv stem, NchwcMaxPool pool) {
        return prepare(stem, pool, Kernels.backend());
    }

    /** As {@link #prepare(NchwcStemConv, NchwcMaxPool)} with the pool on the given backend. */
    public static NchwcStemMaxPool prepare(NchwcStemConv stem, NchwcMaxPool pool, Backend backend) {
        return prepare(stem, pool, backend, bandRows());
    }

    /** As {@link #prepare(NchwcStemConv, NchwcMaxPool, Backend)} with bands of {@code bandRows} pool rows (tests). */
    static NchwcStemMaxPool prepare(NchwcStemConv stem, NchwcMaxPool pool, Backend backend, int bandRows) {
        if (bandRows < 1 || !fits(stem, pool, bandRows)) {
            throw new IllegalArgumentException("stem and max pool do not fuse: " + stem.geometry() + ", pool of "
                    + pool.inH() + "x" + pool.inW() + " -> " + pool.outH() + "x" + pool.outW());
        }
        return new NchwcStemMaxPool(stem, pool, backend, bandRows);
    }

    /** Floats of the plain NCHW input. */
    public long inputLength() {
        return stem.inputLength();
    }

    /** Floats of the blocked pooled output. */
    public long outputLength() {
        return pool.outputLength();
    }

    /** {@code out = maxpool(stem(in))}: {@code in} plain NCHW, {@code out} blocked; lanes past M written as zeros. */
    public void run(float[] in, int inOff, float[] out, int outOff, Parallel p) {
        NchwcChecks.run(in, inOff, inputLength(), out, outOff, outputLength(), null, 0);
        Bands call = spare.getAndSet(null);
        if (call == null) {
            call = new Bands();
        }
        int bands = bandPools.length;
        call.parts = Math.min(p.threads(), bands);
        call.in = in;
        call.out = out;
        try {
            ConvGeometry g = stem.geometry();
            for (int n = 0; n < g.batch(); n++) {
                call.inOff = inOff + n * g.inChannels() * g.inputPlane();
                call.outOff = outOff + n * blocks * pool.outH() * pool.outW() * BLOCK;
                p.forEach(call.parts, call);
            }
        } finally {
            call.in = null;
            call.out = null;
            spare.set(call);
        }
    }

    /** A spare {@link Bands}: a steady run allocates no task object; a concurrent run makes its own. */
    private final AtomicReference<Bands> spare = new AtomicReference<>();

    /** Task t of one image: bands {@code [bands * t / parts, bands * (t + 1) / parts)}. */
    private final class Bands implements Parallel.Task {
        float[] in;
        int inOff;
        float[] out;
        int outOff;
        int parts;

        @Override
        public void run(int t) {
            int bands = bandPools.length;
            int b0 = (int) ((long) bands * t / parts);
            int b1 = (int) ((long) bands * (t + 1) / parts);
            if (b0 >= b1) {
                return;
            }
            float[] src = stem.inputBuffer();
            stem.fillRows(in, inOff, src, bandFirstRow[b0], bandEnd(b1 - 1));
            float[][] holder = BAND.get();
            int blockFloats = bandCapacity * stemW * BLOCK;
            if (holder[0].length < blocks * blockFloats) {
                holder[0] = new float[blocks * blockFloats];
            }
            float[] buf = holder[0];
            int rowFloats = stemW * BLOCK;
            int have0 = 0;
            int have1 = 0; // stem rows [have0, have1) are in the buffer, have0 at its top
            int channels = pool.channels();
            for (int b = b0; b < b1; b++) {
                int y0 = bandFirstRow[b];
                int y1 = bandEnd(b);
                int keep = Math.max(0, Math.min(have1, y1) - Math.max(have0, y0));
                if (keep > 0 && y0 >= have0) {
                    // rows [y0, y0 + keep) move to the top of each block's region
                    if (y0 > have0) {
                        for (int ob = 0; ob < blocks; ob++) {
                            int base = ob * blockFloats;
                            System.arraycopy(buf, base + (y0 - have0) * rowFloats, buf, base, keep * rowFloats);
                        }
                    }
                } else {
                    keep = 0;
                }
                stem.computeRows(src, buf, keep * rowFloats, bandCapacity * stemW, y0 + keep, y1, null, 0);
                have0 = y0;
                have1 = y1;
                NchwcMaxPool bp = bandPools[b];
                int rows = bp.outH();
                int outRow = bandFirstOut[b] * pool.outW() * BLOCK;
                for (int ob = 0; ob < blocks; ob++) {
                    int lanes = Math.min(BLOCK, channels - ob * BLOCK);
                    backend.nchwcMaxPool(bp, lanes, buf, ob * blockFloats, out,
                            outOff + ob * pool.outH() * pool.outW() * BLOCK + outRow, 0, rows);
                }
            }
        }
    }

    /** One past band b's last stem row. */
    private int bandEnd(int b) {
        return bandFirstRow[b] + bandPools[b].inH();
    }

    @Override
    public String toString() {
        return "NchwcStemMaxPool[" + stem.geometry() + ", pool " + pool.kernelH() + "x" + pool.kernelW() + "/"
                + pool.strideH() + " -> " + pool.outH() + "x" + pool.outW() + "]";
    }
}
