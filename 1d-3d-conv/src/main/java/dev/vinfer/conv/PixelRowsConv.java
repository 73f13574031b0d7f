package dev.vinfer.conv;

/**
 * A convolution as the transposed product {@code out^T = cols^T x W^T}: output pixels are the GEMM's rows and
 * output channels its columns, for small output planes (deep layers at 14x14 and 7x7) where the usual form
 * ({@code out = W x cols}: channels as rows, pixels as 32-wide vector columns) runs its column panels partly
 * empty: 49 pixels become 64 computed columns (77% useful), 196 become 224 (87.5%). As rows, in 6-row register
 * tiles, 49 pixels take 54 rows (91%) and 196 take 198 (99%), while the usual multiple-of-32 channel counts keep
 * every vector full. The weights, the many-times reused operand here, are packed once as the GEMM's B and stream
 * through each k-block once per pixel tile rather than once per pair of pixel panels.
 *
 * <p>Per image, group, pixel tile and block of output channels:
 * <ol>
 * <li>the A operand is the input itself read transposed for a 1x1, stride-1, unpadded kernel (the plane is the
 * row stride), otherwise the tile's im2col columns ({@code K x pixels}: {@link ShortRowIm2col} for short output
 * rows, else {@link Im2col}), also read transposed;</li>
 * <li>one product into a per-thread {@code pixels x channels} scratch;</li>
 * <li>the scratch is transposed into the NCHW output rows ({@link Backend#transpose}) a few channels at a time,
 * each row then receiving the residual, bias and activation while it is still in L1.</li>
 * </ol>
 * Threads get pixel tiles or, on small planes, panel-aligned blocks of output channels ({@link WorkGrid}); each
 * block then packs the (small) input operand itself. Scratch is per thread ({@link ThreadLocal}, kept): the
 * product scratch stays near {@link #SCRATCH_BUDGET} floats, plus im2col's {@code K x tile} columns.
 */
final class PixelRowsConv extends PreparedConv {
    /** Floats of product scratch a pixel tile aims for (1 MiB: about Zen 4's L2). */
    static final int SCRATCH_BUDGET = 1 << 18;
    /** Channels transposed at a time: their output rows ({@code CHANNEL_BLOCK x tile} floats) stay in L1. */
    static final int CHANNEL_BLOCK = 16;

    /**
     * Output rows up to this long get their im2col columns from {@link ShortRowIm2col} (value by value, no phase
     * split); longer ones from {@link Im2col}'s block copies.
     */
    static final int SHORT_ROW = 32;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final ConvGeometry g;
    private final Shape3 s;
    private final int k;
    /** [group] the group's weights transposed ({@code K x M/G}), packed as B operands. */
    private final PackedMatrix[] weightsT;
    private final float[] bias;
    private final Epilogue epilogue;
    private final boolean direct;
    /** Output rows of at most {@link #SHORT_ROW} values: columns built by {@link ShortRowIm2col}. */
    private final boolean shortRows;
    private final int maxTile;

    private static final class Scratch {
        float[] product = new float[0];
        float[] columns = new float[0];
        float[] phases = new float[0];
        int[] table = new int[0];

        static float[] grow(float[] a, long n) {
            return a.length >= n ? a : new float[Math.toIntExact(n)];
        }
    }

    PixelRowsConv(ConvGeometry g, float[] w, int wOff, float[] bias, Epilogue e, Backend backend) {
        super(ConvAlgorithm.PIXEL_ROWS, backend, g.inputLength(), g.outputLength());
        this.g = g;
        this.s = Shape3.of(g);
        this.k = g.reductionLength();
        this.bias = checkedBias(w, wOff, g.weightLength(), bias, g.outChannels());
        this.epilogue = e;
        int mg = g.outChannelsPerGroup();
        this.weightsT = new PackedMatrix[g.group()];
        for (int gi = 0; gi < g.group(); gi++) {
            // W_g is M/G x K row-major; op(B) = W_g^T (K x M/G) is W_g read transposed.
            weightsT[gi] = backend.packB(true, k, mg, w, wOff + gi * mg * k, k);
        }
        this.direct = g.isPointwise();
        this.shortRows = s.outW <= SHORT_ROW;
        this.maxTile = Math.max(WorkGrid.MIN_TILE + 16, SCRATCH_BUDGET / (mg + 16) / 16 * 16);
    }

