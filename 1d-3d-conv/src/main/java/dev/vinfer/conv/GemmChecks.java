package dev.vinfer.conv;

import java.util.Objects;

/**
 * Argument checks shared by the {@link Backend} implementations, so that a bad offset or leading dimension fails with
 * a message instead of a wrong answer or an index error deep in a kernel. Public only for the backend packages.
 */
public final class GemmChecks {
    private GemmChecks() {
    }

    /**
     * Checks that a row-major {@code rows x cols} matrix stored at {@code off} with leading dimension {@code ld}
     * lies inside {@code data}.
     */
    public static void matrix(String name, float[] data, int off, int ld, int rows, int cols) {
        matrix(name, false, data, off, ld, rows, cols);
    }

    /**
     * As {@link #matrix(String, float[], int, int, int, int)}, naming it {@code name^T} when {@code transposed}: the
     * name is built only for a message, since these checks run on every GEMM call (a string per call was most of
     * what a steady ResNet-50 run still allocated).
     */
    private static void matrix(String label, boolean transposed, float[] data, int off, int ld, int rows, int cols) {
        if (data == null) {
            throw new NullPointerException(transposed ? label + "^T" : label);
        }
        if (rows < 0 || cols < 0 || (rows > 0 && cols > 0
                && (off < 0 || (rows > 1 && ld < cols) || off + (long) (rows - 1) * ld + cols > data.length))) {
            matrixProblem(transposed ? label + "^T" : label, data, off, ld, rows, cols);
        }
    }

