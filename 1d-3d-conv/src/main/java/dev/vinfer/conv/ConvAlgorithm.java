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
    /** A 1x1, stride-1, unpadded convolution as one GEMM per group, straight on the input (no im2col). */
    POINTWISE,
    /**
     * A direct per-channel kernel for {@code G == C} (each output channel reads one input channel; M may be a
     * multiple of C), any kernel, stride, dilation and rank; vectorized along output rows where the stride is 1.
     */
    DEPTHWISE,
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
     * im2col (or, for a pointwise kernel, the input itself) + GEMM in transposed form, output pixels as the GEMM's
     * rows and output channels as its vector columns, written back to the channel-major output with the epilogue
     * ({@link PixelRowsConv}): any forward convolution; for small output planes.
     */
    PIXEL_ROWS;

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
            case POINTWISE -> g.isPointwise();
            case DEPTHWISE -> g.isDepthwise();
            case GEMM_COL2IM -> false;
            case WINOGRAD_F2_3 -> WinogradConv.supports(g, 2);
            case WINOGRAD_F4_3 -> WinogradConv.supports(g, 4);
            case WINOGRAD_F6_3 -> WinogradConv.supports(g, 6);
            case ROW_DIRECT -> RowDirectConv.supports(g);
        };
    }

    /** Whether this algorithm can compute the transposed convolution {@code g}. */
    public boolean supports(ConvTransposeGeometry g) {
        return this == AUTO || this == DIRECT || this == GEMM_COL2IM;
    }

    /**
     * The algorithm AUTO runs for a forward convolution, a pure function of the geometry:
     * <ol>
     * <li>{@link #DEPTHWISE} if {@code G == C} and {@code M/G < 6}: a GEMM of K = kernel size per channel would be
     * mostly packing overhead, and with fewer than 6 rows (the micro-kernel's MR) its register tile runs mostly
     * empty, while the direct kernel reads each input row a few times and needs no buffer. (A single-channel input
     * with many output channels, like an audio front end {@code 1->128}, is a real GEMM and goes on below.)</li>
     * <li>else, if the kernel is 1x1 with stride 1 and no padding, {@link #PIXEL_ROWS} on small output planes
     * ({@link #pixelRows(ConvGeometry)}), otherwise {@link #POINTWISE}: the input already is the GEMM's B matrix,
     * so im2col would only copy it;</li>
     * <li>else Winograd if it applies (3-tap kernels, stride 1, dilation 1) and the layer has enough channels:
     * {@link #winograd(ConvGeometry)} (ahead of PIXEL_ROWS: on ResNet's 3x3 512->512 @7x7 F(2,3) took 2.76 ms,
     * PIXEL_ROWS 2.83, im2col 3.74; @14x14 256->256 F(2,3) 1.73, PIXEL_ROWS 2.70);</li>
     * <li>else {@link #PIXEL_ROWS} on small output planes: {@link #pixelRows(ConvGeometry)};</li>
     * <li>else {@link #ROW_DIRECT} for a 2-D one-group stride-1 convolution with odd kernels and few output
     * channels or a large kernel: {@link #rowDirect(ConvGeometry)};</li>
     * <li>else {@link #IM2COL}, which handles every geometry.</li>
     * </ol>
     */
    public static ConvAlgorithm choose(ConvGeometry g) {
        if (g.isDepthwise() && g.outChannelsPerGroup() < 6) {
            return DEPTHWISE;
        }
        if (g.isPointwise()) {
            return pixelRows(g) ? PIXEL_ROWS : POINTWISE;
        }
        ConvAlgorithm w = winograd(g);
        if (w != null) {
            return w;
        }
        if (pixelRows(g)) {
            return PIXEL_ROWS;
        }
        return rowDirect(g) ? ROW_DIRECT : IM2COL;
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
     */
    static boolean pixelRows(ConvGeometry g) {
        if (g.rank() != 2 || g.outChannelsPerGroup() < 32 || g.isDepthwise()) {
            return false;
        }
        int plane = g.outputPlane();
        return plane <= 64 || plane <= 196 && (!g.isPointwise() || g.inChannelsPerGroup() >= 256);
    }

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
     * <li>F(2,3) when the output rows are short (W output below 24 in 2D/3D, e.g. @14x14): each tile row carries one
     * padding column and the GEMM's 32-column panels run partly empty, so the larger tile loses more than it
     * saves;</li>
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
     */
    static ConvAlgorithm winograd(ConvGeometry g) {
        if (!WinogradConv.supports(g) || g.inChannelsPerGroup() < 16 || g.outChannelsPerGroup() < 16) {
            return null;
        }
        int outW = g.outputDim(g.rank() - 1);
        ConvAlgorithm w = g.rank() > 1 && outW < 24 ? WINOGRAD_F2_3 : WINOGRAD_F4_3;
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
