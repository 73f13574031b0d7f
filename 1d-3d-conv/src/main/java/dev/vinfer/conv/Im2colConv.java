package dev.vinfer.conv;

import java.util.concurrent.atomic.AtomicReference;

/**
 * im2col + GEMM for any forward convolution: per image, group and tile of output pixels, the column matrix
 * ({@code K = C/G * kernel} rows x tile pixels) is built in a per-thread buffer and multiplied by the group's
 * prepacked weights straight into the output.
 *
 * <p>Memory: tiles are sized so the column buffer stays near {@link #COLUMN_BUDGET} floats (1 MiB; it is reread by
 * the GEMM while it is still in L2/L3), but at least {@link WorkGrid#MIN_TILE} pixels wide. The buffer is a
 * {@link ThreadLocal}, grown on demand and kept per thread: at most {@code max(COLUMN_BUDGET, K * MIN_TILE)} floats.
 */
final class Im2colConv extends PreparedConv {
    static final int COLUMN_BUDGET = 1 << 18;

    private static final ThreadLocal<float[][]> COLUMNS = ThreadLocal.withInitial(() -> new float[1][0]);

    private final ConvGeometry g;
    private final Shape3 s;
    private final GroupedWeights weights;
    private final int k;
    private final int maxTile;

    Im2colConv(ConvGeometry g, float[] w, int wOff, float[] bias, Epilogue e, Backend backend) {
        super(ConvAlgorithm.IM2COL, backend, g.inputLength(), g.outputLength());
        this.g = g;
        this.s = Shape3.of(g);
        this.k = g.reductionLength();
        float[] b = checkedBias(w, wOff, g.weightLength(), bias, g.outChannels());
        this.weights = new GroupedWeights(backend, g.group(), g.outChannelsPerGroup(), k, w, wOff, b, e);
        this.maxTile = Math.max(WorkGrid.MIN_TILE, COLUMN_BUDGET / k / 16 * 16);
    }

    /** Per calling thread: the phase-split input of a strided run, shared read-only by that run's tasks. */
    private static final ThreadLocal<float[][]> PHASES = ThreadLocal.withInitial(() -> new float[1][0]);

    private final AtomicReference<Tiles> spare = new AtomicReference<>();

    @Override
    void compute(float[] in, int inOff, float[] out, int outOff, float[] res, int resDelta, Parallel p) {
        Tiles c = take(spare);
        if (c == null) {
            c = new Tiles();
        }
        if (c.threads != p.threads()) {
            c.grid = WorkGrid.plan(g.batch() * g.group(), s.outPlane(), maxTile, g.outChannelsPerGroup(),
                    weights.alignment(), p.threads());
            c.threads = p.threads();
        }
        c.set(in, inOff, out, outOff, res, resDelta);
        try {
            compute(c, p);
        } finally {
            c.source = null;
            give(spare, c);
        }
    }

    private void compute(Tiles c, Parallel p) {
        // A W stride above 1 would make every im2col row a strided gather; split the input rows into stride phases
        // once per run instead (about the input's size, in parallel over channels), so im2col only block-copies.
        c.source = c.in;
        c.sourceOff = c.inOff;
        c.sourcePlane = s.inPlane();
        c.sourceRow = s.inW;
        c.sourcePhase = 0;
        if (s.sW > 1) {
            int phaseLen = Im2col.phaseLen(s);
            int rowStride = s.sW * phaseLen;
            int plane = s.inD * s.inH * rowStride;
            int channels = g.batch() * g.inChannels();
            float[][] holder = PHASES.get();
            if (holder[0].length < (long) channels * plane) {
                holder[0] = new float[Math.multiplyExact(channels, plane)];
            }
            c.source = holder[0];
            c.sourceOff = 0;
            c.sourcePlane = plane;
            c.sourceRow = rowStride;
            c.sourcePhase = phaseLen;
            p.forRange(channels, 4, c);
        }
        p.forEach(c.grid.tasks(), c);
    }

    /**
     * One call's state: as a range body it splits channels into stride phases (into {@code source}); as a task, one
     * pixel tile and row slice of one image and group.
     */
    private final class Tiles extends Call implements Parallel.RangeBody {
        float[] source;
        int sourceOff;
        int sourcePlane;
        int sourceRow;
        int sourcePhase;

        @Override
        public void run(int c0, int c1) {
            Im2col.splitPhases(s, in, inOff + c0 * s.inPlane(), c1 - c0, source, c0 * sourcePlane);
        }

        @Override
        public void run(int t) {
            int pixels = s.outPlane();
            int cg = g.inChannelsPerGroup();
            int mg = g.outChannelsPerGroup();
            int unit = grid.unit(t);
            int n = unit / g.group();
            int gi = unit % g.group();
            int p0 = grid.pixelBegin(t);
            int np = grid.pixelCount(t);
            int r0 = grid.rowBegin(t);
            float[] col = columns(Math.multiplyExact(k, np));
            Im2col.fill(s, source, sourceOff + (n * g.inChannels() + gi * cg) * sourcePlane, sourcePlane, sourceRow,
                    sourcePhase, cg, p0, np, col);
            int outRow0 = outOff + (n * g.outChannels() + gi * mg + r0) * pixels + p0;
            weights.multiply(gi, r0, grid.rowEnd(t), np, col, 0, np, out, outRow0, pixels, res, resDelta);
        }
    }

    private static float[] columns(int size) {
        float[][] holder = COLUMNS.get();
        if (holder[0].length < size) {
            holder[0] = new float[size];
        }
        return holder[0];
    }
}
