package dev.vinfer.conv;

import java.util.Objects;

/** Argument checks of {@link Backend#depthWinogradOutput}, shared by the backends. */
public final class DepthWinogradChecks {
    private DepthWinogradChecks() {
    }

    /** Every index the output transform reads or writes lies inside its array. */
    public static void output(int t, float[] at, float[] src, int srcOff, int srcStride, float[] dst, int d0, int d1,
            int len) {
        if (t < 1 || len < 0 || srcStride < 0 || at.length < 2 * t) {
            throw new IllegalArgumentException("depth Winograd output: t=" + t + " len=" + len + " stride="
                    + srcStride + " with " + at.length + " coefficients");
        }
        Objects.checkFromIndexSize(srcOff, len, src.length);
        Objects.checkFromIndexSize(srcOff + (long) (t - 1) * srcStride, len, src.length);
        Objects.checkFromIndexSize(d0, len, dst.length);
        if (d1 >= 0) {
            Objects.checkFromIndexSize(d1, len, dst.length);
        }
    }
}
