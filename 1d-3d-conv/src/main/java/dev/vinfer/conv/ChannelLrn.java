package dev.vinfer.conv;

/**
 * Local response normalization across channels ({@code LRN}), one image: the plain form of {@link Backend#lrn} and
 * its argument check. Output channel c of {@code y} is {@code x_c * (bias + scale * sum of x_k^2)^-beta} over
 * {@code k} from {@code c - before} to {@code c + after}, clipped to the channels: the squares summed in float with
 * FMA from the lowest channel up, the power in double rounded once.
 */
public final class ChannelLrn {
    private ChannelLrn() {
    }

    /** See {@link Backend#lrn}; arguments checked by the caller ({@link #check}). */
    public static void reference(float[] x, int xOff, float[] y, int yOff, int channels, int inner, int c0, int c1,
            int before, int after, float scale, float bias, float beta) {
        for (int c = c0; c < c1; c++) {
            int lo = Math.max(0, c - before);
            int hi = Math.min(channels - 1, c + after);
            int row = c * inner;
            for (int i = 0; i < inner; i++) {
                y[yOff + row + i] = x[xOff + row + i] * factor(x, xOff, inner, lo, hi, i, scale, bias, beta);
            }
        }
    }

    /** {@code (bias + scale * sum over channels [lo, hi] of x^2)^-beta} at position i. */
    public static float factor(float[] x, int xOff, int inner, int lo, int hi, int i, float scale, float bias,
            float beta) {
        float s = 0f;
        for (int k = lo; k <= hi; k++) {
            float v = x[xOff + k * inner + i];
            s = Math.fma(v, v, s);
        }
        return (float) Math.pow(Math.fma(scale, s, bias), -beta);
    }

    /** The arguments of {@link Backend#lrn}. */
    public static void check(float[] x, int xOff, float[] y, int yOff, int channels, int inner, int c0, int c1,
            int before, int after) {
        if (channels < 0 || inner < 0 || c0 < 0 || c1 > channels || c0 > c1 || before < 0 || after < 0) {
            throw new IllegalArgumentException("LRN: " + channels + " channels of " + inner + ", channels [" + c0
                    + ", " + c1 + "), window " + before + " before and " + after + " after");
        }
        long len = (long) channels * inner;
        NchwcPointwiseConv.check("LRN input", x, xOff, len);
        NchwcPointwiseConv.check("LRN output", y, yOff, len);
        if (x == y && xOff == yOff && len > 0) {
            throw new IllegalArgumentException("LRN: the output may not be the input (each channel reads its"
                    + " neighbours)");
        }
    }
}
