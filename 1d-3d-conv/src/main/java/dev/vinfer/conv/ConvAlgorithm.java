package dev.vinfer.conv;

import java.util.Arrays;
import java.util.Locale;

/**
 * How a convolution is computed. {@link #AUTO} lets {@link #choose(ConvGeometry)} decide; any other value forces
 * that algorithm where it {@linkplain #supports(ConvGeometry) applies}.
 */
public enum ConvAlgorithm {
    /** Let {@link #choose} decide. */
    AUTO,
    /**
     * The direct textbook loops of {@link ConvReference} (double accumulation), parallel over output planes. Slow;
     * supports everything, forward and transposed. Never chosen by AUTO, since the GEMM paths cover every
     * geometry; it is there to be forced when debugging a fast path.
     */
    DIRECT,
    /** im2col + GEMM with prepacked weights: any forward convolution. */
    IM2COL,
    /**
     * A 1x1, unpadded convolution as one GEMM per group, straight on the input (no im2col); with a stride above 1
     * on the input subsampled once per run ({@link SubsampledPointwiseConv}).
     */
    POINTWISE,
    /**
     * A direct per-channel kernel for {@code G == C} (each output channel reads one input channel; M may be a
     * multiple of C), any kernel, stride, dilation and rank; vectorized along output rows where the stride is 1.
     */
    DEPTHWISE,
    /**
     * Depthwise with the channels in the vector lanes ({@link BlockedDepthwiseConv}): blocks of 16 channels
     * transposed into an interleaved layout, every tap a whole vector of channels, transposed back. {@code G == C ==
     * M}; any kernel, stride, dilation and rank. Fast where {@link #DEPTHWISE}'s per-channel set-up and partly filled
     * row vectors dominate: small planes and strides.
     */
    DEPTHWISE_BLOCKED,
    /** Transposed convolution: GEMM of the transposed weights with the input, then col2im scatter-add. */
    GEMM_COL2IM,
    /**
     * Winograd F(2,3) along every axis (2-, 2x2- or 2x2x2-output tiles from 4-wide input tiles; 4, 16 or 64 GEMMs):
     * 3-tap/3x3/3x3x3 kernels, stride 1, dilation 1, any padding and groups. See {@link WinogradConv}.
     */
    WINOGRAD_F2_3,
    /** Winograd F(4,3) along every axis (6-wide input tiles; 6, 36 or 216 GEMMs); as {@link #WINOGRAD_F2_3}. */
    WINOGRAD_F4_3,
    /**
     * Winograd F(6,3) along every axis (8-wide input tiles; 8, 64 or 512 GEMMs); fewest multiplications, largest
     * rounding error (still within the declared bound, see {@link #errorBound}). As {@link #WINOGRAD_F2_3}.
     */
    WINOGRAD_F6_3,
    /**
     * A register-blocked direct kernel along output rows ({@link RowDirectConv}): 1-D/2-D, one group, stride 1, odd
     * kernels, any dilation and padding. For large kernels or few output channels, where im2col's GEMM has a tiny M
     * or a huge K.
     */
    ROW_DIRECT,
    /**
     * im2col + GEMM without the column matrix ({@link ImplicitIm2colConv}): the input is copied once into a padded,
     * stride-phase-split layout and the GEMM fills its panels straight from it, over all of K at once, with the bias
     * and ReLU applied in registers. Any forward convolution; meant for few input channels on large planes.
     */
    IMPLICIT_IM2COL,
    /**
     * im2col (or, for a pointwise kernel, the input itself) + GEMM in transposed form, output pixels as the GEMM's
     * rows and output channels as its vector columns, written back to the channel-major output with the epilogue
     * ({@link PixelRowsConv}): any forward convolution; for small output planes.
     */
    PIXEL_ROWS,
    /**
     * A 3-D convolution with Winograd along depth (kD = 3, 5 or 7, stride 1) and implicit im2col over height and
     * width ({@link DepthWinogradConv}): F(4,7) for 7-deep kernels (10 GEMMs of K = C x kH x kW per 4 output depths
     * instead of 4 of K = 7 C x kH x kW), else F(2, kD). One group; any H/W kernel, stride, dilation, padding. Made
     * for ResNet3D's 7x7x7 stem.
     */
    WINOGRAD_DEPTH,
    /**
     * The pixel-rows GEMM of {@link #PIXEL_ROWS} on a zero-padded channels-last copy of the input, from which the
     * GEMM reads each pixel's C/G values per tap in place: no im2col matrix, no A packing ({@link
     * ChannelsLastConv}). Any forward convolution; for ResNet's strided layers.
     */
    CHANNELS_LAST,
    /**
     * A direct kernel for few input channels ({@link StemDirectConv}): the input copied once into the padded,
     * stride-phase-split layout of {@link #IMPLICIT_IM2COL}, then blocks of output channels x a few pixel vectors of
     * an output row accumulated over every tap straight from it (no im2col panel), with the bias and ReLU/Clip in
     * registers. One group, any rank, kernel, stride, dilation and padding; made for the networks' stems.
     */
    STEM_DIRECT;

