package dev.vinfer.conv;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link ConvAlgorithm#CHANNELS_LAST}: a convolution as the pixel-rows GEMM of {@link PixelRowsConv} (output pixels
 * as rows, output channels as vector columns), but with the input copied once per run into a zero-padded
 * channels-last layout ({@code [group][depth][row][column][channel]}) from which the GEMM ({@link GatherGemm})
 * reads its A operand in place: for every output pixel and kernel tap the C/G input values it needs are one
 * contiguous run. No im2col matrix is written and no A panel packed, whatever the stride or dilation.
 *
 * <p>Why: on ResNet's strided 3x3 layers (56->28, 28->14, 14->7) {@link PixelRowsConv} and
 * {@link ImplicitIm2colConv} ran at 80-85 GFLOP/s against a GEMM peak near 100: {@code PIXEL_ROWS} builds a
 * {@code K x pixels} im2col matrix value by value ({@link ShortRowIm2col}) and the GEMM packs it again, transposed;
 * here the only extra pass is the channels-last copy (a transpose of the input, a ninth of the im2col matrix for a
 * 3x3 kernel at stride 2... and less at stride 1).
 *
 * <p>Per task ({@link WorkGrid}: pixel tiles, or slices of output channels on small planes): the product into a
 * per-thread {@code pixels x channels} scratch, then transposed into the NCHW output a few channels at a time with
 * the residual, bias and activation, as in {@link PixelRowsConv}. The layout buffer belongs to the calling thread
 * (kept; its border zeroed when another kernel used it last); scratch is per thread.
 */
final class ChannelsLastConv extends PreparedConv {
    private static final AtomicLong IDS = new AtomicLong();
    private static final ThreadLocal<Layout> LAYOUT = ThreadLocal.withInitial(Layout::new);
    private static final ThreadLocal<float[][]> PRODUCT = ThreadLocal.withInitial(() -> new float[1][0]);
    /** Per thread: a block of output rows before the fused max pool. */
    private static final ThreadLocal<float[][]> ROWS = ThreadLocal.withInitial(() -> new float[1][0]);

    /** A calling thread's layout buffer and which kernel zeroed it last. */
    private static final class Layout {
        long owner = -1;
        float[] data = new float[0];
    }

    private final long id = IDS.incrementAndGet();
    private final ConvGeometry g;
    private final Shape3 s;
    /** Padded extents of the channels-last layout. */
    private final int padD, padH, padW;
    /** Floats per group of one image in the layout: {@code padD * padH * padW * C/G}. */
    private final int groupLength;
    /** Per output pixel, the layout offset of its first tap's first channel. */
    private final int[] rowOff;
    /** Per input pixel, its offset in the layout (of channel 0). */
    private final int[] inMap;
    /** Per kernel tap, its offset from the pixel's. */
    private final int[] tapOff;
    private final GatherGemm[] groups;
    private final float[] bias;
    private final Epilogue epilogue;
    private final int maxTile;
    /** Channels per block of the layout copy and of the product: the backend's channel block. */
    private final int lanes;
    /** The bias, or zeros when there is none (the blocked output pass adds one always). */
    private final float[] biasOrZeros;
    /** Input, output and residual channel-blocked ({@link NchwcGatherConv}), else NCHW. */
    private final boolean blocked;
    /** Whether 1-D layers may copy by columns at several threads ({@link #copiesByColumns}). */
    private final boolean columnCopy = !"false".equals(System.getProperty("vinfer.channelsLast.columnCopy"));
    /** Window (and stride) of the fused max pool along the row, 1 for none. */
    private final int rowPool;
    /** Output samples per thread from which a 1-D layer splits by samples only ({@link #grid}). */
    static final int ONE_D_PIXEL_SPLIT = 96;
    private final int pixelSplit1d = Integer.getInteger("vinfer.channelsLast.pixelSplit1d", ONE_D_PIXEL_SPLIT);