    private static void matrixProblem(String name, float[] data, int off, int ld, int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException(name + ": negative shape " + rows + "x" + cols);
        }
        if (rows == 0 || cols == 0) {
            return;
        }
        if (off < 0) {
            throw new IllegalArgumentException(name + ": negative offset " + off);
        }
        if (rows > 1 && ld < cols) {
            throw new IllegalArgumentException(name + ": leading dimension " + ld + " < row length " + cols);
        }
        long last = off + (long) (rows - 1) * ld + cols;
        if (last > data.length) {
            throw new IllegalArgumentException(name + ": a " + rows + "x" + cols + " matrix at offset " + off
                    + " with leading dimension " + ld + " needs " + last + " elements, array has " + data.length);
        }
    }

    /** Checks an operand stored as {@code rows x cols}, or as {@code cols x rows} when {@code transposed}. */
    public static void operand(String name, boolean transposed, float[] data, int off, int ld, int rows, int cols) {
        if (transposed) {
            matrix(name, true, data, off, ld, cols, rows);
        } else {
            matrix(name, false, data, off, ld, rows, cols);
        }
    }

    public static void dims(int m, int n, int k) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("GEMM: negative size m=" + m + " n=" + n + " k=" + k);
        }
    }

    /** Checks a sub-range of a packed operand's free dimension. */
    public static void range(PackedMatrix p, int begin, int end, int size) {
        if (begin < 0 || end > size || begin > end) {
            throw new IllegalArgumentException("packed " + p.side() + ": range [" + begin + ", " + end
                    + ") outside [0, " + size + ")");
        }
        if (begin % p.alignment() != 0) {
            throw new IllegalArgumentException("packed " + p.side() + ": range start " + begin
                    + " is not a multiple of the panel size " + p.alignment());
        }
    }

    /** Checks that {@code p} was packed by {@code owner} as the given side, and returns it. */
    public static <T extends PackedMatrix> T owned(PackedMatrix p, Backend owner, PackedMatrix.Side side,
            Class<T> type) {
        Objects.requireNonNull(p, "packed matrix");
        if (p.backend() != owner || !type.isInstance(p)) {
            throw new IllegalArgumentException("matrix packed by " + p.backend().name() + " cannot be used by "
                    + owner.name());
        }
        if (p.side() != side) {
            throw new IllegalArgumentException("expected a packed " + side + " operand, got " + p.side());
        }
        return type.cast(p);
    }

    /** Checks the arguments of {@link Backend#axpy}. */
    public static void axpy(int n, float[] x, int xOff, int incX, float[] y, int yOff) {
        if (n < 0 || incX < 1) {
            throw new IllegalArgumentException("axpy: n=" + n + " incX=" + incX);
        }
        if (n == 0) {
            return;
        }
        long xSpan = (long) (n - 1) * incX + 1;
        if (xOff < 0 || xOff + xSpan > x.length) {
            throw new IndexOutOfBoundsException("axpy: x needs [" + xOff + ", " + (xOff + xSpan) + "), length "
                    + x.length);
        }
        Objects.checkFromIndexSize(yOff, n, y.length);
    }

    /** Checks the arguments of {@link Backend#combine}. */
    public static void combine(int outs, int ins, float[] coef, float[] src, int[] srcOff, float[] dst,
            int[] dstOff, int len) {
        if (outs < 0 || ins < 0 || len < 0) {
            throw new IllegalArgumentException("combine: outs=" + outs + " ins=" + ins + " len=" + len);
        }
        if (coef.length < (long) outs * ins) {
            throw new IllegalArgumentException("combine: " + coef.length + " coefficients for " + outs + " x " + ins);
        }
        if (srcOff.length < ins || dstOff.length < outs) {
            throw new IllegalArgumentException("combine: " + srcOff.length + " source and " + dstOff.length
                    + " destination offsets for " + ins + " inputs and " + outs + " outputs");
        }
        if (len == 0) {
            return;
        }
        for (int k = 0; k < ins; k++) {
            Objects.checkFromIndexSize(srcOff[k], len, src.length);
        }
        for (int o = 0; o < outs; o++) {
            Objects.checkFromIndexSize(dstOff[o], len, dst.length);
        }
    }
    /** Arguments of {@link Backend#depthwiseTaps}. */
    public static void depthwiseTaps(int taps, float[] coef, int cOff, int[] tapOff, float[] src, int sOff,
            float[] dst, int dOff, int len) {
        if (taps < 1 || len < 0 || len % Backend.DEPTHWISE_BLOCK != 0 || tapOff.length < taps) {
            throw new IllegalArgumentException("depthwiseTaps: taps=" + taps + " (" + tapOff.length
                    + " offsets) len=" + len + " (must be a multiple of " + Backend.DEPTHWISE_BLOCK + ")");
        }
        Objects.checkFromIndexSize(cOff, taps, coef.length);
        long maxOff = 0;
        for (int t = 0; t < taps; t++) {
            if (tapOff[t] < 0) {
                throw new IllegalArgumentException("depthwiseTaps: negative tap offset " + tapOff[t]);
            }
            maxOff = Math.max(maxOff, tapOff[t]);
        }
        if (len > 0) {
            Objects.checkFromIndexSize(sOff, len + maxOff, (long) src.length);
            Objects.checkFromIndexSize(dOff, len, dst.length);
        }
    }

    /** Arguments of {@link Backend#compactRows}. */
    public static void compactRows(float[] src, int sOff, int sPitch, int rows, int cols, float[] dst, int dOff) {
        if (rows < 0 || cols < 0 || sPitch < 0) {
            throw new IllegalArgumentException("compactRows: rows=" + rows + " cols=" + cols + " pitch=" + sPitch);
        }
        if (rows == 0 || cols == 0) {
            return;
        }
        long readable = (long) (rows - 1) * sPitch
                + (long) Math.ceilDiv(cols, Backend.DEPTHWISE_BLOCK) * Backend.DEPTHWISE_BLOCK;
        Objects.checkFromIndexSize(sOff, readable, (long) src.length);
        Objects.checkFromIndexSize(dOff, (long) rows * cols, (long) dst.length);
    }
    /** Arguments of {@link Backend#depthwiseRows}. */
    public static void depthwiseRows(int taps, float[] coef, int cOff, int[] tapOff, float[] src, int sOff,
            int sPitch, int rows, int cols, float[] dst, int dOff) {
        if (taps < 1 || rows < 0 || cols < 0 || sPitch < 0 || tapOff.length < taps) {
            throw new IllegalArgumentException("depthwiseRows: taps=" + taps + " (" + tapOff.length + " offsets) rows="
                    + rows + " cols=" + cols + " pitch=" + sPitch);
        }
        Objects.checkFromIndexSize(cOff, taps, coef.length);
        long maxOff = 0;
        for (int t = 0; t < taps; t++) {
            if (tapOff[t] < 0) {
                throw new IllegalArgumentException("depthwiseRows: negative tap offset " + tapOff[t]);
            }
            maxOff = Math.max(maxOff, tapOff[t]);
        }
        if (rows > 0 && cols > 0) {
            Objects.checkFromIndexSize(sOff, (long) (rows - 1) * sPitch + cols + maxOff, (long) src.length);
            Objects.checkFromIndexSize(dOff, (long) rows * cols, (long) dst.length);
        }
    }

    /** Arguments of {@link Backend#depthwise3x3Plane}. */
    public static void depthwise3x3Plane(float[] coef, int cOff, float[] src, int sOff, int rows, int cols,
            float[] dst, int dOff) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("depthwise3x3Plane: rows=" + rows + " cols=" + cols);
        }
        Objects.checkFromIndexSize(cOff, 9, coef.length);
        Objects.checkFromIndexSize(sOff, (long) rows * cols, (long) src.length);
        Objects.checkFromIndexSize(dOff, (long) rows * cols, (long) dst.length);
        if (src == dst && sOff < dOff + (long) rows * cols && dOff < sOff + (long) rows * cols) {
            throw new IllegalArgumentException("depthwise3x3Plane: dst overlaps src");
        }
    }

    /** Arguments of {@link Backend#depthwise3x3s2Plane}. */
    public static void depthwise3x3s2Plane(float[] coef, int cOff, float[] src, int sOff, int inRows, int inCols,
            int outRows, int outCols, float[] dst, int dOff) {
        if (outRows < 0 || outCols < 0 || 2L * outRows > inRows || 2L * outCols > inCols) {
            throw new IllegalArgumentException("depthwise3x3s2Plane: in " + inRows + "x" + inCols + " out " + outRows
                    + "x" + outCols + " (needs 2 out <= in)");
        }
        Objects.checkFromIndexSize(cOff, 9, coef.length);
        Objects.checkFromIndexSize(sOff, (long) inRows * inCols, (long) src.length);
        Objects.checkFromIndexSize(dOff, (long) outRows * outCols, (long) dst.length);
        if (src == dst && sOff < dOff + (long) outRows * outCols && dOff < sOff + (long) inRows * inCols) {
            throw new IllegalArgumentException("depthwise3x3s2Plane: dst overlaps src");
        }
    }

    /** Arguments of {@link Backend#splitEvenOdd}. */
    public static void splitEvenOdd(float[] src, int sOff, int n, float[] even, int eOff, float[] odd, int oOff) {
        if (n < 0) {
            throw new IllegalArgumentException("deinterleave: n=" + n);
        }
        Objects.checkFromIndexSize(sOff, n, src.length);
        Objects.checkFromIndexSize(eOff, (n + 1) / 2, even.length);
        Objects.checkFromIndexSize(oOff, n / 2, odd.length);
    }
}
