package dev.vinfer.conv;

import java.util.Objects;

/**
 * Argument checks of the pooling primitives of {@link Backend}, shared by both backends, so that a bad call fails
 * with a message naming the argument before any kernel touches the arrays.
 */
public final class PoolChecks {
    private PoolChecks() {
    }

    private static void nonNegative(String what, int v) {
        if (v < 0) {
            throw new IllegalArgumentException(what + " must not be negative, got " + v);
        }
    }

    /** Checks a call of {@link Backend#maxPool3s2Rows}. */
    public static void max3s2(float[] src, int sOff, int rows, int rowStep, int count, boolean padFirst, float[] dst,
            int dOff) {
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(dst, "dst");
        nonNegative("count", count);
        nonNegative("rowStep", rowStep);
        if (rows < 1 || rows > 3) {
            throw new IllegalArgumentException("rows must be 1, 2 or 3, got " + rows);
        }
        Objects.checkFromIndexSize(dOff, count, dst.length);
        if (count > 0) {
            Objects.checkFromIndexSize(sOff, 0, src.length);
            Objects.checkFromIndexSize(sOff + (long) (rows - 1) * rowStep, 2L * count + (padFirst ? 0 : 1),
                    src.length);
        }
    }

    /** Checks a call of {@link Backend#maxPool3s2Block}. */
    public static void max3s2Block(float[] src, int sOff, int rowStep, int sStep, int count, int n, boolean padFirst,
            float[] dst, int dOff, int dStep) {
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(dst, "dst");
        nonNegative("n", n);
        nonNegative("sStep", sStep);
        if (dStep < count) {
            throw new IllegalArgumentException("dStep " + dStep + " is less than count " + count);
        }
        if (n == 0 || count == 0) {
            return;
        }
        max3s2(src, sOff, 3, rowStep, count, padFirst, dst, dOff);
        max3s2(src, Math.toIntExact(sOff + (long) (n - 1) * sStep), 3, rowStep, count, padFirst, dst,
                Math.toIntExact(dOff + (long) (n - 1) * dStep));
    }

    /** Checks a call of {@link Backend#poolRows}. */
    public static void rows(float[] src, int sOff, int planes, int planeStep, int rows, int rowStep, int len,
            int phases, float[] dst, int dOff, int phasePitch, int count, int srcStep, int dstStep) {
        nonNegative("count", count);
        nonNegative("srcStep", srcStep);
        nonNegative("dstStep", dstStep);
        if (count == 0) {
            return;
        }
        rows(src, sOff, planes, planeStep, rows, rowStep, len, phases, dst, dOff, phasePitch);
        if (count > 1) {
            rows(src, Math.toIntExact(sOff + (long) (count - 1) * srcStep), planes, planeStep, rows, rowStep, len,
                    phases, dst, Math.toIntExact(dOff + (long) (count - 1) * dstStep), phasePitch);
        }
    }

    private static void rows(float[] src, int sOff, int planes, int planeStep, int rows, int rowStep, int len,
            int phases, float[] dst, int dOff, int phasePitch) {
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(dst, "dst");
        nonNegative("planes", planes);
        nonNegative("rows", rows);
        nonNegative("len", len);
        nonNegative("planeStep", planeStep);
        nonNegative("rowStep", rowStep);
        if (phases < 1) {
            throw new IllegalArgumentException("phases must be positive, got " + phases);
        }
        int count = Math.ceilDiv(len, phases);
        if (phasePitch < count && phases > 1) {
            throw new IllegalArgumentException("phasePitch " + phasePitch + " < " + count + " values per phase");
        }
        if (len == 0) {
            return;
        }
        if (planes > 0 && rows > 0) {
            long last = sOff + (long) (planes - 1) * planeStep + (long) (rows - 1) * rowStep;
            Objects.checkFromIndexSize(sOff, 0, src.length);
            Objects.checkFromIndexSize(last, len, src.length);
        }
        int lastPhase = Math.min(phases, len) - 1;
        Objects.checkFromIndexSize((long) dOff + (long) lastPhase * phasePitch, Math.ceilDiv(len - lastPhase,
                phases), dst.length);
        Objects.checkFromIndexSize(dOff, 0, dst.length);
    }

