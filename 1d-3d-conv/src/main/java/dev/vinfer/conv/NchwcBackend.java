package dev.vinfer.conv;

/**
 * The part of {@link Backend} that works on channel-blocked (NCHWc) tensors, 16 channels a block: the layout
 * reorders ({@link NchwcLayout}) and the blocked convolution, pool and Winograd kernels. The defaults are the plain
 * Java versions (mostly {@link NchwcReference}) that the scalar backend keeps and the vector backend overrides, so
 * every blocked kernel can be checked against them. Split from {@link Backend} only to keep one file per concern; a backend
 * implements both through {@link Backend}.
 */
public interface NchwcBackend {

    /**
     * One block of the NCHWc reorder: {@code lanes <= 16} channel planes of {@code spatial} values at
     * {@code src[sOff + c * spatial + i]} into {@code dst[dOff + i * 16 + c]}, lanes {@code [lanes, 16)} zeroed.
     */
    default void nchwcPack(int lanes, int spatial, float[] src, int sOff, float[] dst, int dOff) {
        NchwcReference.pack(lanes, spatial, src, sOff, dst, dOff);
    }

    /** The inverse of {@link #nchwcPack}: the first {@code lanes} lanes back into channel planes. */
    default void nchwcUnpack(int lanes, int spatial, float[] src, int sOff, float[] dst, int dOff) {
        NchwcReference.unpack(lanes, spatial, src, sOff, dst, dOff);
    }

    /**
     * Output blocks of 16 channels that {@link #nchwcPointwise} wants its weights packed side by side for (its
     * register tile's width) on a layer of {@code c} input and {@code m} output channels and {@code pixels}
     * positions: weights are {@code [M/16/group][C][group * 16]}, a last group narrower.
     */
    default int nchwcPointwiseGroup(int c, int m, int pixels) {
        return 1;
    }

    /**
     * The NCHWc 1x1 convolution of one image over pixels {@code [pxBegin, pxEnd)} and output blocks
     * {@code [blockBegin, blockEnd)} (blockBegin a multiple of {@code group}): input pixel p's channel k at
     * {@code x[xOff + (k / 16) * pixels * 16 + p * 16 + k % 16]}, output block b's lanes at
     * {@code y[yOff + b * pixels * 16 + p * 16]}; {@code y = clamp(sum_k w x + res + bias, lo, hi)} (one running sum
     * over k, then the residual at the output index plus {@code resDelta} when {@code res} is non-null, then
     * {@code bias[b * 16 + lane]}); lanes at or past {@code outChannels} are written as zero. {@code w} is packed as
     * {@link #nchwcPointwiseGroup} says from {@code wOff}: group {@code g} (blocks from {@code g * group}, {@code nb}
     * of them) at {@code wOff + g * group * c * 16}, row k at {@code + k * nb * 16} ({@code wOff} puts the rows on
     * cache lines, {@link ArrayAlignment}). The tiles touch the next group's weights while they compute (the
     * vector backend's software prefetch, {@code TouchAhead}).
     */
    default void nchwcPointwise(int c, int pixels, int outChannels, int group, float[] w, int wOff, float[] bias,
            float[] x, int xOff, float[] res, int resDelta, float[] y, int yOff, int pxBegin, int pxEnd,
            int blockBegin, int blockEnd, float lo, float hi) {
        nchwcPointwise(c, pixels, outChannels, group, w, wOff, bias, x, xOff, res, resDelta, y, yOff, pxBegin, pxEnd,
                blockBegin, blockEnd, lo, hi, true);
    }

    /**
     * {@link #nchwcPointwise(int, int, int, int, float[], int, float[], float[], int, float[], int, float[], int,
     * int, int, int, int, float, float)}, with the touches of the next group's weights only where {@code touchNext}
     * (the same results either way).
     */
    default void nchwcPointwise(int c, int pixels, int outChannels, int group, float[] w, int wOff, float[] bias,
            float[] x, int xOff, float[] res, int resDelta, float[] y, int yOff, int pxBegin, int pxEnd,
            int blockBegin, int blockEnd, float lo, float hi, boolean touchNext) {
        NchwcReference.pointwise(c, pixels, outChannels, group, w, wOff, bias, x, xOff, res, resDelta, y, yOff,
                pxBegin, pxEnd, blockBegin, blockEnd, lo, hi);
    }

