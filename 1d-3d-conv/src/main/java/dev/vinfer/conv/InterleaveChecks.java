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
}