    /**
     * The declared accuracy on {@code g}: the largest {@code |computed - exact|} allowed, relative to the largest
     * |exact value| of the convolution (bias included; a residual add and an activation after it, which cap or
     * squash outputs but not the sums, are checked through their slope by the tests). A float32 sum of K products
     * (K = C/G x kernel size) carries a rounding error that grows like {@code sqrt(K) * eps * |result|}
     * (random-walk accumulation, eps = 6e-8); every path is allowed {@code 1e-5 * sqrt(K)} (about 170 eps *
     * sqrt(K)). Winograd adds the rounding of its transforms, which grows with the tile and compounds over the
     * axes; on the randomized 1D/2D/3D tests (every epilogue, with and without residuals) F(2,3), F(4,3) and F(6,3)
     * used at most 0.6%, 11% and 31% of this bound (F(6,3): 4% in 1D, 23% in 2D, 31% in 3D), Winograd along depth
     * 10%, the other paths under 5%. Until session 40 F(6,3) was declared 2x looser in 1D/2D and 8x in 3D: the
     * tests then took the bound relative to outputs a Clip had capped. bench/README.md lists the measured relative
     * L2 errors on the benchmark layers.
     */
    public double errorBound(ConvGeometry g) {
        return 1e-5 * Math.sqrt(Math.max(1, g.reductionLength()));
    }

    /** Whether this algorithm can compute the forward convolution {@code g}. */
    public boolean supports(ConvGeometry g) {
        return switch (this) {
            case AUTO, DIRECT, IM2COL, PIXEL_ROWS -> true;
            case POINTWISE -> g.isPointwise() || SubsampledPointwiseConv.applies(g);
            case DEPTHWISE -> g.isDepthwise();
            case DEPTHWISE_BLOCKED -> g.isDepthwise() && g.outChannels() == g.inChannels();
            case GEMM_COL2IM -> false;
            case WINOGRAD_F2_3 -> WinogradConv.supports(g, 2);
            case WINOGRAD_F4_3 -> WinogradConv.supports(g, 4);
            case WINOGRAD_F6_3 -> WinogradConv.supports(g, 6);
            case ROW_DIRECT -> RowDirectConv.supports(g);
            case IMPLICIT_IM2COL -> ImplicitIm2colConv.supports(g);
            case WINOGRAD_DEPTH -> DepthWinogradConv.supports(g);
            case CHANNELS_LAST -> ChannelsLastConv.supports(g);
            case STEM_DIRECT -> StemDirectConv.supports(g);
        };
    }

    /** Whether this algorithm can compute the transposed convolution {@code g}. */
    public boolean supports(ConvTransposeGeometry g) {
        return this == AUTO || this == DIRECT || this == GEMM_COL2IM;
    }