    /**
     * Output blocks that {@link #nchwcDirect} wants its weights packed side by side for (its register tile's width)
     * on a layer of {@code c} input and {@code m} output channels; the packing is described there.
     */
    default int nchwcDirectGroup(int c, int m) {
        return 1;
    }

    /**
     * Output rows {@code [rowBegin, rowEnd)} and output blocks {@code [blockBegin, blockEnd)} (blockBegin a multiple
     * of {@code group}) of the NCHWc convolution {@code g} (2-D, one group) for one image, on an input the caller
     * padded and split into column phases: with {@code s = g.stride(1)} and {@code pc = cols / s}, padded column q of
     * input block cb's padded row r is at {@code x[xOff + ((cb * rows + r) * cols + (q % s) * pc + q / s) * 16]}, so
     * the pixels of an output row that one tap reads are consecutive; output (oy, ox) reads padded position
     * (oy * sh + ky * dh, ox * s + kx * dw) of every tap, all inside the plane (no bounds checks). Output block b,
     * pixel (oy, ox) at {@code y[yOff + ((b * OH + oy) * OW + ox) * 16]};
     * {@code y = clamp(sum w x + res + bias, lo, hi)} (the residual at the output index plus {@code resDelta} when
     * {@code res} is non-null), lanes at or past M written as zero. Weights from {@code wOff} (on a cache line,
     * {@link ArrayAlignment}): group {@code gi} (blocks from {@code gi * group}, {@code nb} of them) at
     * {@code wOff + gi * group * C * taps * 16}, then one row of {@code nb * 16}
     * output lanes per (input block cb, tap t = ky * kW + kx, lane {@code kk < kn}) at row
     * {@code cb * 16 * taps + t * kn + kk}, {@code kn = min(16, C - 16 cb)}: the order the vector tile reads them.
     */
    default void nchwcDirect(ConvGeometry g, int rows, int cols, int group, float[] w, int wOff, float[] bias,
            float[] x, int xOff, float[] res, int resDelta, float[] y, int yOff, int rowBegin, int rowEnd,
            int blockBegin, int blockEnd, float lo, float hi) {
        NchwcReference.direct(g, rows, cols, group, w, wOff, bias, x, xOff, res, resDelta, y, yOff, rowBegin, rowEnd,
                blockBegin, blockEnd, lo, hi);
    }

    /**
     * One output row of {@link NchwcStemConv}, output blocks {@code [blockBegin, blockEnd)} of {@code outBlocks}: for
     * pixels {@code ox < outW} and columns {@code col = b * 16 + lane},
     * {@code y[yOff + (b * plane + ox) * 16 + lane] = clamp(bias[col] + sum over k < depth of W(k, col) *
     * src[srcOff + tapOff[k] + ox], lo, hi)}: the input laid out by {@link PhaseSplitInput}, so the pixels of an
     * output row read consecutive floats for every tap {@code k}; the weights packed by pairs of blocks as the 1x1's
     * ({@code NchwcPointwiseConv.pack} with pairs: {@code [pair][depth][32]}, a last odd block {@code [depth][16]}),
     * so W(k, col) is at {@code wOff + g0 * depth * 16 + k * ld + col - g0 * 16} with {@code g0} the pair's first
     * block and {@code ld} its width ({@code wOff} on a cache line, {@link ArrayAlignment}). Lanes past M get what
     * their zero weights and bias give (the caller zeroes them).
     */
    default void nchwcStemRow(int depth, int outBlocks, float[] w, int wOff, float[] bias, float[] src, int srcOff,
            int[] tapOff, int outW, float[] y, int yOff, int plane, int blockBegin, int blockEnd, float lo, float hi) {
        NchwcReference.stemRow(depth, outBlocks, w, wOff, bias, src, srcOff, tapOff, outW, y, yOff, plane, blockBegin,
                blockEnd, lo, hi);
    }

