package dev.vinfer.conv;

/**
 * The register kernel of {@link StemDirectConv}: every output channel of a few-input-channel convolution over
 * <i>slots</i>, each slot {@link #width()} consecutive output pixels of one output row. Slot i reads, for tap p, the
 * {@code width()} floats at {@code src[srcOff + slotSrc[i] + tapOff[p]]} (an input laid out so that every tap is a
 * constant offset, {@link PhaseSplitInput}), and writes output channel r's values at
 * {@code c[cOff + r * ldc + slotDst[i]]}: {@code min(max(bias[r] + sum over p of w[r][p] * x_p, lo), hi)}. No
 * im2col matrix and no packed panel: the input is read in place, one vector per tap and slot, against broadcast
 * weights.
 *
 * <p>Slots may overlap in the output (the caller shifts a row's last slot back so that it ends at the row's end:
 * both write the same values). Prepared once per weights by {@link Backend#stemTiles}; immutable and safe to share
 * between threads.
 */
public interface StemTiles {
    /**
     * Readable floats {@code src} must hold past {@code srcOff + slotSrc[i] + tapOff[p]} for every slot and tap
     * (whole vectors are read; what lies past a row's end only reaches lanes of other slots' pixels, never stored).
     */
    int SOURCE_SLACK = 64;

    /** Pixels per slot (the vector length). */
    int width();

    /** Output channels. */
    int rows();

    /** Reduction length (taps times input channels). */
    int depth();

    /**
     * Computes slots {@code [s0, s1)} for every output channel, clamped as {@code min(max(x, lo), hi)} (ReLU is
     * {@code [0, +inf]}, Relu6 {@code [0, 6]}, none {@code [-inf, +inf]}, which leaves NaN as it is).
     */
    void run(float[] src, int srcOff, int[] tapOff, int[] slotSrc, int[] slotDst, int s0, int s1, float[] c,
            int cOff, int ldc, float lo, float hi);
}
