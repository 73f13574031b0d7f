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
     * rounding error (its declared bound is looser). As {@link #WINOGRAD_F2_3}.
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
    CHANNELS_LAST;

    /**
     * The declared accuracy on {@code g}: the largest {@code |computed - exact|} allowed, relative to the largest
     * |exact output value|. A float32 sum of K products (K = C/G x kernel size) carries a rounding error that grows
     * like {@code sqrt(K) * eps * |result|} (random-walk accumulation, eps = 6e-8); the direct, im2col, pointwise,
     * depthwise and col2im paths are allowed {@code 1e-5 * sqrt(K)} (about 170 eps * sqrt(K)). Winograd adds the
     * rounding of its transforms, which grows with the tile and compounds over the axes: F(2,3) and F(4,3) stay
     * within the same bound (on randomized 1D/2D/3D tests they used at most 0.4% and 12% of it); F(6,3) is declared
     * looser, 2x in 1D/2D and 8x in 3D (randomized 3D cases with a Clip epilogue, which caps the outputs the
     * bound is relative to but not the pre-activation values the error scales with, reached 2.4x the base bound).
     * The tests check every algorithm against its bound; bench/README.md lists the measured relative L2 errors on the
     * benchmark layers.
     */
    public double errorBound(ConvGeometry g) {
        double base = 1e-5 * Math.sqrt(Math.max(1, g.reductionLength()));
        if (this != WINOGRAD_F6_3) {
            return base;
        }
        return g.rank() >= 3 ? 8 * base : 2 * base;
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
        };
    }

    /** Whether this algorithm can compute the transposed convolution {@code g}. */
    public boolean supports(ConvTransposeGeometry g) {
        return this == AUTO || this == DIRECT || this == GEMM_COL2IM;
    }

    /**
     * The algorithm AUTO runs for a forward convolution, a pure function of the geometry:
     * <ol>
     * <li>a depthwise kernel ({@link #DEPTHWISE} or {@link #DEPTHWISE_BLOCKED}, see {@link #depthwise}) if
     * {@code G == C} and {@code M/G < 6}: a GEMM of K = kernel size per channel would be
     * mostly packing overhead, and with fewer than 6 rows (the micro-kernel's MR) its register tile runs mostly
     * empty, while the direct kernel reads each input row a few times and needs no buffer. (A single-channel input
     * with many output channels, like an audio front end {@code 1->128}, is a real GEMM and goes on below.)</li>
     * <li>else, if the kernel is 1x1 with stride 1 and no padding, {@link #PIXEL_ROWS} on small output planes
     * ({@link #pixelRows(ConvGeometry)}), otherwise {@link #POINTWISE}: the input already is the GEMM's B matrix,
     * so im2col would only copy it;</li>
     * <li>else {@link #IMPLICIT_IM2COL} for few input channels on a large plane with enough output channels:
     * {@link #implicitIm2col(ConvGeometry)}, or there {@link #WINOGRAD_DEPTH} for a 3-D kernel 7 deep with depth
     * stride 1 ({@link #depthWinograd(ConvGeometry)}) (this includes 3x3 stride-1 layers with 5-23 input channels,
     * which Winograd would otherwise take from 16 channels up: SqueezeNet's first expand convs);</li>
     * <li>else Winograd if it applies (3-tap kernels, stride 1, dilation 1) and the layer has enough channels:
     * {@link #winograd(ConvGeometry)} (ahead of PIXEL_ROWS: on ResNet's 3x3 512->512 @7x7 F(2,3) took 2.76 ms,
     * PIXEL_ROWS 2.83, im2col 3.74; @14x14 256->256 F(2,3) 1.73, PIXEL_ROWS 2.70);</li>
     * <li>else {@link #CHANNELS_LAST} for a 2-D stride-2 3x3 layer with 16 to 512 input channels and at least 32
     * output channels: {@link #channelsLast(ConvGeometry)} (this takes the 3x3 layers the next rule and
     * {@link #stride2Implicit} took before session 6);</li>
     * <li>else {@link #PIXEL_ROWS} on small output planes: {@link #pixelRows(ConvGeometry)};</li>
     * <li>else {@link #IMPLICIT_IM2COL} for a 3x3 stride-2 layer with at least 16 input channels (ResNet's
     * strided 3x3 at 56x56): {@link #stride2Implicit(ConvGeometry)};</li>
     * <li>else {@link #IMPLICIT_IM2COL} for a 3x3x3 stride-2 layer with at least 16 input channels
     * ({@link #stride2Implicit3d(ConvGeometry)}: ResNet3D-10's 64 -> 128 @ 8x28x28);</li>
     * <li>else {@link #POINTWISE} for a 1x1 unpadded kernel with a stride above 1 (ResNet's downsampling shortcut
     * at 56x56), on the input subsampled once per run ({@link SubsampledPointwiseConv}). Session 5,
     * {@code ConvPairedProbe} as for {@link #stride2Implicit}, one thread, caller CPU median / best of 80, load
     * 16-18, ms: 256 -> 512 @ 56x56/2 im2col 2.95 / 2.69, POINTWISE 2.48 / 2.22; 64 -> 128 @ 56x56/2 0.304 /
     * 0.299, 0.178 / 0.173. On the planes PIXEL_ROWS takes (196 output pixels and fewer) the subsampled form was
     * no faster: 512 -> 1024 @ 28x28/2 PIXEL_ROWS 2.32 / 2.03, subsampled 2.43 / 2.06 (POINTWISE 2.45 / 2.23 in
     * an earlier run); 256 -> 512 @ 14x14/2 0.144 / 0.141, 0.157 / 0.155;</li>
     * <li>else {@link #ROW_DIRECT} for a 2-D one-group stride-1 convolution with odd kernels and few output
     * channels or a large kernel: {@link #rowDirect(ConvGeometry)};</li>
     * <li>else {@link #IM2COL}, which handles every geometry.</li>
     * </ol>
     */
    public static ConvAlgorithm choose(ConvGeometry g) {
        if (g.isDepthwise() && g.outChannelsPerGroup() < 6) {
            return depthwise(g);
        }
        if (g.isPointwise()) {
            return pixelRows(g) ? PIXEL_ROWS : POINTWISE;
        }
        if (implicitIm2col(g)) {
            // ahead of Winograd: its few-input-channel 3x3 case beats Winograd (session 5)
            return depthWinograd(g) ? WINOGRAD_DEPTH : IMPLICIT_IM2COL;
        }
        ConvAlgorithm w = winograd(g);
        if (w != null) {
            return w;
        }
        if (channelsLast(g)) {
            return CHANNELS_LAST; // ResNet's strided 3x3 layers (session 6)
        }
        if (pixelRows(g)) {
            return PIXEL_ROWS;
        }
        if (stride2Implicit(g) || stride2Implicit3d(g)) {
            return IMPLICIT_IM2COL;
        }
        if (SubsampledPointwiseConv.applies(g)) {
            return POINTWISE; // a strided 1x1 on a plane too large for PIXEL_ROWS: see the rule above
        }
        return rowDirect(g) ? ROW_DIRECT : IM2COL;
    }

    /**
     * Whether AUTO takes {@link #CHANNELS_LAST}: a 2-D 3x3 convolution of one group, stride 2 on both axes, dilation
     * 1, 16 to 512 input channels and at least 32 output channels (ResNet's strided 3x3 layers).
     * Session 6, {@code AlgoPairedProbe} (forced algorithms alternated in one JVM, bias + Relu, one thread, caller
     * CPU median / best of 60, load average 13-17 on the 2 cores), ms:
     * <pre>
     * C -> M, kernel @ input (stride 2)  PIXEL_ROWS     IMPLICIT_IM2COL  POINTWISE      CHANNELS_LAST
     * 64 -> 128, 3x3 @ 56x56             1.95 / 1.63    1.54 / 1.29      -              1.48 / 1.22   (ResNet-18)
     * 128 -> 128, 3x3 @ 56x56            3.91 / 3.26    3.05 / 2.75      -              2.84 / 2.43   (ResNet-50)
     * 128 -> 256, 3x3 @ 28x28            1.48 / 1.34    1.55 / 1.37      -              1.34 / 1.17   (ResNet-18)
     * 256 -> 256, 3x3 @ 28x28            3.18 / 2.73    3.31 / 2.91      -              2.47 / 2.25   (ResNet-50)
     * 256 -> 512, 3x3 @ 14x14            1.37 / 1.28    1.72 / 1.53      -              1.28 / 1.09   (ResNet-18)
     * 512 -> 512, 3x3 @ 14x14            2.82 / 2.64    3.78 / 3.43      -              2.46 / 2.27   (ResNet-50)
     * 32 -> 64, 3x3 @ 112x112            2.82 / 2.36    1.61 / 1.37      -              1.63 / 1.46   (a tie)
     * 16 -> 32, 3x3 @ 112x112            0.92 / 0.75    0.50 / 0.42      -              0.43 / 0.35
     * 512 -> 1024, 1x1 @ 28x28           2.71 / 2.30    -                2.85 / 2.44    2.51 / 2.24   (ResNet-50)
     * 1024 -> 2048, 1x1 @ 14x14          2.39 / 2.19    -                3.09 / 2.65    2.27 / 2.04   (ResNet-50)
     * 256 -> 512, 1x1 @ 14x14            0.235 / 0.150  -                0.201 / 0.178  0.177 / 0.140 (ResNet-18)
     * 256 -> 512, 1x1 @ 56x56            3.06 / 2.71    -                2.42 / 2.21    2.67 / 2.40   (POINTWISE keeps it)
     * 128 -> 256, 1x1 @ 28x28            0.238 / 0.175  -                0.291 / 0.175  0.278 / 0.163 (unclear: PIXEL_ROWS keeps it)
     * 64 -> 128, 1x1 @ 56x56             0.232 / 0.222  -                0.190 / 0.184  0.195 / 0.185 (POINTWISE keeps it)
     * </pre>
     * Why it wins: its GEMM reads every A value straight from the channels-last copy (7 pixels x 32 channels per
     * register tile, measured alone at 110-116 GFLOP/s best-of on the ResNet-50 3x3 shapes), where PIXEL_ROWS first
     * builds and then packs a {@code K x pixels} im2col matrix and IMPLICIT_IM2COL copies its B panels per tile;
     * the price is the copy into the channels-last layout and the transpose of the product back to NCHW (together
     * about 0.3 ms of 2.5 under this load). A 1x1 stride-2 kernel on a large plane stays on the subsampled POINTWISE
     * GEMM, which reads only the pixels it needs. The stride-2 1x1 layers on small planes are not switched: the
     * isolated gain above (5-7% on ResNet-50's two) did not show in the network ({@code CpuNodeProfile resnet50 30},
     * load 15-18, ms: conv_28 2.354 vs 2.353 on PIXEL_ROWS, conv_47 2.321 vs 2.308; ResNet-18's 256 -> 512 at
     * 14 -> 7 0.242 vs 0.213): its copy reads the whole input plane for the quarter of the pixels the kernel uses.
     * Other kernels, strides, groups and 3-D layers were not measured.
     */
    static boolean channelsLast(ConvGeometry g) {
        if (g.rank() != 2 || g.group() != 1 || g.stride(0) != 2 || g.stride(1) != 2 || g.dilation(0) != 1
                || g.dilation(1) != 1 || g.outChannels() < 32 || !CHANNELS_LAST.supports(g)) {
            return false;
        }
        return g.kernel(0) == 3 && g.kernel(1) == 3 && g.inChannels() >= 16 && g.inChannels() <= 512;
    }

    /**
     * Whether AUTO takes {@link #IMPLICIT_IM2COL} for a 3x3 stride-2 2-D convolution with one group, at least 16
     * input channels and K = C x 9 at most 2304, whose output plane is too large for {@link #PIXEL_ROWS} (checked
     * before): ResNet's strided 3x3 at 56x56 -> 28x28. There im2col paid for a stride-phase copy of the input, the
     * column matrix and the GEMM's packing of it (71 GFLOP/s in ResNet-50); the implicit form copies the input once
     * and fills its GEMM panels straight from it. Session 5, {@code ConvPairedProbe} with the algorithms
     * alternated in one JVM ({@code dir@algorithm}), bias + Relu, pad 1, one thread, caller CPU median / best of 60
     * (40 for the last four), load average 12-21 on the 2 cores, ms:
     * <pre>
     * C -> M @ input (stride 2)    im2col         IMPLICIT_IM2COL   PIXEL_ROWS
     * 128 -> 128 @ 56x56            3.62 / 3.29    2.99 / 2.84       3.57 / 3.18   (ResNet-50, cold caches: 3.61 / 2.96)
     * 64 -> 128 @ 56x56             1.61 / 1.52    1.44 / 1.36       1.68 / 1.56   (ResNet-18, cold: 1.76 / 1.49)
     * 256 -> 256 @ 56x56           12.1 / 11.6    10.6 / 10.2       11.8 / 11.5
     * 32 -> 64 @ 112x112            1.99 / 1.80    1.60 / 1.47       2.39 / 2.07
     * 16 -> 32 @ 112x112            0.76 / 0.64    0.51 / 0.42       0.92 / 0.76
     * 128 -> 128 @ 30x30            1.15 / 1.05    1.03 / 0.93       1.25 / 0.86   (225 output pixels)
     * 256 -> 256 @ 28x28            3.42 / 3.13    3.13 / 2.95       2.90 / 2.62   (196: PIXEL_ROWS keeps it)
     * 512 -> 512 @ 14x14            4.12 / 3.89    3.71 / 3.43       2.69 / 2.58   (49: PIXEL_ROWS keeps it)
     * </pre>
     * Two threads (wall best; the medians at that load mostly measure waiting for a core): 128 -> 128 @ 56x56
     * 3.29 im2col, 1.60 implicit; 64 -> 128 1.67, 1.58. The implicit GEMM runs within about 10% of a pointwise
     * GEMM of the same M, K and N (1152 -> 128 @ 28x28 POINTWISE: 2.87 / 2.58 at the same load). Other kernels,
     * strides and groups were not measured and stay on im2col.
     */
    static boolean stride2Implicit(ConvGeometry g) {
        return g.rank() == 2 && g.group() == 1 && g.kernel(0) == 3 && g.kernel(1) == 3 && g.stride(0) == 2
                && g.stride(1) == 2 && g.dilation(0) == 1 && g.dilation(1) == 1 && g.inChannels() >= 16
                && g.reductionLength() <= 2304 && IMPLICIT_IM2COL.supports(g);
    }

    /**
     * Whether AUTO takes {@link #IMPLICIT_IM2COL} for a 3-D 3x3x3 stride-2 dilation-1 convolution with one group and
     * at least 16 input channels whose output is too large for {@link #PIXEL_ROWS} (checked before), the 3-D
     * counterpart of {@link #stride2Implicit}. Session 6, {@code ConvPairedProbe} with the algorithms alternated
     * ({@code dir@algorithm}), bias + Relu, pad 1, one thread, caller CPU median / best of 60, load 13-17, ms:
     * ResNet3D-10's 64 -> 128 @ 8x28x28 (4x14x14 out) im2col 6.29 / 5.62, IMPLICIT_IM2COL 4.70 / 4.35,
     * PIXEL_ROWS 5.79 / 5.32; its 128 -> 256 @ 4x14x14 (98 outputs, PIXEL_ROWS keeps it) 2.99 / 2.82, 2.81 / 2.59,
     * 2.18 / 2.01.
     */
    static boolean stride2Implicit3d(ConvGeometry g) {
        if (g.rank() != 3 || g.group() != 1 || g.inChannels() < 16) {
            return false;
        }
        for (int d = 0; d < 3; d++) {
            if (g.kernel(d) != 3 || g.stride(d) != 2 || g.dilation(d) != 1) {
                return false;
            }
        }
        return IMPLICIT_IM2COL.supports(g);
    }

    /**
     * Whether AUTO takes {@link #IMPLICIT_IM2COL} (before {@link #ROW_DIRECT} and im2col): one group, at most 4 input
     * channels, at least 16 output channels, at least 1024 output pixels, K = C x taps at most 1536, and not a
     * kernel of more than 49 taps that ROW_DIRECT would take. Measured on this project's machine (Zen 4 VM, 2 cores,
     * AVX-512), one thread, kernels alternated in one JVM ({@code ConvKernel.run} with bias and ReLU, best of 8-200
     * runs; thread CPU time where the load average, 10-14 during these runs, inflated the wall times), ms:
     * <pre>
     * C -> M, kernel @ input          im2col   ROW_DIRECT   IMPLICIT_IM2COL
     * 3 -> 64, 7x7/2 @ 224x224          3.07        -           2.45-2.65   (ResNet stem)
     * 3 -> 64, 3x3x3 @ 16x112x112      29.2         -          24.8         (CPU time)
     * 3 -> 64, 7x7x7/(1,2,2) @ 16x112x112  95.8     -          69.5         (ResNet3D-10 stem, CPU time)
     * 1 -> 128, k80/4 @ 16000           0.90-0.92   -           0.83-0.97   (M5 front end)
     * 3 -> 32, 3x3 @ 224x224            1.86       1.90         1.64
     * 3 -> 16, 5x5 @ 224x224            2.29       2.01         1.65
     * 3 -> 16, 9x9 @ 400x400           22.4       14.6         15.8         (CPU time; ROW_DIRECT keeps it)
     * </pre>
     * Why it wins: with K this small the plain im2col path's extra passes (column matrix written, then packed
     * again, then a bias pass over the output) cost about a third of its time; here the input is copied once
     * (0.04 ms for the stem) and the GEMM itself runs at about 98 GFLOP/s (85% of the measured FMA peak). The
     * limits are round numbers around what was measured (more input channels make the plain GEMM's K-blocking and
     * the shared kernel the better choice; not measured in between).
     */
    static boolean implicitIm2col(ConvGeometry g) {
        return (g.group() == 1 && g.inChannels() <= 4 && g.outChannels() >= 16 && g.outputPlane() >= 1024
                && g.reductionLength() <= 1536 && !(g.kernelSize() > 49 && rowDirect(g))
                || fewChannels3x3(g)) && IMPLICIT_IM2COL.supports(g);
    }

    /**
     * Whether AUTO takes {@link #WINOGRAD_DEPTH} for a layer {@link #implicitIm2col(ConvGeometry)} accepted: a 3-D
     * kernel 7 deep, depth stride and dilation 1 (F(4,7): 10 GEMMs of K = C x kH x kW per 4 output depths instead
     * of 4 of K = 7 C x kH x kW, 36% of the multiplications). Session 6, {@code ConvPairedProbe} (two builds
     * alternated in one JVM, bias + Relu, one thread, caller CPU median / best of 40-60, load 10-21), ms: ResNet3D-10's
     * stem 3 -> 64, 7x7x7 stride (1, 2, 2) pad 3 @ 16x112x112: IMPLICIT_IM2COL 68.6 / 67.7; F(2,7) 47.4 / 45.9
     * (0.69), then 46.9 / 45.3 against F(4,7) 32.9 / 31.5 (0.70 of F(2,7), about 0.48 of IMPLICIT_IM2COL).
     * Not taken for 3-deep kernels: F(2,3) leaves 4 GEMMs of K = 27 per 2 depths on the 3x3x3 3 -> 64 @ 16x112x112
     * stem, whose transforms and packing then weigh more than the saved multiplications (27.1 / 25.3 against
     * 22.9 / 22.2). 5-deep kernels were not measured.
     */
    static boolean depthWinograd(ConvGeometry g) {
        return g.rank() == 3 && g.kernel(0) == 7 && WINOGRAD_DEPTH.supports(g);
    }

    /** The fewest input channels per group at which AUTO runs a 3x3 stride-1 layer of 256+ pixels on Winograd. */
    static final int WINOGRAD_MIN_INPUT_CHANNELS = 24;

    /**
     * Whether a layer is a 2-D 3x3 stride-1 dilation-1 convolution of one group with 5 to
     * {@value #WINOGRAD_MIN_INPUT_CHANNELS}-1 input channels, at least 16 output channels and an output plane of at
     * least 256 pixels: AUTO runs it as {@link #IMPLICIT_IM2COL} (K = 45-207), not on Winograd (from 16 input
     * channels) nor im2col. With so few input channels Winograd's GEMMs have K = C (16), so each transformed output
     * value costs about as much to transform back as it cost to compute, and its transformed output (36 x M x
     * tiles floats, 2 MB for 64 x 55x55) does not stay in L2; the implicit-im2col GEMM keeps everything in
     * registers and reads the input once.
     *
     * <p>Session 5, this project's machine (Zen 4 VM, 2 cores, AVX-512), {@code AlgoPairedProbe} (1d-3d-conv test
     * sources: forced algorithms alternated run by run in one JVM, bias + Relu), one thread, median caller CPU time
     * of 150 runs, load average 10-16 on the 2 cores (so absolute times are inflated; the ordering was stable; wall
     * times agree), ms:
     * <pre>
     * C -> M @ plane (3x3 p1)     F(4,3)   F(2,3)   im2col   IMPLICIT_IM2COL
     * 16 -> 64 @ 55x55            0.807    0.888    0.764    0.688    (SqueezeNet fire 2/3 expand)
     * 16 -> 64 @ 27x27            0.213    0.189    0.191    0.158
     * 16 -> 16 @ 56x56            0.319    0.269    0.329    0.253
     *  8 -> 32 @ 56x56            0.241    0.291    0.254    0.193    (im2col before)
     * 24 -> 96 @ 28x28            0.347    0.447    0.407    0.366    (Winograd wins from here)
     * 32 -> 64 @ 55x55            1.273    1.337    1.555    1.290
     * 32 -> 128 @ 27x27           0.600    0.692    0.675    0.615    (SqueezeNet fire 4/5)
     * 32 -> 128 @ 13x13           0.125    0.164    0.181    0.153
     * 48 -> 192 @ 13x13           0.314    0.377    0.385    0.356
     * </pre>
     * Two threads (wall median): 16 -> 64 @ 55x55 F(4,3) 1.007, implicit 0.956; 16 -> 64 @ 27x27 0.261 / 0.159.
     * Below 256 pixels (16 -> 64 @ 13x13) the runs scattered too much to rank; Winograd keeps those. Layers with
     * 5-15 input channels went to im2col before (C >= 16 for Winograd).
     */
    static boolean fewChannels3x3(ConvGeometry g) {
        if (g.rank() != 2 || g.group() != 1 || g.inChannels() < 5 || g.inChannels() >= WINOGRAD_MIN_INPUT_CHANNELS
                || g.outChannels() < 16 || g.outputPlane() < 256) {
            return false;
        }
        for (int d = 0; d < 2; d++) {
            if (g.kernel(d) != 3 || g.stride(d) != 1 || g.dilation(d) != 1) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether AUTO takes {@link #PIXEL_ROWS} (pixels as the GEMM's rows) over {@link #POINTWISE} / {@link #IM2COL}
     * (pixels as its 32-wide vector columns). Measured one thread, best of 60 (40 for kernels needing im2col)
     * thread-CPU times of {@link ConvKernel#run} with the two algorithms alternated in one JVM, 16-lane vectors
     * (AVX-512), Relu epilogue, the machine shared (load average 12-13 on 2 cores; CPU time is far less disturbed
     * than wall time there), ms:
     * <pre>
     * C -> M, kernel/stride @ input   usual form   PIXEL_ROWS   output plane
     * 512 -> 2048, 1x1 @ 7x7            1.233        1.000       49  (ResNet-50's last stage)
     * 2048 -> 512, 1x1 @ 7x7            1.259        0.950       49
     * 1024 -> 2048, 1x1/2 @ 14x14       2.905        2.103       49  (its downsampling shortcut; im2col before)
     * 512 -> 512, 3x3/2 @ 14x14         3.842        2.587       49
     * 256 -> 512, 3x3/2 @ 14x14         1.698        1.182       49  (ResNet-18's strided 3x3)
     * 160 -> 960, 1x1 @ 7x7             0.186        0.165       49  (MobileNetV2)
     * 960 -> 160, 1x1 @ 7x7             0.192        0.150       49
     * 256 -> 1024, 1x1 @ 14x14          1.043        1.023      196
     * 1024 -> 256, 1x1 @ 14x14          1.063        0.978      196
     * 96 -> 576, 1x1 @ 14x14            0.232        0.260      196  (PIXEL_ROWS loses: with K = 96 its packing
     * 576 -> 96, 1x1 @ 14x14            0.235        0.227      196   and transpose weigh more)
     * 1024 -> 512, 1x1 @ 14x14 (*)      2.167        1.994      196
     * 512 -> 256, 1x1 @ 14x14 (*)       0.532        0.500      196
     * 384 -> 64, 1x1 @ 14x14 (*)        0.112        0.109      196
     * 384 -> 96, 1x1 @ 14x14 (*)        0.157        0.154      196
     * 64 -> 384, 1x1 @ 14x14 (*)        0.108        0.132      196
     * 256 -> 256, 3x3/2 @ 28x28         3.126        2.533      196
     * 128 -> 256, 3x3/2 @ 28x28         1.498        1.246      196
     * 512 -> 1024, 1x1/2 @ 28x28        2.564        2.038      196
     * 128 -> 512, 1x1 @ 28x28           0.967        1.166      784  (28x28 and up: the usual form wins or ties)
     * 512 -> 128, 1x1 @ 28x28           1.003        1.072      784
     * 128 -> 128, 3x3/2 @ 56x56         3.199        3.022      784
     * 64 -> 128, 3x3/2 @ 56x56          1.510        1.525      784
     * </pre>
     * (*) a second run, load average 17. As columns, 49 pixels are computed as 64 (77% useful) and 196 as 224
     * (87.5%); as rows in the 7-row tiles of the 16-lane kernel, exactly 49 and 196; the im2col kernels also gain
     * from {@link ShortRowIm2col}. Hence: output planes of at most 64 pixels for every kernel, and of at most 196
     * pixels for kernels that need im2col or, pointwise, with at least 256 input channels per group (with fewer, the
     * transposed input's packing and the output's transpose, per output value, outweigh the saved padding: 64 and
     * 96 input channels lost 13-22%). At least 32 output channels per group (one full column
     * panel of the 16-lane kernel); 2-D only (1-D and 3-D not measured). The 8-lane (AVX2) kernel has no 7-row
     * tiles; not measured there.
     *
     * <p>Rechecked in session 4 after POINTWISE got its fused epilogue ({@code PointwiseKernel}: residual, bias and
     * Clip applied per register tile, no passes over the output): {@code PointwisePairedProbe}, one thread, median
     * caller CPU time of 200-300 alternated runs, Clip(0,6) or (+res) a residual and no activation, load 24-26, ms:
     * <pre>
     * C -> M @ plane            POINTWISE   PIXEL_ROWS
     * 960 -> 160 @ 7x7 +res       0.190       0.152
     * 576 -> 160 @ 7x7            0.116       0.093
     * 160 -> 960 @ 7x7            0.197       0.172
     * 320 -> 1280 @ 7x7           0.525       0.458
     * 384 -> 64 @ 14x14 +res      0.128       0.128 (second run; the first layer of a run was still warming up)
     * 384 -> 64 @ 14x14           0.114       0.115
     * 576 -> 96 @ 14x14 +res      0.241       0.242
     * 384 -> 96 @ 14x14           0.160       0.161
     * 1024 -> 256 @ 14x14 +res    1.233       1.235
     * 256 -> 1024 @ 14x14         1.183       1.277
     * 96 -> 576 @ 14x14           0.243       0.278 (K < 256: POINTWISE, as the rule says)
     * </pre>
     * 7x7 planes: PIXEL_ROWS still 13-20% faster; 14x14 with K >= 256: ties within noise (one 8% the other way).
     * The rule is unchanged.
     *
     * <p>Session 5 (SqueezeNet's squeeze convs at 13x13): a pointwise layer on 65-196 pixels also needs at least
     * {@value #PIXEL_ROWS_MIN_POINTWISE_OUT} output channels per group; with 48 or 64 the transposed form's
     * per-value transpose and short B panels cost more than POINTWISE's padded pixel panel. {@code
     * AlgoPairedProbe} (1d-3d-conv test sources, alternated runs, Relu), one thread, median caller CPU time of 150
     * runs, load 14-16, ms, PIXEL_ROWS / POINTWISE: 256 -> 48 @ 13x13 0.062 / 0.050, 384 -> 48 @ 13x13 0.093 /
     * 0.076, 384 -> 64 @ 13x13 0.103 / 0.098, 512 -> 64 @ 13x13 0.142 / 0.133 (a second run 0.135 / 0.129),
     * 384 -> 64 @ 14x14 0.54 / 0.38 (scattered); from 96 channels ties: 384 -> 96 @ 14x14 0.163 / 0.163,
     * 576 -> 96 @ 14x14 0.247 / 0.256, 512 -> 128 @ 13x13 0.244 / 0.246, 1024 -> 256 @ 14x14 1.152 / 1.165,
     * 512 -> 1000 @ 13x13 2.18 / 2.10 (SqueezeNet's classifier, im2col 2.03: all within noise).
     *
     * <p>Session 5, 3-D (ResNet3D-10's strided 3x3x3 layers; {@code ConvPairedProbe}, caller CPU median / best of
     * 20, one thread, load 17), im2col vs PIXEL_ROWS, ms: 128 -> 256 3x3x3/2 @4x14x14 (98 outputs) 2.87 / 2.68 vs
     * 2.05 / 1.93; 256 -> 512 3x3x3/2 @2x7x7 (16 outputs) 2.99 / 2.53 vs 2.59 / 2.33; but a 1x1x1/2 128 -> 256
     * @4x14x14 0.46 / 0.41 vs 1.35 / 1.19. So 3-D layers follow the same plane rule when the kernel has more
     * than one tap.
     */
    static boolean pixelRows(ConvGeometry g) {
        boolean shape = g.rank() == 2 || g.rank() == 3 && g.kernelSize() > 1;
        if (!shape || g.outChannelsPerGroup() < 32 || g.isDepthwise()) {
            return false;
        }
        int plane = g.outputPlane();
        return plane <= 64 || plane <= 196 && (!g.isPointwise() || g.inChannelsPerGroup() >= 256
                && g.outChannelsPerGroup() >= PIXEL_ROWS_MIN_POINTWISE_OUT);
    }

    /** See {@link #pixelRows}: pointwise layers on 65-196 pixels with fewer output channels stay POINTWISE. */
    static final int PIXEL_ROWS_MIN_POINTWISE_OUT = 96;

    /**
     * Whether AUTO takes {@link #ROW_DIRECT} over im2col. Measured one thread, best-of thread CPU time of
     * {@link ConvKernel#run} (the machine was shared, load average 17-19 on 2 cores; CPU time is far less disturbed
     * than wall time there), "same" padding unless marked, ms:
     * <pre>
     * C -> M, kernel @ plane     im2col   ROW_DIRECT
     * 3 -> 16, 9x9 @ 800x800      98.4      58.1     (candy's stem)
     * 16 -> 3, 9x9 @ 720x720     320.2      58.2     (candy's head)
     * 32 -> 32, 9x9 @ 128x128     50.5      25.0
     * 16 -> 16, 5x5 @ 128x128      4.79      3.27
     * 3 -> 16, 5x5 @ 224x224       2.46      2.27
     * 3 -> 64, 7x7 @ 224x224      12.3      14.6     (im2col wins: M = 64 fills the GEMM tile)
     * 64 -> 3, 3x3 @ 224x224      14.3       6.6
     * 8 -> 8, 3x3 @ 224x224        2.01      1.00
     * 3 -> 32, 3x3 @ 224x224       1.40      1.98     (im2col wins)
     * 32 -> 3, 9x9 @ 232 valid   75.1      21.1     (style-transfer family head, after a reflect Pad)
     * 3 -> 32, 9x9 @ 232 valid   12.7      12.4     (its stem: a tie)
     * 16 -> 16, 5x5 @ 64x64        1.33      0.50
     * 16 -> 16, 5x5 @ 32x32        0.39      0.45     (short rows: no full 4-vector block)
     * 8 -> 16, 5x5 @ 14x14         0.06      0.05     (mnist-8: a tie)
     * </pre>
     * im2col's GEMM has M = output channels and K = C x kernel taps: with few output rows its register tile (6
     * rows) runs mostly empty, and a large kernel makes a column matrix of {@code C x k x k} floats per pixel that
     * is written and read once per output tile; the direct kernel reads the input in place (after one bordered copy)
     * and keeps 4 channels x 4 vectors of an output row in registers, which needs rows of at least 4 x 16 floats (the
     * rest of a row goes one vector and one channel at a time). Hence: output rows of at least 64, and at most 8 output
     * channels or a kernel of at least 25 taps with at most 32 output channels. 1-D convolutions stay on im2col (not
     * measured).
     */
    static boolean rowDirect(ConvGeometry g) {
        return g.rank() == 2 && g.outputDim(1) >= 64 && RowDirectConv.supports(g)
                && (g.outChannels() <= 8 || g.kernelSize() >= 25 && g.outChannels() <= 32);
    }

    /**
     * Which depthwise kernel AUTO runs (for {@code G == C}, {@code M/G < 6}): {@link #DEPTHWISE_BLOCKED} if there is
     * one output channel per input channel and the layer is strided (any axis) or its output rows are shorter than
     * 24; otherwise {@link #DEPTHWISE}.
     *
     * <p>Where and how measured: this project's machine (AMD EPYC Zen 4 VM, 2 cores, AVX-512, 16 lanes), one
     * thread, {@code dev.vinfer.bench.conv.DepthwiseKernels} (both kernels prepared on the same layer, 3x3 pad 1 with
     * a Clip(0, 6) epilogue unless marked, single {@link ConvKernel#run} calls alternated, median thread CPU time of
     * 800; load average 14-16 on the 2 cores, so absolute times are inflated, the ratios were stable), ms:
     * <pre>
     * channels@input/stride   DEPTHWISE  BLOCKED
     * 144@56/1                  0.248     0.275   (issue 3's layer: per-channel rows of 56 fill their vectors)
     * 32@112/1                  0.176     0.231
     * 128@56/1                  0.218     0.270
     * 192@28/1                  0.110     0.111   (a tie)
     * 256@28/1                  0.145     0.141   (a tie)
     * 384@14/1                  0.100     0.064
     * 576@14/1                  0.151     0.097
     * 512@14/1                  0.134     0.086
     * 960@7/1                   0.136     0.056
     * 96@112/2                  0.431     0.408
     * 144@56/2                  0.222     0.165
     * 192@28/2                  0.105     0.058
     * 256@28/2                  0.142     0.076
     * 576@14/2                  0.163     0.047
     * 512@14/2                  0.144     0.042
     * 512@7 7x7 unpadded        0.121     0.013   (MobileFaceNet's global depthwise, one output per channel)
     * </pre>
     * The blocked kernel pays two transposes per value (about 0.2 ns each) but no set-up per channel and no
     * partly filled vectors: it wins wherever the per-channel kernel's rows are short (below a vector, 14 or 7) or
     * strided (its stride-phase copy per channel); on long stride-1 rows the per-channel kernel already runs full
     * vectors straight from a padded copy, and the blocked kernel's two transposes cost more than that copy.
     * <p>Session 4: 2D 3x3 stride-1 pad-1 layers with output rows of at least 16 go to {@link #DEPTHWISE} first,
     * whose in-place path ({@code Backend.depthwise3x3Plane}: no padded copy, 3 loads per output vector) beat the
     * blocked kernel everywhere it applies. Same tool and machine, 600 alternated runs, load 15-20, median ms,
     * DEPTHWISE / BLOCKED: 144@56 0.124 / 0.325, 32@112 0.096 / 0.246, 192@28 0.042 / 0.095, 96@28 0.021 / 0.047,
     * 64@24 0.012 / 0.026, 128@20 0.020 / 0.033, 256@16 0.018 / 0.044. Likewise 3x3 stride-2 layers with pad 1
     * whose output rows are at least 16 and never reach the bottom/right padding (even inputs; the in-place
     * stride-2 path, {@code Backend.depthwise3x3s2Plane}), load 25: 96@112/2 0.189 / 0.391, 144@56/2 0.060 /
     * 0.145, 128@56/2 0.053 / 0.128.
     * Session 6: rows of 14 and 15 too ({@code DepthwiseConv.NARROW_MIN}; the vector backend's flat run over the
     * plane, {@code DepthwiseFlat3x3}), paired, load 17, DEPTHWISE / BLOCKED: 384@14 0.84, 576@14 0.79; 960@7 1.34,
     * so 7x7 stays blocked.
     * Planes whose padded extent passes {@value #BLOCKED_MAX_POSITIONS} positions (16 floats each per thread) stay
     * on {@link #DEPTHWISE}, which needs one padded channel plane.
     */
    /** Padded positions above which AUTO keeps a depthwise layer off the blocked kernel: 4 MiB of scratch. */
    static final int BLOCKED_MAX_POSITIONS = 65536;

    static ConvAlgorithm depthwise(ConvGeometry g) {
        if (!DEPTHWISE_BLOCKED.supports(g)) {
            return DEPTHWISE;
        }
        boolean strided = false;
        long padded = 1;
        for (int i = 0; i < g.rank(); i++) {
            strided |= g.stride(i) > 1;
            padded *= (long) (g.outputDim(i) - 1) * g.stride(i) + (long) (g.kernel(i) - 1) * g.dilation(i) + 1;
        }
        if (padded > BLOCKED_MAX_POSITIONS) {
            return DEPTHWISE; // its per-thread interleaved plane would pass 4 MiB (e.g. a long strided 1-D signal)
        }
        Shape3 s = Shape3.of(g);
        if (DepthwiseConv.inPlace3x3(s) || DepthwiseConv.inPlace3x3s2(s)) {
            return DEPTHWISE; // 3x3 s1/s2 p1 rows of 16 or more: read in place, 2-2.6x the blocked kernel (session 4)
        }
        return strided || g.outputDim(g.rank() - 1) < 24 ? DEPTHWISE_BLOCKED : DEPTHWISE;
    }

    /**
     * The Winograd variant AUTO picks, or null to stay with im2col.
     *
     * <p>Where and how measured: on this project's machine (AMD EPYC Zen 4 VM, 2 cores, AVX-512), one thread, with
     * every algorithm forced on the issue-3 benchmark layers, timed both by JMH ({@code ConvLayerBench -p algo=...},
     * see bench/README.md) and by best-of-N thread CPU time of {@link ConvKernel#run} (less disturbed by the other
     * builds that shared the machine: load average 10-15 on 2 cores during all of these measurements, so the
     * absolute times are inflated; the rules rest on the ordering, which was stable). Best-of CPU times, ms:
     * <pre>
     * layer                      im2col   F(2,3)  F(4,3)  F(6,3)
     * 3x3 64->64 @56x56            3.71     2.62    1.98    2.31
     * 3x3 256->256 @14x14          2.87     1.76    2.30    4.06
     * k3 256->256 @4000 (1D)      16.8     14.7    12.5    13.6
     * 3x3x3 64->64 @8x28x28       23.5     13.0    12.4    36.0
     * </pre>
     * <ul>
     * <li>Winograd pays only with enough channels on both sides: its transforms cost per (tile, channel) what the
     * GEMM saves per (tile, channel pair); C/G and M/G must both be at least 16 (a 3->64 stem stays on im2col: 3
     * input channels leave nothing to save; the threshold itself is a round number below every layer where
     * Winograd won, not a measured crossover);</li>
     * <li>F(4,3) was fastest on the large planes: half (1D) to a quarter (2D) of im2col's multiplications with the
     * transforms still cheap;</li>
     * <li>F(2,3) when the output rows are very short (W output below 10 in 2D/3D, e.g. ResNet's 7x7 planes): F(4,3)
     * covers a 7x7 plane with 4 tiles, so each of its 36 transformed weight matrices (36 MB for 512->512) is read
     * for a single 6-row GEMM tile, and the last tile of each row is mostly padding; F(2,3) has 16 tiles against 16
     * matrices. (Session 2 drew this line at 24, which put @14x14 on F(2,3) too: see the session-3 table
     * below.)</li>
     * <li>F(6,3) never won (its 8-point transforms cost more than the extra saving, most of all in 3D, and it is the
     * least accurate); it can be forced.</li>
     * </ul>
     * Re-checked after the Winograd layouts changed (vectorized phase split, tiles as GEMM rows for short strips,
     * output-channel blocks over threads): best of several hundred runs per variant, alternated in one JVM
     * ({@code ConvKernel.run}, one thread, load average 15-20 on 2 cores), ms:
     * <pre>
     * layer                      F(2,3)  F(4,3)
     * 3x3 256->256 @14x14          1.80    2.02
     * 3x3 512->512 @7x7            2.91    3.14
     * 3x3x3 64->64 @8x28x28       12.8    11.0
     * </pre>
     * so the rules above stand (F(4,3) for the 3D layer now wins: its 16-tile strips no longer waste half of every
     * GEMM column panel).
     *
     * <p>Re-checked in session 3, after the padding slots were dropped from short strips (a 14x14 plane is 16 F(4,3)
     * tiles, 3 GEMM row tiles instead of 4) and the input transform went to channel blocks: thread CPU time of
     * {@link ConvKernel#run} (bias + Relu), median and best of 200 runs, one thread, with every run on cold caches
     * (64 MiB written in between, as in a whole network where each layer reads its weights from memory),
     * {@code ConvPairedProbe} with {@code -Dprobe.flush=true}, load average 10-13 on the 2 cores, ms:
     * <pre>
     * layer                      F(2,3)        F(4,3)        im2col
     * 3x3 256->256 @14x14        1.92 / 1.76   1.79 / 1.70
     * 3x3 512->512 @7x7          2.45 / 2.31   2.60 / 2.41   3.82 / 3.62   (F(4,3) warm caches)
     * </pre>
     * and with warm caches 256@14 F(2,3) 1.75 / 1.48, F(4,3) 1.67 / 1.36; two threads (wall best, cold) 1.19 and
     * 1.10. So @14x14 now takes F(4,3); the line at 10 lies between the measured 7 and 14 (12x12 would be 9 exact
     * F(4,3) tiles, 10x10 is 9 tiles covering 12, close to F(2,3)'s 25 tiles in GEMM work).
     *
     * <p>Session 4: 2-D planes of at most 16 tiles (with AVX-512) now run {@link SmallPlaneWinograd} for either
     * variant (the choice between them is unchanged): per block of 32 output channels all tiles' products at once,
     * each transformed weight streamed from memory once, the output transform right after. Measured with
     * {@code ConvPairedProbe} (session-3 build and this one alternated in one JVM, bias + Relu, 150 runs each, load
     * average 15-16 on the 2 cores), one thread caller CPU median / best, two threads wall best, ms:
     * <pre>
     * layer                      before (WinogradConv)    after (SmallPlaneWinograd)
     * 3x3 512->512 @7x7, F(2,3)    2.45 / 2.17, 2T 1.15     1.87 / 1.69, 2T 0.82
     * 3x3 256->256 @14x14, F(4,3)  1.74 / 1.39, 2T 0.74     1.22 / 1.02, 2T 0.51
     * </pre>
     * With F(2,3) on 14x14 (49 tiles) the general kernel would run; F(4,3) there is the 16-tile small-plane kernel,
     * so the line at 10 stands and now favours F(4,3) at 14x14 by more than before.
     */
    static ConvAlgorithm winograd(ConvGeometry g) {
        if (!WinogradConv.supports(g) || g.inChannelsPerGroup() < 16 || g.outChannelsPerGroup() < 16) {
            return null;
        }
        int outW = g.outputDim(g.rank() - 1);
        ConvAlgorithm w = g.rank() > 1 && outW < 10 ? WINOGRAD_F2_3 : WINOGRAD_F4_3;
        return w.supports(g) ? w : null;
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
