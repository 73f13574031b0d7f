package dev.vinfer.conv;

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

    @Override
    void compute(float[] in, int inOff, float[] out, int outOff, float[] res, int resDelta, Parallel p) {
        int pixels = s.outPlane();
        int inPlane = s.inPlane();
        int cg = g.inChannelsPerGroup();
        int mg = g.outChannelsPerGroup();
        WorkGrid grid = WorkGrid.plan(g.batch() * g.group(), pixels, maxTile, mg, weights.alignment(), p.threads());
        p.forEach(grid.tasks(), t -> {
            int unit = grid.unit(t);
            int n = unit / g.group();
            int gi = unit % g.group();
            int p0 = grid.pixelBegin(t);
            int np = grid.pixelCount(t);
            int r0 = grid.rowBegin(t);
            float[] col = columns(Math.multiplyExact(k, np));
            Im2col.fill(s, in, inOff + (n * g.inChannels() + gi * cg) * inPlane, cg, p0, np, col);
            int outRow0 = outOff + (n * g.outChannels() + gi * mg + r0) * pixels + p0;
            weights.multiply(gi, r0, grid.rowEnd(t), np, col, 0, np, out, outRow0, pixels, res, resDelta);
        });
    }

    private static float[] columns(int size) {
        float[][] holder = COLUMNS.get();
        if (holder[0].length < size) {
            holder[0] = new float[size];
        }
        return holder[0];
    }
}
