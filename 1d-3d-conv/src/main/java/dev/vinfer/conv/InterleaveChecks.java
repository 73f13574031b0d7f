package dev.vinfer.conv;

import java.util.Objects;

/** Argument checks shared by the backends' {@link Backend#deinterleave} and {@link Backend#interleave}. */
public final class InterleaveChecks {
    private InterleaveChecks() {
    }

    /** Checks that {@code count} groups of {@code phases} values and {@code phases} rows of {@code count} fit. */
    public static void check(int phases, int count, float[] grouped, int groupedOff, float[] rows, int rowsOff,
            int rowStride) {
        if (phases < 1 || count < 0 || rowStride < count) {
            throw new IllegalArgumentException("interleave: phases=" + phases + " count=" + count + " rowStride="
                    + rowStride);
        }
        if (count == 0) {
            return;
        }
        Objects.checkFromIndexSize(groupedOff, Math.multiplyExact(phases, count), grouped.length);
        Objects.checkFromIndexSize(rowsOff, Math.addExact(Math.multiplyExact(phases - 1, rowStride), count),
                rows.length);
    }

    /** Checks {@link Backend#deinterleaveClipped}'s arguments. */
    public static void checkClipped(int phases, int count, int slack, float[] src, int rowOff, int srcRowStep,
            int width, int rows, float[] dst, int dstOff, int dstStride, int dstRowStep) {
        if (phases < 1 || count < 0 || slack < 0 || dstStride < count || width < 0 || rows < 0 || srcRowStep < 0
                || dstRowStep < 0) {
            throw new IllegalArgumentException("deinterleaveClipped: phases=" + phases + " count=" + count
                    + " dstStride=" + dstStride + " width=" + width + " rows=" + rows + " steps=" + srcRowStep + ","
                    + dstRowStep);
        }
        if (rows == 0) {
            return;
        }
        if (width > 0) {
            Objects.checkFromIndexSize(rowOff, Math.addExact(Math.multiplyExact(rows - 1, srcRowStep), width),
                    src.length);
        }
        if (count > 0) {
            Objects.checkFromIndexSize(dstOff, Math.addExact(Math.addExact(Math.multiplyExact(rows - 1, dstRowStep),
                    Math.multiplyExact(phases - 1, dstStride)), count), dst.length);
        }
    }

    /** Checks {@link Backend#interleaveEpilogue}'s arguments. */
    public static void checkEpilogue(int phases, int n, int slack, float[] src, int srcOff, int srcStride,
            int srcRowStep, int rows, float[] res, int resOff, Epilogue e, float[] dst, int dstOff, int dstRowStep) {
        if (slack > 0 && res == dst) {
            throw new IllegalArgumentException("interleaveEpilogue: slack with the residual in dst");
        }
        if (phases < 1 || n < 0 || slack < 0 || rows < 0 || srcRowStep < 0 || dstRowStep < 0
                || !Backend.fusesInterleaveEpilogue(e) || srcStride < Math.ceilDiv(n, phases)) {
            throw new IllegalArgumentException("interleaveEpilogue: phases=" + phases + " n=" + n + " rows=" + rows
                    + " srcStride=" + srcStride + " steps=" + srcRowStep + "," + dstRowStep + " epilogue="
                    + e.kind());
        }
        if (rows == 0 || n == 0) {
            return;
        }
        int tiles = Math.ceilDiv(n, phases);
        Objects.checkFromIndexSize(srcOff, Math.addExact(Math.addExact(Math.multiplyExact(rows - 1, srcRowStep),
                Math.multiplyExact(phases - 1, srcStride)), tiles), src.length);
        int span = Math.addExact(Math.multiplyExact(rows - 1, dstRowStep), n);
        Objects.checkFromIndexSize(dstOff, span, dst.length);
        if (res != null) {
            Objects.checkFromIndexSize(resOff, span, res.length);
        }
    }

    /** Checks {@link Backend#dropSegmentEnds}'s arguments. */
    public static void dropSegmentEnds(int seg, int segs, float[] src, int srcOff, float[] dst, int dstOff) {
        if (seg < 1 || segs < 0) {
            throw new IllegalArgumentException("dropSegmentEnds: seg=" + seg + " segs=" + segs);
        }
        int n = Math.multiplyExact(seg, segs);
        Objects.checkFromIndexSize(srcOff, n, src.length);
        Objects.checkFromIndexSize(dstOff, n - segs, dst.length);
        if (src == dst && dstOff > srcOff && dstOff < srcOff + n) {
            throw new IllegalArgumentException("dropSegmentEnds in place needs dstOff <= srcOff: " + dstOff + " > "
                    + srcOff);
        }
    }
}
