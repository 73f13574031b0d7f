package dev.vinfer.conv;

import static dev.vinfer.conv.ConvAlgorithm.IMPLICIT_IM2COL;
import static dev.vinfer.conv.ConvAlgorithm.WINOGRAD_DEPTH;

/**
 * When {@link ConvAlgorithm#choose AUTO} takes {@link ConvAlgorithm#IMPLICIT_IM2COL}: few input channels on large
 * planes ({@link #implicitIm2col}, including the 3x3 layers with 5-15 input channels, below Winograd,
 * {@link #fewChannels3x3}; there {@link ConvAlgorithm#WINOGRAD_DEPTH} for 7-deep 3-D kernels,
 * {@link #depthWinograd}), and strided 3x3 / 3x3x3 layers on planes too large for the pixel-rows GEMM
 * ({@link #stride2Implicit}, {@link #stride2Implicit3d}). Each rule carries the measurements it rests on.
 */
final class AutoImplicitIm2colRules {
    private AutoImplicitIm2colRules() {
    }

    /**
     * Whether AUTO takes {@link ConvAlgorithm#IMPLICIT_IM2COL} for a 3x3 stride-2 2-D convolution with one group, at
     * least 16 input channels and K = C x 9 at most 2304, whose output plane is too large for {@link
     * ConvAlgorithm#PIXEL_ROWS} (checked before): ResNet's strided 3x3 at 56x56 -> 28x28. There im2col paid for a
     * stride-phase copy of the input, the column matrix and the GEMM's packing of it (71 GFLOP/s in ResNet-50); the
     * implicit form copies the input once and fills its GEMM panels straight from it. Session 5, {@code
     * ConvPairedProbe} with the algorithms alternated in one JVM ({@code dir@algorithm}), bias + Relu, pad 1, one
     * thread, caller CPU median / best of 60 (40 for the last four), load average 12-21 on the 2 cores, ms:
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
     * Whether AUTO takes {@link ConvAlgorithm#IMPLICIT_IM2COL} for a 3-D 3x3x3 stride-2 dilation-1 convolution with one
     * group and at least 16 input channels whose output is too large for {@link ConvAlgorithm#PIXEL_ROWS} (checked
     * before), the 3-D counterpart of {@link #stride2Implicit}. Session 6, {@code ConvPairedProbe} with the algorithms
     * alternated ({@code dir@algorithm}), bias + Relu, pad 1, one thread, caller CPU median / best of 60, load 13-17,
     * ms: ResNet3D-10's 64 -> 128 @ 8x28x28 (4x14x14 out) im2col 6.29 / 5.62, IMPLICIT_IM2COL 4.70 / 4.35,
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
     * Whether AUTO takes {@link ConvAlgorithm#IMPLICIT_IM2COL} (before {@link ConvAlgorithm#ROW_DIRECT} and im2col):
     * one group, at most 4 input channels, at least 16 output channels, at least 1024 output pixels, K = C x taps at
     * most 1536, and not a kernel of more than 49 taps that ROW_DIRECT would take. Measured on this project's machine
     * (Zen 4 VM, 2 cores, AVX-512), one thread, kernels alternated in one JVM ({@code ConvKernel.run} with bias and
     * ReLU, best of 8-200 runs; thread CPU time where the load average, 10-14 during these runs, inflated the wall
     * times), ms:
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
                && g.reductionLength() <= 1536 && !(g.kernelSize() > 49 && AutoRowDirectRule.rowDirect(g))
                || fewChannels3x3(g)) && IMPLICIT_IM2COL.supports(g);
    }

    /**
     * Whether AUTO runs a layer that {@link ConvAlgorithm#choose(ConvGeometry)} left to im2col (the last resort) on
     * {@link ConvAlgorithm#IMPLICIT_IM2COL} instead: a 2-D layer (any groups) that it supports, with at least
     * {@link #MIN_PIXELS} output pixels. The rule of {@link #implicitIm2col} was measured on large planes with few
     * input channels (Zen 4); on this Zen 5 the implicit GEMM beat the plain im2col path on every 2-D layer tried, the
     * column matrix's write and re-read and the bias pass being a third of im2col's time on small layers. Session 39,
     * {@code AlgoPairedProbe T N im2col,implicit_im2col ...} (bias + Relu, wall ms):
     * <pre>
     * C -> M, kernel @ input (pad)          one thread        two threads
     * 1 -> 6, 5x5 @ 32x32 (0)  LeNet-5      0.008 / 0.007     0.010 / 0.033   (now on one thread: SERIAL_MACS)
     * 6 -> 16, 5x5 @ 14x14 (0) LeNet-5      0.018 / 0.009     0.016 / 0.012
     * 16 -> 32, 5x5 @ 28x28 (2)             0.301 / 0.150     0.161 / 0.095
     * 64 -> 192, 5x5 @ 27x27 (2)            2.97 / 2.37       1.72 / 1.48
     * 192 -> 384, 3x3 @ 13x13 (1)           1.54 / 1.33       0.93 / 0.98
     * 384 -> 256, 3x3 @ 13x13 (1)           2.50 / 2.02       1.75 / 1.43
     * 512 -> 512, 3x3 @ 7x7 (1)             3.63 / 2.58       1.69 / 2.21     (49 pixels: below MIN_PIXELS)
     * 64 -> 64, 3x3/2 @ 56x56 (1)           1.20 / 0.72       -
     * 96 -> 256, 5x5 @ 27x27 (2), 2 groups  4.84 / 2.99       2.33 / 1.69     (AlexNet's grouped layers)
     * 384 -> 384, 3x3 @ 13x13 (1), 2 groups 2.64 / 1.72       1.41 / 1.10
     * 384 -> 256, 3x3 @ 13x13 (1), 2 groups 2.07 / 1.21       1.04 / 0.79
     * </pre>
     * The choice does not depend on the thread count, so a model gives the same bits on any number of threads (the
     * tiny layers that two threads ran slower now run on one, {@code ImplicitIm2colConv.SERIAL_MACS}).
     * {@code -Dvinfer.implicitForIm2col=false} keeps im2col (read when a layer is prepared).
     */
    static boolean insteadOfIm2col(ConvGeometry g) {
        return g.rank() == 2 && g.outputPlane() >= MIN_PIXELS && IMPLICIT_IM2COL.supports(g)
                && !"false".equals(System.getProperty("vinfer.implicitForIm2col"));
    }

