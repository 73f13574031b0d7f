package dev.vinfer.conv;

import static dev.vinfer.conv.ConvAlgorithm.STEM_DIRECT;

/** When {@link ConvAlgorithm#choose AUTO} takes {@link ConvAlgorithm#STEM_DIRECT}, with the measurements it rests on. */
final class AutoStemDirectRule {
    private AutoStemDirectRule() {
    }

    /**
     * Whether AUTO takes {@link ConvAlgorithm#STEM_DIRECT} for a layer {@link AutoImplicitIm2colRules#implicitIm2col}
     * accepted (one group, at most 4 input channels, at least 16 output channels, at least 1024 output pixels): a 2-D
     * kernel of 3x3 to 7x7 with stride 2 on both axes and dilation 1, the networks' stems. Session 9, {@code
     * ConvPairedProbe} (two builds alternated in one JVM: main's IMPLICIT_IM2COL against STEM_DIRECT, bias + the
     * layer's activation), one thread, caller CPU median / best of 200, load average 5 on the 2 cores, warm caches,
     * ms:
     * <pre>
     * C -> M, kernel @ input (stride 2)      IMPLICIT_IM2COL   STEM_DIRECT
     * 3 -> 64, 7x7 p3 @ 224x224 (ResNet)     2.450 / 2.305     2.350 / 2.214   (0.96)
     * 3 -> 32, 3x3 p1 @ 224x224, Relu6       0.339 / 0.329     0.289 / 0.280   (0.85, MobileNetV2)
     * 3 -> 64, 3x3 p0 @ 224x224 (SqueezeNet) 0.539 / 0.509     0.496 / 0.478   (0.92)
     * </pre>
     * With the output rotated over 8 copies (cold, as inside a network: {@code -Dprobe.rotate=8}; 300 runs, load 4):
     * 2.401 / 2.329 -> 2.319 / 2.259 (0.97), 0.386 / 0.356 -> 0.345 / 0.326 (0.89), 0.603 / 0.552 -> 0.611 / 0.552
     * (1.01: the 3.2 MB output's stores bound it). Whole models one thread (bench's {@code SwitchPairedComparison}
     * with {@code vinfer.stemDirect false true}, CPU medians):
     * ResNet-18 0.992, MobileNetV2 0.997, SqueezeNet 1.1 1.002, ResNet-50 1.001. Other kernels, strides and stride
     * 1 were not measured and stay on IMPLICIT_IM2COL.
     */
    static boolean stemDirect(ConvGeometry g) {
        // -Dvinfer.stemDirect=false leaves these layers on IMPLICIT_IM2COL (read when a kernel is prepared, so that
        // a benchmark can open a session either way in one JVM: bench's SwitchPairedComparison)
        if (!Boolean.parseBoolean(System.getProperty("vinfer.stemDirect", "true"))) {
            return false;
        }
        if (g.rank() != 2 || g.group() != 1 || g.inChannels() > 4) {
            return false;
        }
        for (int d = 0; d < 2; d++) {
            if (g.kernel(d) < 3 || g.kernel(d) > 7 || g.stride(d) != 2 || g.dilation(d) != 1) {
                return false;
            }
        }
        return STEM_DIRECT.supports(g);
    }