    ChannelsLastConv(ConvGeometry g, float[] w, int wOff, float[] bias, Epilogue e, Backend backend) {
        this(g, w, wOff, bias, e, backend, false);
    }

    /**
     * With {@code blocked}, input, output and residual are channel-blocked ({@link NchwcLayout}; see
     * {@link NchwcGatherConv}): one group, input and output channels multiples of 16.
     */
    ChannelsLastConv(ConvGeometry g, float[] w, int wOff, float[] bias, Epilogue e, Backend backend,
            boolean blocked) {
        this(g, w, wOff, bias, e, backend, blocked, 1);
    }

    /**
     * With {@code rowPool} 2 or 4 (a 1-D layer, NCHW), the output is max-pooled in windows of that many samples
     * ({@link RowMaxPool}) before it is stored: each task pools the rows of its product while they are in cache, and
     * the output holds {@code W / rowPool} samples a row.
     */
    ChannelsLastConv(ConvGeometry g, float[] w, int wOff, float[] bias, Epilogue e, Backend backend,
            boolean blocked, int rowPool) {
        super(ConvAlgorithm.CHANNELS_LAST, backend, g.inputLength(), RowMaxPool.outputLength(g, rowPool));
        if (!supports(g)) {
            throw new IllegalArgumentException("channels-last layout too large for " + g);
        }
        if (rowPool != 1 && (blocked || g.rank() != 1)) {
            throw new IllegalArgumentException("a fused max pool needs a 1-D, NCHW layer: " + g);
        }
        this.rowPool = rowPool;
        if (blocked && (g.group() != 1 || g.inChannels() % NchwcLayout.BLOCK != 0
                || g.outChannels() % NchwcLayout.BLOCK != 0)) {
            throw new IllegalArgumentException("blocked channels-last needs one group and channel counts that are"
                    + " multiples of 16: " + g);
        }
        this.blocked = blocked;
        this.g = g;
        this.s = Shape3.of(g);
        this.bias = checkedBias(w, wOff, g.weightLength(), bias, g.outChannels());
        this.biasOrZeros = this.bias != null ? this.bias : new float[blocked ? g.outChannels() : 0];
        this.epilogue = e;
        this.padD = padded(s.inD, s.pD, s.outD, s.sD, s.kD, s.dD);
        this.padH = padded(s.inH, s.pH, s.outH, s.sH, s.kH, s.dH);
        this.padW = padded(s.inW, s.pW, s.outW, s.sW, s.kW, s.dW);
        int cg = g.inChannelsPerGroup();
        // One pixel slot more than the padded grid: the dump slot of the copy.
        int slots = padD * padH * padW;
        this.groupLength = (slots + 1) * cg;
        this.rowOff = new int[s.outPlane()];
        int q = 0;
        for (int od = 0; od < s.outD; od++) {
            for (int oh = 0; oh < s.outH; oh++) {
                for (int ow = 0; ow < s.outW; ow++) {
                    rowOff[q++] = ((od * s.sD * padH + oh * s.sH) * padW + ow * s.sW) * cg;
                }
            }
        }
        this.inMap = new int[s.inPlane()];
        int at = 0;
        for (int id = 0; id < s.inD; id++) {
            for (int ih = 0; ih < s.inH; ih++) {
                for (int iw = 0; iw < s.inW; iw++) {
                    boolean read = read(id, s.outD, s.sD, s.pD, s.kD, s.dD) && read(ih, s.outH, s.sH, s.pH, s.kH, s.dH)
                            && read(iw, s.outW, s.sW, s.pW, s.kW, s.dW);
                    inMap[at++] = (read ? ((id + s.pD) * padH + ih + s.pH) * padW + iw + s.pW : slots) * cg;
                }
            }
        }
        this.tapOff = new int[s.kernelSize()];
        int t = 0;
        for (int kd = 0; kd < s.kD; kd++) {
            for (int kh = 0; kh < s.kH; kh++) {
                for (int kw = 0; kw < s.kW; kw++) {
                    tapOff[t++] = ((kd * s.dD * padH + kh * s.dH) * padW + kw * s.dW) * cg;
                }
            }
        }
        int mg = g.outChannelsPerGroup();
        this.groups = new GatherGemm[g.group()];
        for (int gi = 0; gi < g.group(); gi++) {
            groups[gi] = backend.gatherGemm(mg, cg, s.kernelSize(), w, wOff + gi * mg * cg * s.kernelSize());
        }
        this.lanes = backend.depthwiseChannelBlock();
        if (groups[0].laneBlock() != lanes || groups[0].panelWidth() % lanes != 0) {
            throw new IllegalStateException("gather GEMM blocks of " + groups[0].laneBlock() + " vs channel blocks of "
                    + lanes);
        }
        this.maxTile = Math.max(WorkGrid.MIN_TILE + 16,
                PixelRowsConv.SCRATCH_BUDGET / (mg + 16 + groups[0].panelWidth()) / 16 * 16);
    }

