package dev.vinfer.conv;

import static dev.vinfer.conv.ConvAlgorithm.DEPTHWISE;
import static dev.vinfer.conv.ConvAlgorithm.DEPTHWISE_BLOCKED;

/**
 * Which depthwise kernel {@link ConvAlgorithm#choose AUTO} runs: {@link ConvAlgorithm#DEPTHWISE} or
 * {@link ConvAlgorithm#DEPTHWISE_BLOCKED}, with the measurements the rule rests on.
 */
final class AutoDepthwiseRule {
    private AutoDepthwiseRule() {
    }

    /**
     * Which depthwise kernel AUTO runs (for {@code G == C}, {@code M/G < 6}): {@link ConvAlgorithm#DEPTHWISE_BLOCKED}
     * if there is one output channel per input channel and the layer is strided (any axis) or its output rows are
     * shorter than 24; otherwise {@link ConvAlgorithm#DEPTHWISE}.
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
     * <p>Session 4: 2D 3x3 stride-1 pad-1 layers with output rows of at least 16 go to {@link ConvAlgorithm#DEPTHWISE}
     * first, whose in-place path ({@code Backend.depthwise3x3Plane}: no padded copy, 3 loads per output vector) beat
     * the blocked kernel everywhere it applies. Same tool and machine, 600 alternated runs, load 15-20, median ms,
     * DEPTHWISE / BLOCKED: 144@56 0.124 / 0.325, 32@112 0.096 / 0.246, 192@28 0.042 / 0.095, 96@28 0.021 / 0.047,
     * 64@24 0.012 / 0.026, 128@20 0.020 / 0.033, 256@16 0.018 / 0.044. Likewise 3x3 stride-2 layers with pad 1
     * whose output rows are at least 16 and never reach the bottom/right padding (even inputs; the in-place
     * stride-2 path, {@code Backend.depthwise3x3s2Plane}), load 25: 96@112/2 0.189 / 0.391, 144@56/2 0.060 /
     * 0.145, 128@56/2 0.053 / 0.128.
     * Session 6: rows of 14 and 15 too ({@code DepthwiseConv.NARROW_MIN}; the vector backend's flat run over the
     * plane, {@code DepthwiseFlat3x3}), paired, load 17, DEPTHWISE / BLOCKED: 384@14 0.84, 576@14 0.79; 960@7 1.34,
     * so 7x7 stays blocked.
     * Session 9: 3x3 stride-2 pad-1 layers with output rows of 7 to 15 go to {@link ConvAlgorithm#DEPTHWISE} too
     * ({@code DepthwiseConv.NARROW_S2_MIN}; the vector backend's masked narrow strip, one vector per output row),
     * ConvPairedProbe against the blocked kernel, CPU-time medians, load 3-5, relu6, ms BLOCKED / DEPTHWISE: one
     * thread 192@28/2 0.061 / 0.023, 576@14/2 0.041 / 0.035; cold ({@code -Dprobe.rotate=8}) 192@28/2 0.123 /
     * 0.047, 576@14/2 0.069 / 0.037, 144@28/2 0.038 / 0.016; two threads 192@28/2 0.59 / 0.027 (caller CPU),
     * 576@14/2 0.050 / 0.040. (Two output rows of 7 per vector, by computed two-source permutes, measured 1.1x
     * slower than one row per vector and were left out.)
     * Planes whose padded extent passes {@value #BLOCKED_MAX_POSITIONS} positions (16 floats each per thread) stay
     * on {@link ConvAlgorithm#DEPTHWISE}, which needs one padded channel plane.
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
            return DEPTHWISE; // 3x3 s1/s2 p1 rows of 16 or more (s1 14+, s2 7+): read in place (sessions 4, 6, 9)
        }
        return strided || g.outputDim(g.rank() - 1) < 24 ? DEPTHWISE_BLOCKED : DEPTHWISE;
    }
}
