package dev.vinfer.conv;

import java.util.Objects;

/** Argument checks of {@link Backend#linearRows}, shared by both backends so they fail alike. */
public final class LinearRowsChecks {
    private LinearRowsChecks() {
    }

    public static void check(int outRows, int inRows, float[] coef, int cOff, float[] src, int sOff, int sStride,
            int len, float[] dst, int dOff, int dStride) {
        if (outRows < 1 || inRows < 1 || len < 0 || sStride < 0 || dStride < 0) {
            throw new IllegalArgumentException("linearRows: outRows " + outRows + ", inRows " + inRows + ", len "
                    + len + ", strides " + sStride + "/" + dStride);
        }
        Objects.checkFromIndexSize(cOff, outRows * inRows, coef.length);
        Objects.checkFromIndexSize(sOff, (long) (inRows - 1) * sStride + len > Integer.MAX_VALUE ? -1
                : (inRows - 1) * sStride + len, src.length);
        Objects.checkFromIndexSize(dOff, (long) (outRows - 1) * dStride + len > Integer.MAX_VALUE ? -1
                : (outRows - 1) * dStride + len, dst.length);
    }
}