    /**
     * The algorithm AUTO runs for a forward convolution, a pure function of the geometry:
     * <ol>
     * <li>a depthwise kernel ({@link #DEPTHWISE} or {@link #DEPTHWISE_BLOCKED}, see
     * {@link AutoDepthwiseRule#depthwise}) if {@code G == C} and {@code M/G < 6}: a GEMM of K = kernel size per
     * channel would be mostly packing overhead, and with fewer than 6 rows (the micro-kernel's MR) its register tile
     * runs mostly empty, while the direct kernel reads each input row a few times and needs no buffer. (A single-channel input
     * with many output channels, like an audio front end {@code 1->128}, is a real GEMM and goes on below.)</li>
     * <li>else, if the kernel is 1x1 with stride 1 and no padding, {@link #PIXEL_ROWS} on small output planes
     * ({@link AutoPixelRowsRules#pixelRows(ConvGeometry)}), otherwise {@link #POINTWISE}: the input already is the
     * GEMM's B matrix, so im2col would only copy it;</li>
     * <li>else {@link #IMPLICIT_IM2COL} for few input channels on a large plane with enough output channels:
     * {@link AutoImplicitIm2colRules#implicitIm2col(ConvGeometry)}, or there {@link #WINOGRAD_DEPTH} for a 3-D kernel 7
     * deep with depth stride 1 ({@link AutoImplicitIm2colRules#depthWinograd(ConvGeometry)}) (this includes 3x3
     * stride-1 layers with 5-15 input channels, below Winograd's 16), or there {@link #STEM_DIRECT} for a 2-D 3x3-7x7
     * stride-2 stem ({@link AutoStemDirectRule#stemDirect(ConvGeometry)}) or a one-group stride-1 layer with at most
     * 32 output channels ({@link AutoStemDirectRule#fewOutputChannels(ConvGeometry)});</li>
     * <li>else Winograd if it applies (3-tap kernels, stride 1, dilation 1) and the layer has enough channels:
     * {@link AutoWinogradRule#winograd(ConvGeometry)} (ahead of PIXEL_ROWS: on ResNet's 3x3 512->512 @7x7 F(2,3) took
     * 2.76 ms, PIXEL_ROWS 2.83, im2col 3.74; @14x14 256->256 F(2,3) 1.73, PIXEL_ROWS 2.70);</li>
     * <li>else {@link #CHANNELS_LAST} for a 2-D stride-2 3x3 layer with 16 to 512 input channels and at least 32
     * output channels: {@link AutoPixelRowsRules#channelsLast(ConvGeometry)} (this takes the 3x3 layers the next rule
     * and {@link AutoImplicitIm2colRules#stride2Implicit} took before session 6);</li>
     * <li>else {@link #PIXEL_ROWS} on small output planes: {@link AutoPixelRowsRules#pixelRows(ConvGeometry)};</li>
     * <li>else {@link #IMPLICIT_IM2COL} for a 3x3 stride-2 layer with at least 16 input channels (ResNet's
     * strided 3x3 at 56x56): {@link AutoImplicitIm2colRules#stride2Implicit(ConvGeometry)};</li>
     * <li>else {@link #IMPLICIT_IM2COL} for a 3x3x3 stride-2 layer with at least 16 input channels
     * ({@link AutoImplicitIm2colRules#stride2Implicit3d(ConvGeometry)}: ResNet3D-10's 64 -> 128 @ 8x28x28);</li>
     * <li>else {@link #POINTWISE} for a 1x1 unpadded kernel with a stride above 1 (ResNet's downsampling shortcut
     * at 56x56), on the input subsampled once per run ({@link SubsampledPointwiseConv}). Session 5,
     * {@code ConvPairedProbe} as for {@link AutoImplicitIm2colRules#stride2Implicit}, one thread, caller CPU median /
     * best of 80, load 16-18, ms: 256 -> 512 @ 56x56/2 im2col 2.95 / 2.69, POINTWISE 2.48 / 2.22; 64 -> 128 @ 56x56/2
     * 0.304 / 0.299, 0.178 / 0.173. On the planes PIXEL_ROWS takes (196 output pixels and fewer) the subsampled form
     * was no faster: 512 -> 1024 @ 28x28/2 PIXEL_ROWS 2.32 / 2.03, subsampled 2.43 / 2.06 (POINTWISE 2.45 / 2.23 in
     * an earlier run); 256 -> 512 @ 14x14/2 0.144 / 0.141, 0.157 / 0.155;</li>
     * <li>else {@link #ROW_DIRECT} for a 2-D one-group stride-1 convolution with odd kernels and few output
     * channels or a large kernel: {@link AutoRowDirectRule#rowDirect(ConvGeometry)}, which since session 40 means
     * {@link #STEM_DIRECT} wherever {@link AutoStemDirectRule#fewOutputChannels(ConvGeometry)} holds (every such layer
     * whose padded input copy fits);</li>
     * <li>else {@link #IM2COL}, which handles every geometry.</li>
     * </ol>
     */
    public static ConvAlgorithm choose(ConvGeometry g) {
        if (g.isDepthwise() && g.outChannelsPerGroup() < 6) {
            return AutoDepthwiseRule.depthwise(g);
        }
        if (g.isPointwise()) {
            return AutoPixelRowsRules.pixelRows(g) ? PIXEL_ROWS : POINTWISE;
        }
        if (AutoImplicitIm2colRules.implicitIm2col(g)) {
            // ahead of Winograd: its few-input-channel 3x3 case beats Winograd (session 5)
            return AutoImplicitIm2colRules.depthWinograd(g) ? WINOGRAD_DEPTH
                    : AutoStemDirectRule.stemDirect(g) || AutoStemDirectRule.fewOutputChannels(g) ? STEM_DIRECT
                    : IMPLICIT_IM2COL;
        }
        ConvAlgorithm w = AutoWinogradRule.winograd(g);
        if (w != null) {
            return w;
        }
        if (AutoPixelRowsRules.channelsLast(g)) {
            return CHANNELS_LAST; // ResNet's strided 3x3 layers (session 6)
        }
        if (AutoPixelRowsRules.pixelRows(g)) {
            return PIXEL_ROWS;
        }
        if (AutoImplicitIm2colRules.stride2Implicit(g) || AutoImplicitIm2colRules.stride2Implicit3d(g)) {
            return IMPLICIT_IM2COL;
        }
        if (SubsampledPointwiseConv.applies(g)) {
            return POINTWISE; // a strided 1x1 on a plane too large for PIXEL_ROWS: see the rule above
        }
        if (AutoRowDirectRule.rowDirect(g)) {
            return AutoStemDirectRule.fewOutputChannels(g) ? STEM_DIRECT : ROW_DIRECT;
        }
        return IM2COL;
    }