    /**
     * The Winograd input transform ({@link NchwcWinogradConv}) of one channel block for tiles
     * {@code [tile0, tile0 + tiles)} of a zero-bordered plane: pixel (r, q) at {@code x[xOff + (r * cols + q) * 16]},
     * tile number {@code n} starting at pixel ({@code (n / tilesPerRow) * m}, {@code (n % tilesPerRow) * m}) and
     * {@code t x t} pixels wide. Writes {@code B^T d B} ({@code bt}: {@code t x t}, row-major) of each tile: position
     * {@code pos = q * t + r} of the i-th tile at {@code v[vOff + pos * posStride + i * 16]}, 16 lanes. {@code tmp}
     * holds at least {@code t * t * 16} floats of scratch from {@code tmpOff} (on a cache line where
     * {@link ArrayAlignment} gives one).
     */
    default void nchwcWinogradInput(int t, int m, float[] bt, float[] x, int xOff, int cols, int tilesPerRow,
            int tile0, int tiles, float[] v, int vOff, int posStride, float[] tmp, int tmpOff) {
        NchwcReference.winogradInput(t, m, bt, x, xOff, cols, tilesPerRow, tile0, tiles, v, vOff, posStride, tmp,
                tmpOff);
    }

    /**
     * The Winograd output transform ({@link NchwcWinogradConv}) of one output block for tiles
     * {@code [tile0, tile0 + tiles)}: the products of the i-th tile at {@code o[oOff + pos * posStride + i * 16]}
     * ({@code pos < t * t}), {@code A^T o A} ({@code at}: {@code m x t}) gives its {@code m x m} outputs, which go,
     * where inside the {@code oh x ow} plane, to pixel (oy, ox) at {@code y[yOff + (oy * ow + ox) * 16]} as
     * {@code clamp(A^T o A + res + bias, lo, hi)} (the residual at the output index plus {@code resDelta} when
     * {@code res} is non-null; bias lanes at {@code bias[bOff]}); lanes from {@code lanes} on are written as zero.
     * {@code tmp} holds at least {@code t * t * 16} floats of scratch from {@code tmpOff}.
     */
    default void nchwcWinogradOutput(int t, int m, float[] at, float[] o, int oOff, int posStride, int tilesPerRow,
            int tile0, int tiles, float[] bias, int bOff, float[] res, int resDelta, float[] y, int yOff, int oh,
            int ow, int lanes, float lo, float hi, float[] tmp, int tmpOff) {
        NchwcReference.winogradOutput(t, m, at, o, oOff, posStride, tilesPerRow, tile0, tiles, bias, bOff, res,
                resDelta, y, yOff, oh, ow, lanes, lo, hi, tmp, tmpOff);
    }

    /**
     * The stride-2 Winograd input transform ({@link NchwcStridedWinogradConv}) of one channel block for tiles
     * {@code [tile0, tile0 + tiles)} of a zero-bordered plane: pixel (r, q) at {@code x[xOff + (r * cols + q) * 16]},
     * tile number {@code n} starting at pixel ({@code (n / tilesPerRow) * 2m}, {@code (n % tilesPerRow) * 2m}) and
     * {@code t = 2m + 1} pixels wide. Along each axis the {@code t} positions of {@link StridedWinogradTransform}
     * ({@code bte}, F(m,2)'s {@code (m + 1) x (m + 1)} input matrix, on the even pixels, then the odd pixels as they
     * are); 2-D position {@code pos = p * t + q} of the i-th tile goes to {@code v[vOff + posOff[pos] + i * 16]}.
     * {@code tmp} holds at least {@code t * t * 16} floats of scratch from {@code tmpOff}.
     */
    default void nchwcStridedWinogradInput(int m, float[] bte, float[] x, int xOff, int cols, int tilesPerRow,
            int tile0, int tiles, float[] v, int vOff, int[] posOff, float[] tmp, int tmpOff) {
        StridedWinogradReference.input(m, bte, x, xOff, cols, tilesPerRow, tile0, tiles, v, vOff, posOff, tmp,
                tmpOff);
    }

