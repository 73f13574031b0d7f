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
}
