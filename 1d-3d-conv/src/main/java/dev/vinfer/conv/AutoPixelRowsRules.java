package dev.vinfer.conv;

import static dev.vinfer.conv.ConvAlgorithm.CHANNELS_LAST;

/**
 * When {@link ConvAlgorithm#choose AUTO} takes the pixel-rows GEMM (output pixels as the GEMM's rows): on small
 * output planes ({@link #pixelRows}, as {@link ConvAlgorithm#PIXEL_ROWS}) and, on a channels-last copy of the
 * input, for ResNet's strided 3x3 layers ({@link #channelsLast}, as {@link ConvAlgorithm#CHANNELS_LAST}). Each rule
 * carries the measurements it rests on.
 */
final class AutoPixelRowsRules {
    private AutoPixelRowsRules() {
    }

    /**
     * Whether AUTO takes {@link ConvAlgorithm#CHANNELS_LAST}: a 2-D 3x3 convolution of one group, stride 2 on both
     * axes, dilation 1, 16 to 512 input channels and at least 32 output channels (ResNet's strided 3x3 layers).
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
     * Whether AUTO takes {@link ConvAlgorithm#PIXEL_ROWS} (pixels as the GEMM's rows) over {@link
     * ConvAlgorithm#POINTWISE} / {@link ConvAlgorithm#IM2COL} (pixels as its 32-wide vector columns). Measured one
     * thread, best of 60 (40 for kernels needing im2col) thread-CPU times of {@link ConvKernel#run} with the two
     * algorithms alternated in one JVM, 16-lane vectors (AVX-512), Relu epilogue, the machine shared (load average
     * 12-13 on 2 cores; CPU time is far less disturbed than wall time there), ms:
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
}