    /** The padded extent of one axis: the input with its leading pad, or as far as the last tap reaches. */
    private static int padded(int in, int pad, int out, int stride, int k, int dil) {
        return Math.max(pad + in, (out - 1) * stride + (k - 1) * dil + 1);
    }

    /** Whether some output position's tap reads input index {@code i} of an axis. */
    private static boolean read(int i, int out, int stride, int pad, int k, int dil) {
        for (int t = 0; t < k; t++) {
            int o = i + pad - t * dil;
            if (o >= 0 && o % stride == 0 && o / stride < out) {
                return true;
            }
        }
        return false;
    }

    /** Whether the layout of every image and group fits in one array. */
    static boolean supports(ConvGeometry g) {
        Shape3 s = Shape3.of(g);
        long len = (1L + (long) padded(s.inD, s.pD, s.outD, s.sD, s.kD, s.dD) * padded(s.inH, s.pH, s.outH, s.sH, s.kH, s.dH)
                * padded(s.inW, s.pW, s.outW, s.sW, s.kW, s.dW)) * g.inChannels() * g.batch();
        return len <= Integer.MAX_VALUE - 64;
    }

    @Override
    void compute(float[] in, int inOff, float[] out, int outOff, float[] res, int resDelta, Parallel p) {
        int cg = g.inChannelsPerGroup();
        int mg = g.outChannelsPerGroup();
        int units = g.batch() * g.group();
        int pixels = s.outPlane();
        if (rowPool > 1 && res != null) {
            throw new IllegalArgumentException("a fused max pool takes no residual");
        }
        float[] lay = layoutBuffer(units);
        WorkGrid grid = grid(p.threads());
        if (blocked) {
            copyBlocked(in, inOff, lay, grid, p);
            p.forEach(grid.tasks(), t -> blockedTask(grid, t, lay, out, outOff, res, resDelta));
            return;
        }
        // The copy: blocks of B channels (the vector length) by the backend's channel-block transpose, each over the
        // whole plane with every input pixel sent to its padded position (inMap; pixels no tap reads, as 3 of 4 under
        // a 1x1 stride-2 kernel, to a dump slot past the plane); the channels past the last whole block (C/G not a
        // multiple of B) one value at a time.
        int cb0 = lanes;
        int blocks = cg / cb0;
        int inPlane = s.inPlane();
        if (copiesByColumns(grid, p.threads())) {
            copyColumns(in, inOff, lay, grid, p);
        } else {
            p.forRange(units * (blocks + 1), 1, (i0, i1) -> {
                for (int i = i0; i < i1; i++) {
                    int u = i / (blocks + 1);
                    int cb = i % (blocks + 1);
                    int src = inOff + (u * cg + cb * cb0) * inPlane;
                    int dst = u * groupLength + cb * cb0;
                    if (cb < blocks) {
                        backend.packChannelBlock(cb0, in, src, inPlane, inPlane, inMap, 0, lay, dst);
                    } else {
                        copyTailChannels(in, src, inPlane, cg - cb * cb0, lay, dst, 0, inPlane);
                    }
                }
            });
        }
        p.forEach(grid.tasks(), t -> {
            int unit = grid.unit(t);
            int n = unit / g.group();
            int gi = unit % g.group();
            int p0 = grid.pixelBegin(t);
            int np = grid.pixelCount(t);
            int m0 = grid.rowBegin(t);
            int m1 = grid.rowEnd(t);
            int len = m1 - m0;
            int b = lanes;
            int ldb = (np + 1) * b;
            float[] prod = product(grid, t, lay);
            int chBase = outOff + (n * g.outChannels() + gi * mg + m0) * pixels + p0;
            if (rowPool > 1) {
                pooledTask(prod, ldb, unit, p0, np, m0, len, out, outOff);
                return;
            }
            for (int j0 = 0; j0 < len; j0 += b) {
                int cb = Math.min(b, len - j0);
                backend.unpackChannelBlock(cb, prod, j0 / b * ldb, np, out, chBase + j0 * pixels, pixels);
                for (int j = j0; j < j0 + cb; j++) {
                    int row = chBase + j * pixels;
                    addResidual(out, row, np, res, resDelta);
                    float bj = bias == null ? 0f : bias[gi * mg + m0 + j];
                    backend.biasEpilogue(out, row, np, bj, epilogue);
                }
            }
        });
    }

