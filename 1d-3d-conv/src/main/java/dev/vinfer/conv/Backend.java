package dev.vinfer.conv;

/**
 * The low-level kernels a convolution or matrix product is built from, in one implementation per instruction set:
 * {@code dev.vinfer.conv.scalar.ScalarBackend} (plain Java) and {@code dev.vinfer.conv.simd.VectorBackend} (Vector
 * API). Get one from {@link Kernels}. Every method runs on the calling thread; callers split work across threads.
 *
 * <p>Matrices are row-major with leading dimensions ({@code lda}, {@code ldb}, {@code ldc}: the distance between
 * rows) and offsets. A transposed operand is read as stored in the transposed shape: with {@code transA}, A is
 * stored as a {@code k x m} matrix with leading dimension {@code lda}. The output C must not overlap A or B. With
 * {@code accumulate} the product is added to C, otherwise it replaces C (C is then never read, so it may hold
 * garbage or NaN).
 *
 * <p>The kernels on channel-blocked (NCHWc) tensors are declared in {@link NchwcBackend}, which this extends.
 */
public interface Backend extends NchwcBackend {

    /** A short name for logs ("scalar", "vector-256"...). */
    String name();

    /**
     * One thread's float32 multiply-add rate on this backend's widest code, in GFLOP/s, measured for about
     * {@code millis} ms (the denominator of "% of peak"); 0 when the backend does not measure it.
     */
    default double measuredFmaGflops(long millis) {
        return 0;
    }

    /** True if this backend uses the Vector API. */
    boolean vectorized();

