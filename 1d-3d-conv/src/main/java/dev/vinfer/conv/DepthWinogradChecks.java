package dev.vinfer.conv;

import java.util.Objects;

/** Argument checks of {@link Backend#depthWinogradOutput}, shared by the backends. */
public final class DepthWinogradChecks {
    private DepthWinogradChecks() {
    }

    /** Every index the output transform reads or writes lies inside its array. */
    public static void output(int outs, int t, float[] at, float[] src, int srcOff, int srcStride, float[] dst,
            int dOff, int dStride, int len) {
        if (outs < 1 || t < 1 || len < 0 || srcStride < 0 || dStride < 0 || at.length < (long) outs * t) {
            throw new IllegalArgumentException("depth Winograd output: outs=" + outs + " t=" + t + " len=" + len
                    + " strides " + srcStride + ", " + dStride + " with " + at.length + " coefficients");
        }
        Objects.checkFromIndexSize(srcOff, len, src.length);
        Objects.checkFromIndexSize(srcOff + (long) (t - 1) * srcStride, len, src.length);
        Objects.checkFromIndexSize(dOff, len, dst.length);
        Objects.checkFromIndexSize(dOff + (long) (outs - 1) * dStride, len, dst.length);
    }
}