    /**
     * The NCHW output of a task with the fused row pool: a block of channels at a time unpacked into a per-thread
     * row buffer, bias and activation applied there, then pooled into the output. Tiles start at multiples of 16
     * pixels (or the task holds the whole row), so no window straddles two tasks; the last partial one is dropped.
     */
    private void pooledTask(float[] prod, int ldb, int unit, int p0, int np, int m0, int len, float[] out,
            int outOff) {
        int b = lanes;
        int mg = g.outChannelsPerGroup();
        int pooledW = RowMaxPool.pooledWidth(s.outW, rowPool);
        int q0 = p0 / rowPool;
        int q1 = Math.min(pooledW, (p0 + np) / rowPool);
        int lead = ArrayAlignment.floatLead();
        float[] rows = RowMaxPool.buffer(ROWS, lead + b * np);
        int n = unit / g.group();
        int gi = unit % g.group();
        int base = outOff + (n * g.outChannels() + gi * mg + m0) * pooledW;
        for (int j0 = 0; j0 < len; j0 += b) {
            int cb = Math.min(b, len - j0);
            backend.unpackChannelBlock(cb, prod, j0 / b * ldb, np, rows, lead, np);
            for (int j = 0; j < cb; j++) {
                float bj = bias == null ? 0f : bias[gi * mg + m0 + j0 + j];
                backend.biasEpilogue(rows, lead + j * np, np, bj, epilogue);
            }
            if (q1 > q0) {
                RowMaxPool.pool(backend, rowPool, rows, lead, np, cb, q1 - q0, out, base + j0 * pooledW + q0,
                        pooledW);
            }
        }
    }

    /**
     * Whether {@code threads} threads copy a 1-D input into the layout by ranges of columns (each thread the samples
     * its own GEMM tasks read; {@link #copyColumns}) instead of by channel blocks: one image, one group, a row of
     * pixels, and tasks that split the pixels only. Split by channel blocks, half of what each thread's GEMM read had
     * been copied by the other core, and half of what each copied had come from the other core's part of the max
     * pool before it (M5's 1-D layers at two threads; a line from the other vCPU costs 300-450 ns when the host puts
     * them on cores that share no L3, bench/README.md "Two threads, session 4"). {@code
     * -Dvinfer.channelsLast.columnCopy=false} keeps the channel blocks (read when the layer is prepared).
     */
    private boolean copiesByColumns(WorkGrid grid, int threads) {
        return columnCopy && !blocked && threads > 1 && g.batch() == 1 && g.group() == 1 && s.inD == 1
                && s.inH == 1 && s.outD == 1 && s.outH == 1 && grid.tasks() >= threads && grid.rowBegin(0) == 0
                && grid.rowEnd(0) == g.outChannelsPerGroup() && s.inW >= threads * lanes;
    }