    /**
     * Whether AUTO takes {@link ConvAlgorithm#STEM_DIRECT} for a layer it would otherwise give to
     * {@link ConvAlgorithm#IMPLICIT_IM2COL}, {@link ConvAlgorithm#ROW_DIRECT} or (1-D, 3-D, or 2-D planes of 64+
     * pixels) {@link ConvAlgorithm#IM2COL}: a one-group stride-1 layer of any rank with at most
     * {@link #MAX_OUTPUT_CHANNELS} output channels. The implicit GEMM's tile is 6 output channels by whole
     * vectors of pixels with its panels packed per call; the direct kernel reads the padded input in place and keeps
     * its accumulators over every tap, which pays where few output channels give the GEMM little to amortize its
     * packing over. Session 40, {@code AlgoPairedProbe T N implicit_im2col,stem_direct,row_direct ...} (bias + Relu,
     * wall ms, median; the same Zen 5 VM, taskset), C -> M, kernel @ input (pad; "same" unless given):
     * <pre>
     * layer                                  one thread: implicit / stem / row    two threads: implicit / stem / row
     * 1 -> 6, 5x5 @ 32x32 (0) LeNet-5        0.007 / 0.004                        0.008 / 0.006
     * 6 -> 16, 5x5 @ 14x14 (0) LeNet-5       0.009 / 0.006                        0.012 / 0.010
     * 3 -> 32, 3x3 @ 32x32                   0.012 / 0.012                        0.020 / 0.019
     * 8 -> 16, 3x3 @ 28x28                   0.022 / 0.014                        0.023 / 0.015
     * 16 -> 32, 5x5 @ 28x28                  0.156 / 0.123                        0.113 / 0.083
     * 32 -> 32, 3x3 @ 28x28                  0.119 / 0.093                        0.097 / 0.077
     * 8 -> 8, 3x3 @ 224x224                  0.522 / 0.406 / 0.658                0.563 / 0.577 / 1.499
     * 3 -> 16, 5x5 @ 224x224                 0.773 / 0.682 / 1.245                0.501 / 0.392 / 0.897
     * 16 -> 16, 5x5 @ 128x128                1.254 / 1.277 / 1.424                0.803 / 0.636 / 0.906
     * 64 -> 3, 3x3 @ 224x224                 7.712 / 6.503 / 7.538                -
     * 3 -> 32, 9x9 @ 232x232 (0) style stem  4.288 / 4.016 / 7.845                2.328 / 2.039 / 4.615
     * 32 -> 3, 9x9 @ 232x232 (0) style head  20.96 / 10.06 / 11.32                11.74 / 5.792 / 6.365
     * with 64 output channels, not taken:
     * 8 -> 64, 3x3 @ 56x56                   0.174 / 0.181                        0.119 / 0.126
     * 16 -> 64, 3x3 @ 28x28                  0.096 / 0.090                        -
     * 32 -> 64, 5x5 @ 28x28                  0.508 / 0.482                        -
     * 64 -> 192, 5x5 @ 27x27                 2.394 / 2.674                        -
     * </pre>
     * 1-D layers of the same kind, which AUTO had left to im2col (or, with at most 4 input channels on 1024+
     * outputs, to implicit im2col), C -> M, kernel @ length, same padding, columns AUTO / implicit / direct:
     * <pre>
     * layer                                  one thread                           two threads
     * 8 -> 16, 9 @ 4000                      0.093 / 0.061 / 0.056                0.105 / 0.091 / 0.059
     * 16 -> 32, 5 @ 4000                     0.171 / 0.115 / 0.114                0.150 / 0.109 / 0.141
     * 32 -> 1, 9 @ 4000                      0.235 / 0.172 / 0.097                0.168 / 0.176 / 0.112
     * 1 -> 16, 9 @ 16000 (AUTO: implicit)    0.055 / 0.055 / 0.042                0.064 / 0.066 / 0.044
     * 64 -> 32, 7 @ 1000                     0.228 / 0.147 / 0.141                0.199 / 0.160 / 0.160
     * 3 -> 8, 7 @ 1000                       0.009 / 0.005 / 0.003                -
     * </pre>
     * (On a 1-D layer the direct kernel's tasks are output rows, so it runs on one thread; these layers did not
     * gain from a second one on any path.) And 3-D layers, which AUTO had left to im2col or (few input channels)
     * implicit im2col; the first two are MeshNet's (the 3-D segmentation sample: 5 channels, dilations 1-16):
     * <pre>
     * layer                                  one thread                           two threads
     * 5 -> 5, 3x3x3 dil 2 @ 64x64x64         14.94 / 6.751 / 4.159                8.563 / 3.739 / 2.478
     * 5 -> 5, 3x3x3 dil 8 @ 64x64x64         14.66 / 7.965 / 4.750                8.198 / 4.603 / 2.753
     * 1 -> 5, 3x3x3 @ 64x64x64               1.867 / 1.639 / 1.185                1.281 / 0.879 / 0.661
     * 32 -> 2, 3x3x3 @ 16x32x32              7.153 / 2.318 / 1.354                3.808 / 1.194 / 0.711
     * 8 -> 8, 3x3x3 @ 16x32x32               2.016 / 0.439 / 0.359                1.003 / 0.236 / 0.172
     * 16 -> 32, 3x3x3 @ 8x16x16              1.018 / 0.426 / 0.313                0.943 / 0.404 / 0.319
     * 16 -> 16, 3x3x3 @ 8x16x16              0.503 / 0.292 / 0.189                0.431 / 0.224 / 0.150
     * 1 -> 16, 3x3x3 @ 32x64x64 (implicit)   0.937 / 0.924 / 0.759                0.511 / 0.508 / 0.378
     * </pre>
     * Not measured, so left as they were: strides above 1 (other than the stems above), groups, and layers AUTO
     * puts on Winograd.
     * {@code -Dvinfer.directForFewOutputs=false} keeps the earlier choices (read when a kernel is prepared).
     */
    static boolean fewOutputChannels(ConvGeometry g) {
        if ("false".equals(System.getProperty("vinfer.directForFewOutputs"))) {
            return false;
        }
        if (g.group() != 1 || g.outChannels() > MAX_OUTPUT_CHANNELS) {
            return false;
        }
        for (int d = 0; d < g.rank(); d++) {
            if (g.stride(d) != 1) {
                return false;
            }
        }
        return STEM_DIRECT.supports(g);
    }

    /** See {@link #fewOutputChannels}: at 64 output channels the implicit GEMM was as fast or faster. */
    static final int MAX_OUTPUT_CHANNELS = 32;
}
