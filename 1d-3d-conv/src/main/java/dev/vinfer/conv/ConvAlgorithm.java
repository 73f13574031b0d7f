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
    GEMM_COL2IM;

    /** Whether this algorithm can compute the forward convolution {@code g}. */
    public boolean supports(ConvGeometry g) {
        return switch (this) {
            case AUTO, DIRECT, IM2COL -> true;
            case POINTWISE -> g.isPointwise();
            case DEPTHWISE -> g.isDepthwise();
            case GEMM_COL2IM -> false;
        };
    }

    /** Whether this algorithm can compute the transposed convolution {@code g}. */
    public boolean supports(ConvTransposeGeometry g) {
        return this == AUTO || this == DIRECT || this == GEMM_COL2IM;
    }

    /**
     * The algorithm AUTO runs for a forward convolution, a pure function of the geometry:
     * <ol>
     * <li>{@link #DEPTHWISE} if {@code G == C}: a GEMM of K = kernel size per channel would be mostly packing
     * overhead, while the direct kernel reads each input row a few times and needs no buffer;</li>
     * <li>else {@link #POINTWISE} if the kernel is 1x1 with stride 1 and no padding: the input already is the
     * GEMM's B matrix, so im2col would only copy it;</li>
     * <li>else {@link #IM2COL}, which handles every geometry.</li>
     * </ol>
     */
    public static ConvAlgorithm choose(ConvGeometry g) {
        if (g.isDepthwise()) {
            return DEPTHWISE;
        }
        if (g.isPointwise()) {
            return POINTWISE;
        }
        return IM2COL;
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