    /** Whether a run on {@code threads} threads copies by columns (tests check which shapes do). */
    boolean copiesByColumns(int threads) {
        return copiesByColumns(grid(threads), threads);
    }

    /**
     * The work split for {@code threads} threads: {@link WorkGrid#plan}, except that a 1-D layer (one image, one
     * group) with at least {@link #ONE_D_PIXEL_SPLIT} output samples a thread is split by samples, never by output
     * channels: in a 1-D chain every other step (the column copy, the pools, a fused pool) splits by columns, so each
     * thread then reads what it wrote. M5's 128 -> 256 layer on 248 samples with its max pool fused, at two threads
     * (session 37, AMD Zen 5, in one JVM): 0.956 of its time split by samples (the whole model 0.991 in two paired
     * runs); its 256 -> 512 layer on 62 samples took 1.08 (each thread reads all 1.5 MB of weights), hence the bound.
     * {@code -Dvinfer.channelsLast.pixelSplit1d=N} sets the bound (read when the layer is prepared: comparisons).
     */
    WorkGrid grid(int threads) {
        int units = g.batch() * g.group();
        int mg = g.outChannelsPerGroup();
        boolean bySamples = !blocked && threads > 1 && units == 1 && s.inD == 1 && s.inH == 1 && s.outD == 1
                && s.outH == 1 && s.outPlane() >= (long) pixelSplit1d * threads;
        // a row alignment of all the rows: the plan cannot slice the output channels, so it cuts samples finer
        return WorkGrid.plan(units, s.outPlane(), maxTile, mg, bySamples ? mg : groups[0].panelWidth(), threads);
    }

    /**
     * The 1-D copy of {@link #copiesByColumns}: part k of {@code threads} (the pool's block k of tasks) copies every
     * channel of the input columns from the first one its GEMM tasks read up to the first one part k + 1's read (the
     * last part to the end), so the parts do not overlap and each thread's GEMM reads its own copy but for the few
     * columns of the kernel's reach past its edge.
     */
    private void copyColumns(float[] in, int inOff, float[] lay, WorkGrid grid, Parallel p) {
        int parts = p.threads();
        int tasks = grid.tasks();
        int cg = g.inChannelsPerGroup();
        int blocks = cg / lanes;
        int inW = s.inW;
        p.forEach(parts, k -> {
            int a = k == 0 ? 0 : firstColumnRead(grid, (int) ((long) tasks * k / parts));
            int b = k == parts - 1 ? inW : firstColumnRead(grid, (int) ((long) tasks * (k + 1) / parts));
            if (a >= b) {
                return;
            }
            for (int cb = 0; cb < blocks; cb++) {
                backend.packChannelBlock(lanes, in, inOff + cb * lanes * inW + a, inW, b - a, inMap, a, lay,
                        cb * lanes);
            }
            if (blocks * lanes < cg) {
                copyTailChannels(in, inOff + blocks * lanes * inW, inW, cg - blocks * lanes, lay, blocks * lanes, a,
                        b);
            }
        });
    }

    /**
     * The {@code count} channels past the last whole block (from {@code in[src]}, planes {@code pitch} apart) of
     * input positions {@code [q0, q1)} into the layout from {@code lay[dst]}, one value at a time.
     */
    private void copyTailChannels(float[] in, int src, int pitch, int count, float[] lay, int dst, int q0, int q1) {
        for (int q = q0; q < q1; q++) {
            for (int c = 0; c < count; c++) {
                lay[dst + inMap[q] + c] = in[src + c * pitch + q];
            }
        }
    }