    /** Checks a call of {@link Backend#poolTaps}. */
    public static void taps(int taps, int[] tapOff, float[] src, int sOff, int sPitch, int rows, int cols,
            float[] dst, int dOff, int dPitch) {
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(dst, "dst");
        Objects.requireNonNull(tapOff, "tapOff");
        if (taps < 1 || taps > tapOff.length) {
            throw new IllegalArgumentException("taps " + taps + " must be in [1, " + tapOff.length + "]");
        }
        nonNegative("rows", rows);
        nonNegative("cols", cols);
        nonNegative("sPitch", sPitch);
        if (rows > 1 && dPitch < cols) {
            throw new IllegalArgumentException("dPitch " + dPitch + " < cols " + cols + ": output rows overlap");
        }
        if (rows == 0 || cols == 0) {
            return;
        }
        for (int t = 0; t < taps; t++) {
            if (tapOff[t] < 0) {
                // the name is built only here: a concatenation per tap and call was most of what a steady
                // MaxPool run allocated
                nonNegative("tapOff[" + t + "]", tapOff[t]);
            }
            Objects.checkFromIndexSize(sOff + (long) (rows - 1) * sPitch + tapOff[t], cols, src.length);
        }
        Objects.checkFromIndexSize(sOff, 0, src.length);
        Objects.checkFromIndexSize(dOff + (long) (rows - 1) * dPitch, cols, dst.length);
        Objects.checkFromIndexSize(dOff, 0, dst.length);
    }

    /** Checks a call of {@link Backend#reduceRows}. */
    public static void reduce(float[] src, int sOff, int rows, int len, float[] dst, int dOff) {
        nonNegative("rows", rows);
        if (len < 1) {
            throw new IllegalArgumentException("len must be positive, got " + len);
        }
        Objects.checkFromIndexSize(sOff, Math.multiplyExact(rows, len), src.length);
        Objects.checkFromIndexSize(dOff, rows, dst.length);
    }

    /** Checks a call of {@link Backend#gemvPackedB}; returns the packed matrix. */
    public static <P extends PackedMatrix> P gemv(float[] x, int xOff, PackedMatrix b, Backend owner, Class<P> type,
            int colBegin, int colEnd, float[] y, int yOff) {
        P pb = GemmChecks.owned(b, owner, PackedMatrix.Side.B, type);
        GemmChecks.range(pb, colBegin, colEnd, pb.cols());
        Objects.checkFromIndexSize(xOff, pb.rows(), x.length);
        Objects.checkFromIndexSize(yOff, colEnd - colBegin, y.length);
        return pb;
    }

    /** The arguments of {@link Backend#maxRuns}. */
    public static void maxRuns(int k, float[] src, int sOff, int sPitch, int rows, int cols, float[] dst, int dOff,
            int dPitch) {
        if ((k != 2 && k != 4) || rows < 0 || cols < 0 || (rows > 1 && (sPitch < k * cols || dPitch < cols))) {
            throw new IllegalArgumentException("maxRuns: k " + k + ", " + rows + " rows of " + cols + ", pitches "
                    + sPitch + " and " + dPitch);
        }
        if (rows == 0 || cols == 0) {
            return;
        }
        long srcEnd = sOff + (long) (rows - 1) * sPitch + (long) k * cols;
        long dstEnd = dOff + (long) (rows - 1) * dPitch + cols;
        if (sOff < 0 || dOff < 0 || srcEnd > src.length || dstEnd > dst.length) {
            throw new IllegalArgumentException("maxRuns out of bounds: source to " + srcEnd + " of " + src.length
                    + ", destination to " + dstEnd + " of " + dst.length);
        }
    }
}