    /**
     * See {@link #insteadOfIm2col}: planes under 8x8 keep im2col, where at two threads each thread's share of the
     * pixels read all of the weights (a 7x7 plane: 1.3x im2col's time).
     */
    static final int MIN_PIXELS = 64;

    /**
     * Whether AUTO takes {@link ConvAlgorithm#WINOGRAD_DEPTH} for a layer {@link #implicitIm2col(ConvGeometry)}
     * accepted: a 3-D kernel 7 deep, depth stride and dilation 1 (F(4,7): 10 GEMMs of K = C x kH x kW per 4 output
     * depths instead of 4 of K = 7 C x kH x kW, 36% of the multiplications). Session 6, {@code ConvPairedProbe} (two
     * builds alternated in one JVM, bias + Relu, one thread, caller CPU median / best of 40-60, load 10-21), ms:
     * ResNet3D-10's stem 3 -> 64, 7x7x7 stride (1, 2, 2) pad 3 @ 16x112x112: IMPLICIT_IM2COL 68.6 / 67.7; F(2,7) 47.4 /
     * 45.9 (0.69), then 46.9 / 45.3 against F(4,7) 32.9 / 31.5 (0.70 of F(2,7), about 0.48 of IMPLICIT_IM2COL).
     * Not taken for 3-deep kernels: F(2,3) leaves 4 GEMMs of K = 27 per 2 depths on the 3x3x3 3 -> 64 @ 16x112x112
     * stem, whose transforms and packing then weigh more than the saved multiplications (27.1 / 25.3 against
     * 22.9 / 22.2). 5-deep kernels were not measured.
     */
    static boolean depthWinograd(ConvGeometry g) {
        return g.rank() == 3 && g.kernel(0) == 7 && WINOGRAD_DEPTH.supports(g);
    }

    /**
     * The fewest input channels per group at which AUTO runs a 3x3 stride-1 layer of 256+ pixels on Winograd (24 in
     * sessions 5-8; 16, Winograd's own minimum, since session 9: see {@link #fewChannels3x3}).
     */
    static final int WINOGRAD_MIN_INPUT_CHANNELS = 16;

    /**
     * Whether a layer is a 2-D 3x3 stride-1 dilation-1 convolution of one group with 5 to
     * {@value #WINOGRAD_MIN_INPUT_CHANNELS}-1 input channels, at least 16 output channels and an output plane of at
     * least 256 pixels: AUTO runs it as {@link ConvAlgorithm#IMPLICIT_IM2COL} (K = 45-135), not im2col (Winograd takes
     * 16 input channels and more). Sessions 5-8 kept 16-23 channels here too, reasoning that Winograd's GEMMs then have
     * K = C (16), so each transformed
     * output value costs about as much to transform back as it cost to compute, and its transformed output (36 x M x
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
     *
     * <p>Session 9: the 16-23-channel layers go back to Winograd. Session 8 had found the probes split by cache state
     * (16 -> 64 @ 55x55 warm F(4,3) 0.471 against implicit 0.612, cold 0.772 against 0.652; @ 27x27 warm 0.142 /
     * 0.155), so it was measured inside the network: SqueezeNet 1.1 with its fire 2/3 expands on F(4,3) against
     * implicit im2col, two sessions alternated in one JVM (bench's {@code SwitchPairedComparison}, one thread, CPU
     * median of 200 pairs, load 4-5): 0.941 (IQR 0.919..0.961) and, in the other order, 1.054 for implicit (1.038..
     * 1.072), 6% of the whole model. At two threads the same run read 1.019 (0.981..1.065) under that load: a tie.
     * So inside a network these layers behave as the warm probe said; 5-15 input channels (below Winograd's minimum)
     * keep this rule.
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
}