    /** The first input column task {@code t}'s outputs read (0 at the left pad), at most the row's width. */
    private int firstColumnRead(WorkGrid grid, int t) {
        long c = (long) grid.pixelBegin(t) * s.sW - s.pW;
        return (int) Math.max(0, Math.min(s.inW, c));
    }

    /**
     * Task t's GEMM (its pixels and output channels of its group) into this thread's scratch, returned: blocks of
     * {@code lanes} channels, each pixel's values one vector (see GatherGemm), the blocks
     * {@code (pixelCount(t) + 1) * lanes} floats apart, a cache line more than the pixels need (block strides of a
     * multiple of 4 KiB would share L1 sets).
     */
    private float[] product(WorkGrid grid, int t, float[] lay) {
        int unit = grid.unit(t);
        int np = grid.pixelCount(t);
        int m0 = grid.rowBegin(t);
        int m1 = grid.rowEnd(t);
        int ldb = (np + 1) * lanes;
        int align = groups[0].panelWidth();
        long need = (long) Math.ceilDiv(m1 - m0, align) * (align / lanes) * ldb;
        float[][] holder = PRODUCT.get();
        if (holder[0].length < need) {
            holder[0] = new float[Math.toIntExact(need)];
        }
        groups[unit % g.group()].run(lay, unit * groupLength, rowOff, grid.pixelBegin(t), np, tapOff, m0, m1,
                holder[0], 0, ldb);
        return holder[0];
    }

    /**
     * Blocked input ({@code [N][C/16][H][W][16]}) into the channels-last layout: each input pixel's 16 channels of
     * a block are one contiguous run on both sides, so this is a copy, not a transpose. One part per thread, each
     * the input rows that thread's share of the GEMM tasks reads (the pool deals tasks to threads in contiguous
     * blocks), so a thread reads the layout rows it wrote; when the tasks split the output channels instead (small
     * planes) each part is an even share of rows.
     */
    private void copyBlocked(float[] in, int inOff, float[] lay, WorkGrid grid, Parallel p) {
        int n = g.batch();
        int rowsIn = s.inD * s.inH;
        int tasks = grid.tasks();
        boolean byPixels = n == 1 && s.inD == 1 && s.outD == 1 && tasks >= p.threads() && grid.rowBegin(0) == 0
                && grid.rowEnd(0) == g.outChannels();
        int parts = Math.max(1, Math.min(p.threads(), rowsIn));
        p.forEach(n * parts, part -> {
            int img = part / parts;
            int k = part % parts;
            int y0;
            int y1;
            if (byPixels) {
                int t0 = (int) ((long) tasks * k / parts);
                int t1 = (int) ((long) tasks * (k + 1) / parts);
                if (t0 >= t1) {
                    return;
                }
                int oy0 = grid.pixelBegin(t0) / s.outW;
                int oy1 = (grid.pixelBegin(t1 - 1) + grid.pixelCount(t1 - 1) - 1) / s.outW;
                y0 = s.firstRowRead(oy0);
                y1 = s.lastRowRead(oy1) + 1;
            } else {
                y0 = (int) ((long) rowsIn * k / parts);
                y1 = (int) ((long) rowsIn * (k + 1) / parts);
            }
            copyBlockedRows(in, inOff + img * g.inChannels() * s.inPlane(), lay, img * groupLength, y0, y1);
        });
    }

    /** Input rows {@code [y0, y1)} (numbered {@code z * inH + y}) of one image, every block, into the layout. */
    private void copyBlockedRows(float[] in, int src, float[] lay, int dst, int y0, int y1) {
        int blocks = g.inChannels() / NchwcLayout.BLOCK;
        int plane = s.inPlane() * NchwcLayout.BLOCK;
        for (int b = 0; b < blocks; b++) {
            int from = src + b * plane;
            int to = dst + b * NchwcLayout.BLOCK;
            for (int q = y0 * s.inW; q < y1 * s.inW; q++) {
                System.arraycopy(in, from + q * NchwcLayout.BLOCK, lay, to + inMap[q], NchwcLayout.BLOCK);
            }
        }
    }