    /** {@code C[m x n] (+)= op(A)[m x k] * op(B)[k x n]}. */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff,
            int ldb, float[] c, int cOff, int ldc, boolean accumulate);

    /** Packs {@code op(A)} ({@code m x k}) for {@link #gemmPackedA}; the source may change afterwards. */
    PackedMatrix packA(boolean transA, int m, int k, float[] a, int aOff, int lda);

    /** Packs {@code op(B)} ({@code k x n}) for {@link #gemmPackedB}; the source may change afterwards. */
    PackedMatrix packB(boolean transB, int k, int n, float[] b, int bOff, int ldb);

    /**
     * {@code C (+)= A[rowBegin:rowEnd, :] * op(B)} with a packed A of shape {@code M x K} and {@code op(B)} of shape
     * {@code K x n}. Row 0 of C receives A's row {@code rowBegin}, which must be a multiple of
     * {@link PackedMatrix#alignment()}.
     */
    void gemmPackedA(PackedMatrix a, int rowBegin, int rowEnd, boolean transB, int n, float[] b, int bOff, int ldb,
            float[] c, int cOff, int ldc, boolean accumulate);

    /**
     * {@code C (+)= op(A) * B[:, colBegin:colEnd]} with {@code op(A)} of shape {@code m x K} and a packed B of shape
     * {@code K x N}. Column 0 of C receives B's column {@code colBegin}, which must be a multiple of
     * {@link PackedMatrix#alignment()}.
     */
    void gemmPackedB(boolean transA, int m, float[] a, int aOff, int lda, PackedMatrix b, int colBegin, int colEnd,
            float[] c, int cOff, int ldc, boolean accumulate);

    /** {@code y[yOff + i] += alpha * x[xOff + i * incX]} for i in [0, n); {@code incX >= 1}. */
    void axpy(int n, float alpha, float[] x, int xOff, int incX, float[] y, int yOff);

    /**
     * Linear combinations of equally long rows, the building block of the Winograd transforms: for each output
     * {@code o < outs} and {@code i < len},
     * {@code dst[dstOff[o] + i] (+)= sum over k < ins of coef[o * ins + k] * src[srcOff[k] + i]}. Zero
     * coefficients are skipped. With {@code accumulate} the sum is added to dst, otherwise it replaces it. dst
     * rows must not overlap src rows.
     */
    void combine(int outs, int ins, float[] coef, float[] src, int[] srcOff, float[] dst, int[] dstOff, int len,
            boolean accumulate);

    /**
     * {@link #combine} (not accumulating) with F(4,3)'s transform along one axis: {@code input}, B^T (6 rows from
     * 6), else A^T (4 rows from 6); {@code coef} must be that matrix as {@link WinogradTransform#of}(4) builds it (the
     * default uses it, a backend may compute with the matrix's known structure instead: each source row loaded once,
     * shared sums, about half the memory traffic of the general passes).
     */
    default void winogradF43(boolean input, float[] coef, float[] src, int[] srcOff, float[] dst, int[] dstOff,
            int len) {
        combine(input ? 6 : 4, 6, coef, src, srcOff, dst, dstOff, len, false);
    }

    /** {@code x[i] = e.apply(x[i] + bias)} for i in [off, off + len). */
    void biasEpilogue(float[] x, int off, int len, float bias, Epilogue e);

    /**
     * Local response normalization across the channels of one image ({@code [channels][inner]} from {@code xOff}),
     * output channels {@code [c0, c1)} only: {@code y_c = x_c * (bias + scale * sum of x_k^2)^-beta} over
     * {@code k} from {@code c - before} to {@code c + after}, clipped to the channels ({@link ChannelLrn}: the plain
     * form; a vector power may differ from it by an ulp or so).
     */
    default void lrn(float[] x, int xOff, float[] y, int yOff, int channels, int inner, int c0, int c1, int before,
            int after, float scale, float bias, float beta) {
        ChannelLrn.check(x, xOff, y, yOff, channels, inner, c0, c1, before, after);
        ChannelLrn.reference(x, xOff, y, yOff, channels, inner, c0, c1, before, after, scale, bias, beta);
    }

    /**
     * A per-channel affine map over {@code positions} positions of one channel block ({@link NchwcLayout}: 16
     * channels a position, contiguous): {@code out[outOff + 16 p + l] = fma(in[inOff + 16 p + l], a[abOff + l],
     * b[abOff + l])}, then {@code max(., 0f)} (as {@link Math#max}) when {@code relu}, for {@code l < 16}. The
     * blocked BatchNormalization.
     */
    void nchwcScaleShift(float[] in, int inOff, float[] out, int outOff, int positions, float[] a, float[] b,
            int abOff, boolean relu);

    /**
     * One output row of a blocked average pool without padding ({@link NchwcLayout}: 16 channels a position):
     * {@code out[outOff + 16 j + l] = (sum over r < kh, c < kw, rows first, of in[inOff + r * rowStride +
     * 16 (j * stride + c) + l]) / (kh * kw)} for {@code j < cols}, {@code l < 16}, summed in float from the first tap
     * in that order.
     */
    void nchwcAverageRow(float[] in, int inOff, int rowStride, int kh, int kw, int stride, int cols, float[] out,
            int outOff);

    /**
     * The output transform of {@link DepthWinogradConv} with its bias and clamp: for {@code j < outs} and i in
     * [0, len), with {@code p_xi = src[srcOff + xi * srcStride + i]} ({@code xi < t}),
     * {@code dst[dOff + j * dStride + i] = min(max(sum_xi at[j * t + xi] p_xi + bias, lo), hi)}. One pass over the t
     * product rows instead of a {@link #combine} and a {@link #biasEpilogue} per output row.
     */
    default void depthWinogradOutput(int outs, int t, float[] at, float[] src, int srcOff, int srcStride,
            float bias, float lo, float hi, float[] dst, int dOff, int dStride, int len) {
        DepthWinogradChecks.output(outs, t, at, src, srcOff, srcStride, dst, dOff, dStride, len);
        for (int j = 0; j < outs; j++) {
            for (int i = 0; i < len; i++) {
                float y = bias;
                for (int xi = 0; xi < t; xi++) {
                    y = Math.fma(at[j * t + xi], src[srcOff + xi * srcStride + i], y);
                }
                dst[dOff + j * dStride + i] = Math.min(Math.max(y, lo), hi);
            }
        }
    }

    /** {@link #depthwiseTaps}'s {@code len} must be a multiple of this (a whole number of vector blocks). */
    int DEPTHWISE_BLOCK = 64;

    /**
     * The inner loop of the depthwise kernel, over a plane prepared so that every tap is a constant offset (padded
     * and split into stride phases): {@code dst[dOff + i] = sum over t < taps of coef[cOff + t] *
     * src[sOff + i + tapOff[t]]} for i in [0, len). {@code len} is a multiple of {@link #DEPTHWISE_BLOCK}; tap
     * offsets are non-negative; dst must not overlap src.
     */
    void depthwiseTaps(int taps, float[] coef, int cOff, int[] tapOff, float[] src, int sOff, float[] dst, int dOff,
            int len);

    /**
     * Copies {@code rows} rows of {@code cols} values, {@code sPitch} apart in src, into consecutive rows of dst
     * while adding the bias and applying the epilogue: {@code dst[dOff + r * cols + c] = e.apply(src[sOff + r *
     * sPitch + c] + bias)}. Writes nothing outside {@code [dOff, dOff + rows * cols)}; src must hold
     * {@link #DEPTHWISE_BLOCK} readable values past the start of every row. dst must not overlap src.
     */
    void compactRows(float[] src, int sOff, int sPitch, int rows, int cols, float bias, Epilogue e, float[] dst,
            int dOff);

    /**
     * {@link #depthwiseTaps} row by row, straight into consecutive output rows with the bias and activation: for
     * {@code r < rows, c < cols}: {@code dst[dOff + r * cols + c] = e.apply(bias + sum over t < taps of
     * coef[cOff + t] * src[sOff + r * sPitch + c + tapOff[t]])}. Meant for rows of at least a vector; dst must not
     * overlap src.
     */
    void depthwiseRows(int taps, float[] coef, int cOff, int[] tapOff, float[] src, int sOff, int sPitch, int rows,
            int cols, float bias, Epilogue e, float[] dst, int dOff);

    /**
     * 3x3, stride 1, pad 1 (all sides) depthwise convolution of one {@code rows x cols} plane read in place (no
     * padded copy): {@code dst[dOff + r * cols + c] = e.apply(bias + sum over kh, kw < 3 of coef[cOff + 3 kh + kw] *
     * x(r + kh - 1, c + kw - 1))} with {@code x(i, j) = src[sOff + i * cols + j]} inside the plane and 0 outside.
     * dst must not overlap src.
     */
    void depthwise3x3Plane(float[] coef, int cOff, float[] src, int sOff, int rows, int cols, float bias,
            Epilogue e, float[] dst, int dOff);

    /**
     * 3x3, stride 2 depthwise convolution of one plane read in place, with pad 1 at the top and left and outputs
     * that never reach past the input's bottom or right edge ({@code 2 outRows <= inRows, 2 outCols <= inCols}):
     * {@code dst[dOff + r * outCols + c] = e.apply(bias + sum over kh, kw < 3 of coef[cOff + 3 kh + kw] *
     * x(2r + kh - 1, 2c + kw - 1))}, {@code x(i, j) = src[sOff + i * inCols + j]}, 0 for row or column -1.
     * dst must not overlap src.
     */
    void depthwise3x3s2Plane(float[] coef, int cOff, float[] src, int sOff, int inRows, int inCols, int outRows,
            int outCols, float bias, Epilogue e, float[] dst, int dOff);

    /**
     * Splits a row into its two stride-2 phases: {@code even[eOff + j] = src[sOff + 2j]} for {@code 2j < n} and
     * {@code odd[oOff + j] = src[sOff + 2j + 1]} for {@code 2j + 1 < n}. The depthwise kernel's form, with the
     * phases in separate places and a row length that may be odd; {@link #deinterleave} is Winograd's, for whole
     * groups of any number of phases.
     */
    void splitEvenOdd(float[] src, int sOff, int n, float[] even, int eOff, float[] odd, int oOff);

    /**
     * Splits {@code count} groups of {@code phases} consecutive values into phase rows:
     * {@code dst[dstOff + p * dstStride + j] = src[srcOff + j * phases + p]} for {@code p < phases, j < count}
     * (the Winograd kernel's input tiles, phase-split along W). Phase rows must not overlap
     * ({@code dstStride >= count}) nor overlap src.
     */
    void deinterleave(int phases, int count, float[] src, int srcOff, float[] dst, int dstOff, int dstStride);

    /**
     * {@link #deinterleave} straight from input rows, their padding written as zeros: for each of {@code rows} rows
     * q, {@code dst[dstOff + q * dstRowStep + p * dstStride + j] = 0 <= x < width ? src[rowOff + q * srcRowStep + x]
     * : 0} with {@code x = x0 + j * phases + p}, for {@code p < phases, j < count}; only each row's
     * {@code [0, width)} is read ({@code width} 0: padding rows, all zeros). The Winograd fill's form: a segment's
     * input span in the consecutive input rows of one tile row copied, zero-padded and phase-split in one pass, one
     * call per tile row and channel. Phase rows must not overlap ({@code dstStride >= count}). The
     * {@code slack} floats past each phase row's count may be overwritten with anything (the caller writes them
     * later): whole-vector stores there instead of masked ones, which are slow on Zen 4.
     */
    void deinterleaveClipped(int phases, int count, int slack, float[] src, int rowOff, int srcRowStep, int width,
            int x0, int rows, float[] dst, int dstOff, int dstStride, int dstRowStep);

    /**
     * The inverse of {@link #deinterleave}: {@code dst[dstOff + j * phases + p] = src[srcOff + p * srcStride + j]}
     * for {@code p < phases, j < count}; dst must not overlap src.
     */
    void interleave(int phases, int count, float[] src, int srcOff, int srcStride, float[] dst, int dstOff);

    /**
     * {@link #interleave} into clipped output rows with residual, bias and epilogue fused: for each of {@code rows}
     * rows q and {@code k < n} ({@code k = j * phases + p}), {@code dst[dstOff + q * dstRowStep + k] =
     * e((src[srcOff + q * srcRowStep + p * srcStride + j] + res[resOff + q * dstRowStep + k]) + bias)} (no residual
     * term when {@code res} is null). Only {@code dst}'s n values per row are written, but for {@code slack}
     * floats past each row, which may be overwritten with anything (the caller, or this call's next row, writes
     * them afterwards; {@code res} must then not be {@code dst}): whole-vector stores there instead of masked ones,
     * which are slow on Zen 4. The epilogue must be {@link #fusesInterleaveEpilogue fused by this method}.
     * Winograd by columns' output rows: one pass instead of an interleave into a line, a residual add, a
     * bias/epilogue pass and a copy per row.
     */
    void interleaveEpilogue(int phases, int n, int slack, float[] src, int srcOff, int srcStride, int srcRowStep,
            int rows, float[] res, int resOff, float bias, Epilogue e, float[] dst, int dstOff, int dstRowStep);

    /** Whether {@link #interleaveEpilogue} takes this epilogue: none, Relu and Clip. */
    static boolean fusesInterleaveEpilogue(Epilogue e) {
        return e.kind() == Epilogue.Kind.NONE || e.kind() == Epilogue.Kind.RELU || e.kind() == Epilogue.Kind.CLIP;
    }

    // ---- Channel-blocked depthwise kernel (BlockedDepthwiseConv): a block of B channels interleaved, one
    // position's B channels contiguous (one vector), B = depthwiseChannelBlock(). ----

    /** Channels per block of the channel-blocked depthwise layout: the vector length (8 in the scalar backend). */
    int depthwiseChannelBlock();

    /**
     * Interleaves a block of channel planes (B = {@link #depthwiseChannelBlock()}): for {@code p < n} and
     * {@code c < B},
     * {@code dst[dOff + map[mapOff + p] + c] = src[sOff + min(c, channels - 1) * sPitch + p]} (lanes past the last
     * channel repeat it, so they hold finite data whenever the input does). {@code 1 <= channels <= B}; map entries
     * are non-negative; positions may share a map entry (a dump slot) only if their values are not used. A range of
     * a plane's positions starting at q is {@code sOff + q} and {@code mapOff = q}.
     */
    void packChannelBlock(int channels, float[] src, int sOff, int sPitch, int n, int[] map, int mapOff, float[] dst,
            int dOff);

    /**
     * A block of B = {@link #depthwiseChannelBlock()} channels of {@code n} positions from a product in the layout of
     * {@link #unpackChannelBlock}'s source into a channel-blocked output (positions 16 floats apart), with a bias per
     * channel, an optional residual (laid out as the output) and a clamp: for {@code q < n}, {@code c < B},
     * {@code dst[dOff + q * 16 + c] = min(max(src[sOff + q * B + c] + bias[bOff + c] + res[rOff + q * 16 + c], lo),
     * hi)} (no residual term when {@code res} is null; NaN stays NaN).
     */
    void blockBiasClamp(int n, float[] src, int sOff, float[] bias, int bOff, float[] res, int rOff, float lo,
            float hi, float[] dst, int dOff);

    /**
     * The inverse of {@link #packChannelBlock} for dense positions:
     * {@code dst[dOff + c * dPitch + p] = src[sOff + p * B + c]} for {@code c < channels, p < n}; writes nothing
     * else.
     */
    void unpackChannelBlock(int channels, float[] src, int sOff, int n, float[] dst, int dOff, int dPitch);

    /**
     * One output row of the channel-blocked depthwise kernel: for {@code j < n} and {@code c < B},
     * {@code dst[dOff + j * B + c] = min(max(bias[bOff + c] + sum over t < taps of coef[cOff + t * B + c] *
     * src[sOff + j * step + tapOff[t] + c], lo), hi)} (NaN stays NaN). Offsets and step are multiples of B.
     */
    void depthwiseBlockedRow(int taps, float[] coef, int cOff, int[] tapOff, float[] src, int sOff, int step, int n,
            float[] bias, int bOff, float lo, float hi, float[] dst, int dOff);
    // ---- Pointwise convolution with a fused epilogue (PointwiseConv) ----

    /**
     * {@code C = e(A[rowBegin:rowEnd, :] * B + res + bias)} in one pass, for a packed A ({@code M x K}, from this
     * backend's {@link #packA}) and a row-major B ({@code K x n}, rows {@code ldb} apart): row r of C (at
     * {@code c[cOff + (r - rowBegin) * ldc]}) gets {@code res[o + resDelta]} added at output index o if res is
     * non-null, then {@code bias[biasOff + r]} if bias is non-null, then the epilogue. Returns false, writing
     * nothing, if this backend has no fused form for {@code e}; the caller then runs {@link #gemmPackedA} and the
     * row passes.
     */
    default boolean pointwiseFused(PackedMatrix a, int rowBegin, int rowEnd, int n, float[] b, int bOff, int ldb,
            float[] c, int cOff, int ldc, float[] bias, int biasOff, Epilogue e, float[] res, int resDelta) {
        return false;
    }

    // ---- Implicit im2col (ImplicitIm2colConv) ----

    /**
     * Prepares the GEMM of an implicit-im2col convolution: the {@code m x k} weights (row-major at {@code w[wOff]})
     * packed for this backend's kernel, with {@code m} biases (or null for none). See {@link PanelGemm}.
     */
    default PanelGemm panelGemm(int m, int k, float[] w, int wOff, float[] bias) {
        return new ScalarPanelGemm(m, k, w, wOff, bias);
    }

    // ---- Few-input-channel direct kernel (StemDirectConv) ----

    /**
     * Prepares the register kernel of a {@link ConvAlgorithm#STEM_DIRECT} convolution: the {@code m x k} weights
     * (row-major at {@code w[wOff]}) with {@code m} biases (or null for none). See {@link StemTiles}.
     */
    default StemTiles stemTiles(int m, int k, float[] w, int wOff, float[] bias) {
        return new ScalarStemTiles(m, k, w, wOff, bias);
    }

    // ---- Channels-last pixel-rows GEMM (ChannelsLastConv) ----

    /**
     * Prepares the GEMM of a channels-last convolution: weights row-major {@code outputs x channels x taps} at
     * {@code w[wOff]} (one group of an ONNX weight tensor). See {@link GatherGemm}.
     */
    default GatherGemm gatherGemm(int outputs, int channels, int taps, float[] w, int wOff) {
        return new ScalarGatherGemm(outputs, channels, taps, w, wOff);
    }

    // ---- Winograd on small planes (SmallPlaneWinograd) ----

    /**
     * Most tiles a {@link #tileGemm} takes (all tiles of a plane at once), or 0 if this backend has no kernel worth
     * using for it (then small planes stay on {@link WinogradConv}).
     */
    default int tileGemmMaxTiles() {
        return ScalarTileGemm.MAX_TILES;
    }

    /**
     * Prepares the weights-stationary GEMMs of a small-plane Winograd convolution: {@code transposed} holds
     * each position's {@code U_pos} transposed (input channel by output channel, positions one after another: see
     * {@link TileGemms#pack}). See {@link TileGemm}.
     */
    default TileGemm tileGemm(int positions, int rows, int depth, float[] transposed) {
        return new ScalarTileGemm(positions, rows, depth, transposed);
    }

    /**
     * {@code dst[dOff + i] = src[sOff + idx[iOff + i]]} for {@code i < n} (an indexed gather: SmallPlaneWinograd's
     * input tiles from a padded channel plane). Every index must lie inside src.
     */
    default void gather(float[] src, int sOff, int[] idx, int iOff, float[] dst, int dOff, int n) {
        java.util.Objects.checkFromIndexSize(iOff, n, idx.length);
        java.util.Objects.checkFromIndexSize(dOff, n, dst.length);
        for (int i = 0; i < n; i++) {
            dst[dOff + i] = src[sOff + idx[iOff + i]];
        }
    }
    /**
     * Drops the last value of every segment of {@code seg} values:
     * {@code dst[dstOff + s * (seg - 1) + j] = src[srcOff + s * seg + j]} for {@code s < segs, j < seg - 1}. The
     * Winograd kernel uses it to squeeze the padding slot out of each tile row of its transformed input, so the
     * GEMMs see only real tiles. May run in place ({@code dst == src, dstOff <= srcOff}); otherwise dst must not
     * overlap src. Writes nothing outside {@code [dstOff, dstOff + segs * (seg - 1))}.
     */
    void dropSegmentEnds(int seg, int segs, float[] src, int srcOff, float[] dst, int dstOff);
    /**
     * Transposes a {@code rows x cols} block: {@code dst[dOff + j * ldDst + i] = src[sOff + i * ldSrc + j]} for
     * {@code i < rows, j < cols} (a GEMM result with pixels as rows written back into channel-major output rows).
     * dst must not overlap src.
     */
    void transpose(float[] src, int sOff, int ldSrc, int rows, int cols, float[] dst, int dOff, int ldDst);

    // ---- Pooling, reductions and the batch-1 fully-connected product (MaxPool, AveragePool, the global pools,
    // Gemm with one row). A pool is separable: poolRows combines the window's rows (and splits the result into
    // the stride phases along W), poolTaps then combines each output's taps along W, every tap a contiguous stream.

    /**
     * The first stage of a separable pool: combines {@code planes x rows} equally long rows and splits the result
     * into its {@code phases} stride phases. For {@code j * phases + p < len}:
     * {@code dst[dOff + p * phasePitch + j] = op over a < planes, b < rows of
     * src[sOff + a * planeStep + b * rowStep + j * phases + p]} ({@link PoolReduction#identity()} when there are
     * no rows). {@code phasePitch >= ceil(len / phases)}; dst must not overlap src. All this is done
     * {@code count} times, src moved on by {@code srcStep} and dst by {@code dstStep} each time (the output rows
     * of a pool whose windows are alike, in one call).
     */
    void poolRows(PoolReduction op, float[] src, int sOff, int planes, int planeStep, int rows, int rowStep, int len,
            int phases, float[] dst, int dOff, int phasePitch, int count, int srcStep, int dstStep);

    /**
     * The second stage of a separable pool: for {@code r < rows, i < cols}: {@code dst[dOff + r * dPitch + i] =
     * op over t < taps of src[sOff + r * sPitch + tapOff[t] + i]} (a sum in tap order). Tap offsets are
     * non-negative; dst must not overlap src.
     */
    void poolTaps(PoolReduction op, int taps, int[] tapOff, float[] src, int sOff, int sPitch, int rows, int cols,
            float[] dst, int dOff, int dPitch);

    /**
     * Max over runs of {@code k} consecutive values that do not overlap, {@code k} 2 or 4: the 1-d max pools whose
     * window is their stride (M5's MaxPool1d(4)), without {@link #poolRows}' split into phases. For {@code r < rows}
     * and {@code i < cols}: {@code dst[dOff + r * dPitch + i] = max over t < k of src[sOff + r * sPitch + k * i + t]}
     * as {@link Math#max} takes it (a NaN tap gives NaN; the caller repairs those outputs).
     */
    default void maxRuns(int k, float[] src, int sOff, int sPitch, int rows, int cols, float[] dst, int dOff,
            int dPitch) {
        PoolChecks.maxRuns(k, src, sOff, sPitch, rows, cols, dst, dOff, dPitch);
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < cols; i++) {
                int x = sOff + r * sPitch + k * i;
                float m = src[x];
                for (int t = 1; t < k; t++) {
                    m = Math.max(m, src[x + t]);
                }
                dst[dOff + r * dPitch + i] = m;
            }
        }
    }

    /**
     * One value per row: {@code dst[dOff + r] = op over i < len of src[sOff + r * len + i]} for {@code r < rows},
     * {@code len >= 1}. A sum is taken in float in an order of the backend's choosing (lane-wise partial sums).
     */
    void reduceRows(PoolReduction op, float[] src, int sOff, int rows, int len, float[] dst, int dOff);

    /**
     * Row means (GlobalAveragePool): {@code dst[dOff + r] = s / len} where s is what {@link #reduceRows} with
     * {@link PoolReduction#SUM} gives for row r. One call does both, so that a backend can keep the whole loop in
     * code that the JIT compiles early (see {@code simd.VectorPooling.reduce}).
     */
    default void averageRows(float[] src, int sOff, int rows, int len, float[] dst, int dOff) {
        reduceRows(PoolReduction.SUM, src, sOff, rows, len, dst, dOff);
        for (int r = dOff; r < dOff + rows; r++) {
            dst[r] /= len;
        }
    }

    /** Whether any of {@code a[off, off + len)} is NaN. */
    boolean anyNaN(float[] a, int off, int len);

    /**
     * MaxPool's most common window along W, 3 taps with stride 2, over {@code rows} input rows at once: for
     * {@code i < count}, {@code dst[dOff + i]} = the max over {@code b < rows, t < 3} of the taps
     * {@code src[sOff + b * rowStep + 2 * i - lead + t]} with {@code 2 * i - lead + t >= 0} that are not NaN, NaN
     * when all of them are (MaxPool's reference results; which of +0 and -0 a zero maximum gives is left open),
     * where {@code lead} is 1 with {@code padFirst} (output 0's window begins one column left of sOff, in the
     * padding: ResNet's pads of 1) and 0 without. Reads columns {@code [0, 2 * count - lead]} of each row;
     * {@code rows} is 1, 2 or 3 (a 3x3 window's rows inside the input). This default is the plain reference; a
     * backend may override it with a faster kernel.
     */
    default void maxPool3s2Rows(float[] src, int sOff, int rows, int rowStep, int count, boolean padFirst,
            float[] dst, int dOff) {
        PoolChecks.max3s2(src, sOff, rows, rowStep, count, padFirst, dst, dOff);
        int lead = padFirst ? 1 : 0;
        for (int i = 0; i < count; i++) {
            float best = Float.NEGATIVE_INFINITY;
            boolean any = false;
            for (int b = 0; b < rows; b++) {
                int s = sOff + b * rowStep + 2 * i - lead;
                for (int t = i == 0 ? lead : 0; t < 3; t++) {
                    if (src[s + t] >= best) {
                        best = src[s + t];
                        any = true;
                    }
                }
            }
            dst[dOff + i] = any ? best : Float.NaN;
        }
    }

    /**
     * {@link #maxPool3s2Rows} for {@code n} output rows of 3 input rows each: output row k reads the 3 rows at
     * {@code sOff + k * sStep} ({@code rowStep} apart) and writes its {@code count} outputs at {@code dOff + k *
     * dStep} ({@code dStep >= count}). The elements of dst between one row's outputs and the next row's
     * ({@code [dOff + k * dStep + count, dOff + (k + 1) * dStep)}, the caller's border outputs) may be overwritten
     * with unspecified values: the caller writes them afterwards. One call per block of rows, so that a kernel can
     * do rows shorter than its vectors without a scalar loop (it may write a whole vector per row, the surplus lanes
     * landing where the next row's outputs go). This default is the plain loop over {@link #maxPool3s2Rows}.
     */
    default void maxPool3s2Block(float[] src, int sOff, int rowStep, int sStep, int count, int n, boolean padFirst,
            float[] dst, int dOff, int dStep) {
        PoolChecks.max3s2Block(src, sOff, rowStep, sStep, count, n, padFirst, dst, dOff, dStep);
        for (int k = 0; k < n; k++) {
            maxPool3s2Rows(src, sOff + k * sStep, 3, rowStep, count, padFirst, dst, dOff + k * dStep);
        }
    }

    /**
     * The product of one row with a packed B ({@code K x N}, from {@link #packB} of this backend), over B's columns
     * {@code [colBegin, colEnd)}: {@code y[yOff + j] (+)= sum over p < K of x[xOff + p] * B[p][colBegin + j]}.
     * {@code colBegin} is a multiple of {@link PackedMatrix#alignment()}; y must not overlap x.
     */
    void gemvPackedB(float[] x, int xOff, PackedMatrix b, int colBegin, int colEnd, float[] y, int yOff,
            boolean accumulate);

    // ---- Winograd weight transform (WinogradWeights, when a session opens) ----

    /**
     * Small linear maps applied to whole rows at once: for {@code j < outRows, c < len},
     * {@code dst[dOff + j * dStride + c] = sum over k < inRows of coef[cOff + j * inRows + k] *
     * src[sOff + k * sStride + c]}, summed in k order in float (the backend may fuse each multiply-add). One axis of
     * the Winograd weight transform over all input channels at once. dst must not overlap src.
     */
    void linearRows(int outRows, int inRows, float[] coef, int cOff, float[] src, int sOff, int sStride, int len,
            float[] dst, int dOff, int dStride);
}