    @Override
    void compute(float[] in, int inOff, float[] out, int outOff, float[] res, int resDelta, Parallel p) {
        int pixels = s.outPlane();
        int cg = g.inChannelsPerGroup();
        int mg = g.outChannelsPerGroup();
        // As in Im2colConv: a W stride above 1 is split into stride phases once per run, so im2col block-copies.
        float[] src = in;
        int srcOff = inOff;
        int inPlane = s.inPlane();
        int rowStride = s.inW;
        int phaseLen = 0;
        if (!direct && !shortRows && s.sW > 1) {
            phaseLen = Im2col.phaseLen(s);
            rowStride = s.sW * phaseLen;
            int plane = s.inD * s.inH * rowStride;
            int channels = g.batch() * g.inChannels();
            Scratch caller = SCRATCH.get();
            caller.phases = Scratch.grow(caller.phases, (long) channels * plane);
            float[] ph = caller.phases;
            p.forRange(channels, 4, (c0, c1) -> Im2col.splitPhases(s, in, inOff + c0 * s.inPlane(), c1 - c0, ph,
                    c0 * plane));
            src = ph;
            srcOff = 0;
            inPlane = plane;
        }
        float[] source = src;
        int sourceOff = srcOff;
        int sourcePlane = inPlane;
        int sourceRow = rowStride;
        int sourcePhase = phaseLen;
        WorkGrid grid = WorkGrid.plan(g.batch() * g.group(), pixels, maxTile, mg, weightsT[0].alignment(),
                p.threads());
        p.forEach(grid.tasks(), t -> {
            int unit = grid.unit(t);
            int n = unit / g.group();
            int gi = unit % g.group();
            int p0 = grid.pixelBegin(t);
            int np = grid.pixelCount(t);
            int m0 = grid.rowBegin(t);
            int m1 = grid.rowEnd(t);
            int len = m1 - m0;
            Scratch sc = SCRATCH.get();
            float[] a;
            int aOff;
            int lda;
            if (direct) {
                a = in;
                aOff = inOff + (n * g.inChannels() + gi * cg) * pixels + p0;
                lda = pixels;
            } else {
                sc.columns = Scratch.grow(sc.columns, (long) k * np);
                if (shortRows) {
                    sc.table = sc.table.length >= s.kernelSize() * np ? sc.table : new int[s.kernelSize() * np];
                    ShortRowIm2col.fill(s, in, inOff + (n * g.inChannels() + gi * cg) * s.inPlane(), cg, p0, np,
                            sc.columns, sc.table);
                } else {
                    Im2col.fill(s, source, sourceOff + (n * g.inChannels() + gi * cg) * sourcePlane, sourcePlane,
                            sourceRow, sourcePhase, cg, p0, np, sc.columns);
                }
                a = sc.columns;
                aOff = 0;
                lda = np;
            }
            // One cache line more than the row: rows a multiple of 4 KiB long (1024, 2048 channels) would put the
            // 16 rows one transpose block reads into the same L1 set.
            int ldp = len + 16;
            sc.product = Scratch.grow(sc.product, (long) np * ldp);
            float[] prod = sc.product;
            if (np == 1 && lda == 1) {
                // One output pixel whose column is contiguous (a kernel as large as its input: a fully-connected
                // layer written as a convolution, as in the fully-convolutional net): the row-times-matrix kernel,
                // which reads each weight once, where the GEMM's tile would pad the one row to six (session 39: the
                // net's 64 -> 128 5x5 layer on a 5x5 plane, 0.057 ms against ONNX Runtime's 0.020, profiled).
                backend.gemvPackedB(a, aOff, weightsT[gi], m0, m1, prod, 0, false);
            } else {
                backend.gemmPackedB(true, np, a, aOff, lda, weightsT[gi], m0, m1, prod, 0, ldp, false);
            }
            int chBase = outOff + (n * g.outChannels() + gi * mg + m0) * pixels + p0;
            for (int j0 = 0; j0 < len; j0 += CHANNEL_BLOCK) {
                int cb = Math.min(CHANNEL_BLOCK, len - j0);
                backend.transpose(prod, j0, ldp, np, cb, out, chBase + j0 * pixels, pixels);
                for (int j = j0; j < j0 + cb; j++) {
                    int row = chBase + j * pixels;
                    addResidual(out, row, np, res, resDelta);
                    float b = bias == null ? 0f : bias[gi * mg + m0 + j];
                    backend.biasEpilogue(out, row, np, b, epilogue);
                }
            }
        });
    }
}