    /**
     * Task t of a blocked run: the product into scratch, then each pixel's channels with bias, residual and a clamp
     * straight into the blocked output ({@code [N][M/16][P][16]}: a block of the product's lanes is a run of the
     * output's), other activations by a pass over the task's part after.
     */
    private void blockedTask(WorkGrid grid, int t, float[] lay, float[] out, int outOff, float[] res,
            int resDelta) {
        int unit = grid.unit(t);
        int p0 = grid.pixelBegin(t);
        int np = grid.pixelCount(t);
        int m0 = grid.rowBegin(t);
        int m1 = grid.rowEnd(t);
        int len = m1 - m0;
        int b = lanes;
        int ldb = (np + 1) * b;
        float[] prod = product(grid, t, lay);
        int pixels = s.outPlane();
        int image = outOff + unit * g.outChannels() * pixels;
        boolean clamp = epilogue.isClamp();
        float lo = clamp ? epilogue.clampLow() : Float.NEGATIVE_INFINITY;
        float hi = clamp ? epilogue.clampHigh() : Float.POSITIVE_INFINITY;
        for (int j0 = 0; j0 < len; j0 += b) {
            int m = m0 + j0;
            int at = image + (m / NchwcLayout.BLOCK * pixels + p0) * NchwcLayout.BLOCK + m % NchwcLayout.BLOCK;
            backend.blockBiasClamp(np, prod, j0 / b * ldb, biasOrZeros, m, res, at + resDelta, lo, hi, out, at);
        }
        if (!clamp && !epilogue.isIdentity()) {
            // only this task's channels: another task may hold the rest of a block
            for (int ob = m0 / NchwcLayout.BLOCK; ob < Math.ceilDiv(m1, NchwcLayout.BLOCK); ob++) {
                int l0 = Math.max(0, m0 - ob * NchwcLayout.BLOCK);
                int l1 = Math.min(NchwcLayout.BLOCK, m1 - ob * NchwcLayout.BLOCK);
                NchwcLayout.applyEpilogue(epilogue, out, image + ob * pixels * NchwcLayout.BLOCK + l0, p0, p0 + np,
                        l1 - l0);
            }
        }
    }

    /**
     * The calling thread's layout. Its padding is zeroed unless this kernel was the last to use it (the copy
     * overwrites every input position each run; pixels no tap reads are never read, so need no zeros): zeroing
     * only the border keeps a switch between kernels (three strided layers in a ResNet, every run) cheap.
     */
    private float[] layoutBuffer(int units) {
        int length = units * groupLength;
        Layout l = LAYOUT.get();
        if (l.data.length < length) {
            l.data = new float[length];
        } else if (l.owner != id) {
            zeroPadding(l.data, units);
        }
        l.owner = id;
        return l.data;
    }

    /** Zeroes every padded position outside the input (all channels), per unit. */
    private void zeroPadding(float[] data, int units) {
        int cg = g.inChannelsPerGroup();
        int row = padW * cg;
        for (int u = 0; u < units; u++) {
            int base = u * groupLength;
            for (int d = 0; d < padD; d++) {
                boolean inD = d >= s.pD && d < s.pD + s.inD;
                for (int h = 0; h < padH; h++) {
                    int at = base + (d * padH + h) * row;
                    if (!inD || h < s.pH || h >= s.pH + s.inH) {
                        Arrays.fill(data, at, at + row, 0f);
                    } else {
                        Arrays.fill(data, at, at + s.pW * cg, 0f);
                        Arrays.fill(data, at + (s.pW + s.inW) * cg, at + row, 0f);
                    }
                }
            }
        }
    }
}