    /**
     * The stride-2 Winograd output transform ({@link NchwcStridedWinogradConv}) of one output block for tiles
     * {@code [tile0, tile0 + tiles)}: the products of position {@code pos} of the i-th tile at
     * {@code o[oOff + posOff[pos] + i * 16]}; along each axis {@code y[a] = sum_j ate[a][j] o[j] + o[m + 1 + a]}
     * ({@code ate}: F(m,2)'s {@code m x (m + 1)} output matrix); the {@code m x m} outputs inside the {@code oh x ow}
     * plane are stored as {@link #nchwcWinogradOutput} stores them (residual, bias, clamp, zero lanes from
     * {@code lanes} on). {@code tmp} holds at least {@code t * t * 16} floats of scratch from {@code tmpOff}.
     */
    default void nchwcStridedWinogradOutput(int m, float[] ate, float[] o, int oOff, int[] posOff, int tilesPerRow,
            int tile0, int tiles, float[] bias, int bOff, float[] res, int resDelta, float[] y, int yOff, int oh,
            int ow, int lanes, float lo, float hi, float[] tmp, int tmpOff) {
        StridedWinogradReference.output(m, ate, o, oOff, posOff, tilesPerRow, tile0, tiles, bias, bOff, res,
                resDelta, y, yOff, oh, ow, lanes, lo, hi, tmp, tmpOff);
    }

    /**
     * Output rows {@code [rowBegin, rowEnd)} of the NCHWc depthwise convolution {@code g} for one image's one block:
     * input {@code [H][W][16]} at {@code src[sOff]}, output {@code [OH][OW][16]} at {@code dst[dOff]}, weights
     * {@code [tap][16]} at {@code coef[cOff]}, bias lanes at {@code bias[bOff]};
     * {@code dst = clamp(sum over the taps inside the input + bias, lo, hi)}, lanes from {@code lanes} on zero.
     */
    default void nchwcDepthwise(ConvGeometry g, float[] coef, int cOff, float[] bias, int bOff, int lanes,
            float[] src, int sOff, float[] dst, int dOff, int rowBegin, int rowEnd, float lo, float hi) {
        NchwcReference.depthwise(g, coef, cOff, bias, bOff, lanes, src, sOff, dst, dOff, rowBegin, rowEnd, lo, hi);
    }

    /**
     * Output rows {@code [rowBegin, rowEnd)} of the NCHWc max pool {@code pool} for one image's one block: input
     * {@code [H][W][16]} at {@code src[sOff]}, output {@code [OH][OW][16]} at {@code dst[dOff]}; per lane the largest
     * tap inside the input that is not NaN (taps in row-major order, the first of equal maxima), NaN when every
     * such tap is NaN, -inf when none is inside; lanes from {@code lanes} on written as zero.
     */
    default void nchwcMaxPool(NchwcMaxPool pool, int lanes, float[] src, int sOff, float[] dst, int dOff,
            int rowBegin, int rowEnd) {
        NchwcChecks.maxPool(pool, lanes, src, sOff, dst, dOff, rowBegin, rowEnd);
        NchwcReference.maxPool(pool, lanes, src, sOff, dst, dOff, rowBegin, rowEnd);
    }

    /**
     * GlobalAveragePool of one blocked image: {@code dst[dOff + c]} = the sum of channel c over its {@code spatial}
     * positions (block {@code c / 16} at {@code src[sOff + (c / 16) * spatial * 16]}), summed in float in position
     * order, divided by {@code spatial}, for {@code c < channels}.
     */
    default void nchwcAverage(int channels, int spatial, float[] src, int sOff, float[] dst, int dOff) {
        NchwcChecks.average(channels, spatial, src, sOff, dst, dOff);
        NchwcReference.average(channels, spatial, src, sOff, dst, dOff);
    }
}
