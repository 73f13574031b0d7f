package dev.vinfer.ops.nn.pool;

import dev.vinfer.conv.Backend;
import dev.vinfer.conv.Kernels;
import dev.vinfer.conv.Parallel;
import dev.vinfer.conv.PoolReduction;

/**
 * A float32 max or sum pool of every plane, separable and vectorized ({@link Backend#poolRows} then
 * {@link Backend#poolTaps}): for each output row the window's input rows (along D and H) are combined element by
 * element and split into the W stride's phases, so that every W tap of the outputs whose windows lie inside the
 * input is a contiguous stream in the phase rows, read a vector at a time across all those outputs and a block of
 * output rows in one call. The few border outputs (windows cut by padding or ceil rounding) are combined one by one
 * from the same phase rows. A 1-d pool with unit stride reads its taps straight from the input.
 *
 * <p>Output rows are done in blocks whose phase rows fit in about 16 KiB (L1); planes are split over the session's
 * threads when there is enough work. Built once per input shape; immutable, so runs may share it.
 */
final class SeparablePool {
    /** Phase-row floats per block of output rows: they are written and read back while still in L1. */
    private static final int BLOCK_FLOATS = 4096;
    /**
     * Output pixels per plane and thread from which the threads split every plane into bands of rows instead of
     * taking whole planes: the convolution engine cuts planes of at least 256 pixels a thread by pixels.
     */
    static final int BAND_SPLIT_PIXELS = 256;
    /** Output columns per thread from which 1-d rows are split by columns ({@link #splitsColumns}). */
    static final int COLUMN_SPLIT_MIN = 128;
    /** Input plus output elements per task at least this many, so that small pools stay on one thread. */
    private static final int MIN_ELEMENTS_PER_TASK = 1 << 15;
    /** 1-d rows shorter than this many values per phase are pooled with strided scalar taps (see rowsOfPlanes). */
    private static final int SHORT_ROW_PER_PHASE = 16;

    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[BLOCK_FLOATS]);

    private final PoolGeometry g;
    private final Backend backend;
    /** Stride phases the combined rows are split into (the W stride of the interior outputs, else 1). */
    private final int phases;
    /** Values per phase row, and per combined row ({@code phases * phaseLen}). */
    private final int phaseLen;
    private final int pitch;
    /** Interior outputs along W: {@code [lo, hi)}, each with the taps at {@code tapOff} (phase-row offsets). */
    private final int lo;
    private final int hi;
    private final int[] tapOff;
    /** Whether a plane is a single row (1-d pools): then the planes are pooled as the rows of one plane. */
    private final boolean rowPlanes;
    /** Whether the taps are read from the input itself (1-d, unit stride: no combined rows needed). */
    private final boolean direct;
    /**
     * 1-d windows of 2 or 4 taps as far apart as their stride (M5's MaxPool1d(4)): a max pool takes them straight
     * from the input with {@link Backend#maxRuns}, without the split into phases and the pass over the taps.
     */
    private final boolean runs;
    private final int rowsPerBlock;
    /** -Dvinfer.pool.columns=false: 1-d rows split by rows only (read when the pool is built: for comparisons). */
    private final boolean columnSplit = !"false".equals(System.getProperty("vinfer.pool.columns"));
    /** Output rows along H whose windows are whole and evenly spaced: {@code [yLo, yHi)}, {@code yStride} apart. */
    private final int yLo;
    private final int yHi;
    private final int yStride;

    SeparablePool(PoolGeometry g, Backend backend) {
        this.g = g;
        this.backend = backend;
        int w = g.in(2);
        int ow = g.out(2);
        int taps = 0;
        for (int ox = 0; ox < ow; ox++) {
            taps = Math.max(taps, g.valid(2, ox));
        }
        int a = 0;
        while (a < ow && g.valid(2, a) != taps) {
            a++;
        }
        int b = a;
        while (b < ow && g.valid(2, b) == taps) {
            b++;
        }
        int stride = b - a >= 2 ? g.first(2, a + 1) - g.first(2, a) : 1;
        for (int ox = a; ox < b; ox++) {
            if (stride < 1 || g.first(2, ox) != g.first(2, a) + (ox - a) * stride) {
                a = b = 0; // not evenly spaced (cannot happen for a pooling window): all outputs one by one
                stride = 1;
                break;
            }
        }
        if (taps == 0) {
            a = b = 0;
        }
        this.lo = a;
        this.hi = b;
        this.phases = stride;
        this.phaseLen = Math.ceilDiv(w, stride);
        this.pitch = stride * phaseLen;
        // A plane of one row pools as a 1-d row only if the window takes that row: a window along D or H whose
        // taps all fall in the padding has no row, and its outputs are the identity (through poolRows).
        this.rowPlanes = g.in(0) * g.in(1) == 1 && g.out(0) * g.out(1) == 1 && g.valid(0, 0) > 0
                && g.valid(1, 0) > 0;
        this.direct = stride == 1 && rowPlanes;
        // -Dvinfer.pool.runs=false keeps these on the phase split (read when the pool is built: for comparisons)
        this.runs = rowPlanes && (stride == 2 || stride == 4) && taps == stride && g.dilation(2) == 1 && lo < hi
                && !"false".equals(System.getProperty("vinfer.pool.runs"));
        int oh = g.out(1);
        int ky = 0;
        for (int oy = 0; oy < oh; oy++) {
            ky = Math.max(ky, g.valid(1, oy));
        }
        int y0 = 0;
        while (y0 < oh && g.valid(1, y0) != ky) {
            y0++;
        }
        int y1 = y0;
        while (y1 < oh && g.valid(1, y1) == ky) {
            y1++;
        }
        int sy = y1 - y0 >= 2 ? g.first(1, y0 + 1) - g.first(1, y0) : 0;
        for (int oy = y0; oy < y1; oy++) {
            if (g.first(1, oy) != g.first(1, y0) + (oy - y0) * sy) {
                y1 = y0; // not evenly spaced (cannot happen for a pooling window): rows one call each
                break;
            }
        }
        this.yLo = y0;
        this.yHi = y1;
        this.yStride = sy;
        this.tapOff = new int[Math.max(1, taps)];
        int dx = g.dilation(2);
        for (int t = 0; t < taps && a < b; t++) {
            int q = g.first(2, a) + t * dx;
            tapOff[t] = q % stride * phaseLen + q / stride;
        }
        this.rowsPerBlock = Math.max(1, BLOCK_FLOATS / Math.max(1, pitch));
    }

    PoolGeometry geometry() {
        return g;
    }

    /** Whether {@code threads} threads split every plane into bands of output rows (else they take whole planes). */
    boolean splitsIntoBands(int threads) {
        int outPlane = g.outputPlaneSize();
        return !rowPlanes && threads > 1 && outPlane >= BAND_SPLIT_PIXELS * threads
                && g.out(0) * g.out(1) >= 2 * threads
                && (long) g.planes() * (g.inputPlaneSize() + outPlane) >= 2L * MIN_ELEMENTS_PER_TASK;
    }

    /**
     * Pools every plane of {@code src} into {@code dst}; {@code perPlane} (may be null) then runs on each finished
     * output plane, on the thread that computed it.
     */
    void run(PoolReduction op, float[] src, int srcOff, float[] dst, int dstOff, Parallel parallel,
            PlaneFinisher perPlane) {
        int inPlane = g.inputPlaneSize();
        int outPlane = g.outputPlaneSize();
        if (outPlane == 0 || g.planes() == 0) {
            return;
        }
        int threads = parallel.threads();
        int outRows = g.out(0) * g.out(1);
        if (splitsIntoBands(threads)) {
            // Planes as large as the convolutions split by pixels: thread t pools the t-th band of output rows of
            // every plane, reading the input rows that the producing conv wrote on the same thread and writing the
            // rows the next conv reads there (bench/README.md, "Two threads and per-node overhead, session 5").
            parallel.forEach(threads, t -> {
                int r0 = (int) ((long) outRows * t / threads);
                int r1 = (int) ((long) outRows * (t + 1) / threads);
                float[] buf = scratch(rowsPerBlock * pitch);
                for (int p = 0; p < g.planes(); p++) {
                    int so = srcOff + p * inPlane;
                    int d0 = dstOff + p * outPlane;
                    plane(op, src, so, dst, d0, buf, r0, r1);
                    if (perPlane != null) {
                        perPlane.finish(src, so, dst, d0, r0 * g.out(2), r1 * g.out(2));
                    }
                }
            });
            return;
        }
        if (splitsColumns(op, threads)) {
            // 1-d rows long enough to split: thread t pools the t-th part of every row (see splitsColumns)
            int ow = g.out(2);
            parallel.forEach(threads, t -> columnsOfPlanes(op, src, srcOff, dst, dstOff,
                    (int) ((long) ow * t / threads), (int) ((long) ow * (t + 1) / threads), perPlane));
            return;
        }
        int minPlanes = Math.max(1, MIN_ELEMENTS_PER_TASK / Math.max(1, inPlane + outPlane));
        parallel.forRange(g.planes(), minPlanes, (start, end) -> {
            if (rowPlanes) {
                rowsOfPlanes(op, src, srcOff, dst, dstOff, start, end, perPlane);
                return;
            }
            float[] buf = scratch(rowsPerBlock * pitch);
            for (int p = start; p < end; p++) {
                int so = srcOff + p * inPlane;
                int d0 = dstOff + p * outPlane;
                plane(op, src, so, dst, d0, buf, 0, g.out(0) * g.out(1));
                if (perPlane != null) {
                    perPlane.finish(src, so, dst, d0, 0, outPlane);
                }
            }
        });
    }

    /**
     * Whether {@code threads} threads split 1-d rows by output columns (thread t takes the t-th part of every row)
     * for {@code op} instead of taking whole rows: for the pools whose taps come straight from the input (unit
     * stride, or M5's max runs of 2 or 4), with at least {@link #COLUMN_SPLIT_MIN} outputs a thread. The 1-d
     * convolutions around them split by columns too (implicit im2col by pixel ranges, Winograd's long rows in
     * halves), so each thread reads the samples it wrote itself; split by rows, half of what each thread read had
     * been written by the other core (M5 at two threads: 1.26 against 1.29 ms a run, four JVMs alternated).
     */
    boolean splitsColumns(PoolReduction op, int threads) {
        return columnSplit && rowPlanes && threads > 1 && (direct || runs && op == PoolReduction.MAX)
                && g.out(2) >= COLUMN_SPLIT_MIN * threads
                && (long) g.planes() * (g.inputPlaneSize() + g.outputPlaneSize()) >= 2L * MIN_ELEMENTS_PER_TASK;
    }

    /** Output columns {@code [c0, c1)} of every plane (1-d rows; see {@link #splitsColumns}). */
    private void columnsOfPlanes(PoolReduction op, float[] src, int srcOff, float[] dst, int dstOff, int c0, int c1,
            PlaneFinisher perPlane) {
        int w = g.in(2);
        int ow = g.out(2);
        int planes = g.planes();
        int a = Math.max(lo, c0);
        int b = Math.min(hi, c1);
        if (a < b) {
            if (direct) {
                backend.poolTaps(op, tapOff.length, tapOff, src, srcOff + a - lo, w, planes, b - a, dst,
                        dstOff + a, ow);
            } else {
                backend.maxRuns(phases, src, srcOff + g.first(2, a), w, planes, b - a, dst, dstOff + a, ow);
            }
        }
        for (int p = 0; p < planes; p++) {
            borders(op, src, srcOff + p * w, 1, 0, dst, dstOff + p * ow, c0, c1);
            if (perPlane != null) {
                perPlane.finish(src, srcOff + p * w, dst, dstOff + p * ow, c0, c1);
            }
        }
    }

    /**
     * 1-d pools: planes {@code [start, end)} are single rows, pooled together as the rows of one plane, a block of
     * them per call (tiny planes, e.g. 62 values, would otherwise cost more in calls than in work).
     */
    private void rowsOfPlanes(PoolReduction op, float[] src, int srcOff, float[] dst, int dstOff, int start, int end,
            PlaneFinisher perPlane) {
        int w = g.in(2);
        int ow = g.out(2);
        if (runs && op == PoolReduction.MAX) {
            // one pass over the input: maxima of pairs, then of fours, in registers (M5's first pool, 128 x 3981
            // values: see bench/README.md, session 13)
            backend.maxRuns(phases, src, srcOff + start * w + g.first(2, lo), w, end - start, hi - lo, dst,
                    dstOff + start * ow + lo, ow);
            for (int p = start; p < end; p++) {
                borders(op, src, srcOff + p * w, 1, 0, dst, dstOff + p * ow);
            }
        } else if (!direct && w < SHORT_ROW_PER_PHASE * phases) {
            // rows shorter than a vector step per phase: strided taps straight from the input beat the split
            for (int p = start; p < end; p++) {
                stridedRow(op, src, srcOff + p * w, dst, dstOff + p * ow);
            }
        } else if (direct) {
            // with one phase, tapOff holds the taps' columns in the input row itself
            if (lo < hi) {
                backend.poolTaps(op, tapOff.length, tapOff, src, srcOff + start * w, w, end - start, hi - lo, dst,
                        dstOff + start * ow + lo, ow);
            }
            for (int p = start; p < end; p++) {
                borders(op, src, srcOff + p * w, 1, 0, dst, dstOff + p * ow);
            }
        } else {
            float[] buf = scratch(rowsPerBlock * pitch);
            for (int p0 = start; p0 < end; p0 += rowsPerBlock) {
                int p1 = Math.min(end, p0 + rowsPerBlock);
                backend.poolRows(op, src, srcOff + p0 * w, 1, 0, 1, 0, w, phases, buf, 0, phaseLen, p1 - p0, w,
                        pitch);
                if (lo < hi) {
                    backend.poolTaps(op, tapOff.length, tapOff, buf, 0, pitch, p1 - p0, hi - lo, dst,
                            dstOff + p0 * ow + lo, ow);
                }
                for (int p = p0; p < p1; p++) {
                    borders(op, buf, (p - p0) * pitch, phases, phaseLen, dst, dstOff + p * ow);
                }
            }
        }
        if (perPlane != null) {
            for (int p = start; p < end; p++) {
                perPlane.finish(src, srcOff + p * w, dst, dstOff + p * ow, 0, ow);
            }
        }
    }

    /**
     * Work done on an output plane after pooling, e.g. MaxPool's NaN repair or AveragePool's division: on the
     * plane's outputs {@code [from, to)} (indices within the plane; the whole plane, or a band of whole rows).
     */
    @FunctionalInterface
    interface PlaneFinisher {
        void finish(float[] src, int srcOff, float[] dst, int dstOff, int from, int to);
    }

    private static float[] scratch(int n) {
        float[] b = SCRATCH.get();
        if (b.length < n) {
            b = new float[n];
            SCRATCH.set(b);
        }
        return b;
    }

    /** Output rows {@code [rowFrom, rowTo)} of one plane (rows counted over D and H). */
    private void plane(PoolReduction op, float[] src, int so, float[] dst, int d0, float[] buf, int rowFrom,
            int rowTo) {
        int ow = g.out(2);
        int oh = g.out(1);
        int h = g.in(1);
        int w = g.in(2);
        for (int r0 = rowFrom; r0 < rowTo; r0 += rowsPerBlock) {
            int r1 = Math.min(rowTo, r0 + rowsPerBlock);
            for (int r = r0; r < r1; ) {
                int oz = r / oh;
                int oy = r % oh;
                // the run of alike rows from here (same depth, whole windows evenly spaced), in one call
                int count = oy >= yLo && oy < yHi ? Math.min(yHi - oy, r1 - r) : 1;
                int fz = g.first(0, oz);
                int fy = g.first(1, oy);
                backend.poolRows(op, src, so + (fz * h + fy) * w, g.valid(0, oz), g.dilation(0) * h * w,
                        g.valid(1, oy), g.dilation(1) * w, w, phases, buf, (r - r0) * pitch, phaseLen, count,
                        yStride * w, pitch);
                r += count;
            }
            if (lo < hi) {
                backend.poolTaps(op, tapOff.length, tapOff, buf, 0, pitch, r1 - r0, hi - lo, dst, d0 + r0 * ow + lo,
                        ow);
            }
            for (int r = r0; r < r1; r++) {
                borders(op, buf, (r - r0) * pitch, phases, phaseLen, dst, d0 + r * ow);
            }
        }
    }

    /** One short 1-d row: the interior outputs tap by tap with strided reads, then the borders. */
    private void stridedRow(PoolReduction op, float[] src, int so, float[] dst, int d) {
        if (lo < hi) {
            int n = hi - lo;
            int dx = g.dilation(2);
            int s0 = so + g.first(2, lo);
            int o = d + lo;
            for (int i = 0, x = s0; i < n; i++, x += phases) {
                dst[o + i] = src[x];
            }
            boolean max = op == PoolReduction.MAX;
            for (int t = 1; t < tapOff.length; t++) {
                int st = s0 + t * dx;
                if (max) {
                    for (int i = 0, x = st; i < n; i++, x += phases) {
                        dst[o + i] = Math.max(dst[o + i], src[x]);
                    }
                } else {
                    for (int i = 0, x = st; i < n; i++, x += phases) {
                        dst[o + i] += src[x];
                    }
                }
            }
        }
        borders(op, src, so, 1, 0, dst, d);
    }

    /**
     * The outputs outside {@code [lo, hi)} of one output row, tap by tap from its combined row, which holds input
     * column x at {@code row + x % ph * len + x / ph}.
     */
    private void borders(PoolReduction op, float[] row, int rowOff, int ph, int len, float[] dst, int d) {
        borders(op, row, rowOff, ph, len, dst, d, 0, g.out(2));
    }

    /** {@link #borders} of the output columns {@code [from, to)} only. */
    private void borders(PoolReduction op, float[] row, int rowOff, int ph, int len, float[] dst, int d, int from,
            int to) {
        int dx = g.dilation(2);
        for (int ox = from; ox < to; ox++) {
            if (ox >= lo && ox < hi) {
                ox = hi - 1;
                continue;
            }
            float acc = op.identity();
            int n = g.valid(2, ox);
            for (int c = 0, x = g.first(2, ox); c < n; c++, x += dx) {
                acc = op.apply(acc, row[rowOff + x % ph * len + x / ph]);
            }
            dst[d + ox] = acc;
        }
    }
}