    /**
     * The algorithm AUTO runs for {@code g} on {@code threads} threads: {@link #choose(ConvGeometry)}, except that a
     * 2-D layer it leaves to im2col runs {@link #IMPLICIT_IM2COL} where
     * {@link AutoImplicitIm2colRules#insteadOfIm2col} says so ({@link #STEM_DIRECT} there for a stride-1 layer with
     * few output channels, {@link AutoStemDirectRule#fewOutputChannels}, which also takes such 1-D and 3-D layers),
     * and a 1-D layer it puts on Winograd runs {@link #CHANNELS_LAST} on two or more threads
     * ({@link AutoWinogradRule#channelsLastOnThreads}; {@code -Dvinfer.winograd1dChannelsLastOnThreads=false} keeps
     * Winograd, read when a layer is prepared).
     */
    public static ConvAlgorithm choose(ConvGeometry g, int threads) {
        ConvAlgorithm a = choose(g);
        if (a == IM2COL) {
            boolean implicit = AutoImplicitIm2colRules.insteadOfIm2col(g); // 2-D planes of 64+ pixels
            if (AutoStemDirectRule.fewOutputChannels(g) && (implicit || g.rank() != 2)) {
                return STEM_DIRECT;
            }
            if (implicit) {
                return IMPLICIT_IM2COL;
            }
        }
        return AutoWinogradRule.channelsLastOnThreads(g, a, threads) ? CHANNELS_LAST : a;
    }

    /** The algorithm AUTO runs for a transposed convolution: always {@link #GEMM_COL2IM}. */
    public static ConvAlgorithm choose(ConvTransposeGeometry g) {
        return GEMM_COL2IM;
    }

    /** The constant named {@code name}, case-insensitively (e.g. "im2col", "direct"). */
    public static ConvAlgorithm parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("unknown convolution algorithm '" + name + "', expected one of "
                    + Arrays.toString(values()).toLowerCase(Locale.ROOT));
        }
    }
}
