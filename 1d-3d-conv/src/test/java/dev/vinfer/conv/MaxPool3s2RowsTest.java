package dev.vinfer.conv;

import static dev.vinfer.conv.TestSupport.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Backend#maxPool3s2Rows} on every backend against its definition (written out here), at every output count
 * from 0 to 70 (around the full and half vector widths, where the vector steps and their flush-with-the-end last
 * steps change) and at random counts, offsets and row steps, with -inf, +inf and signed zeros in the input, and
 * NaN: none, a few anywhere, a few in the rows after the first only (the vector kernel skips those in its fast
 * maximum), or a third of all elements (windows of NaN only, which give NaN); in a third of the calls output 0's
 * window begins in the padding ({@code padFirst}, ResNet's pool), some of them at the array's start. The source array ends exactly at the
 * last column the call may read, so any read past it fails. Max only selects, so results must be equal (NaN to
 * NaN); only the sign of a zero may differ.
 */
class MaxPool3s2RowsTest {

    /** The max of the window's taps that are not NaN; NaN when all of them are. */
    static float definition(float[] src, int sOff, int rows, int rowStep, int i, boolean padFirst) {
        float m = Float.NEGATIVE_INFINITY;
        boolean any = false;
        int lead = padFirst ? 1 : 0;
        for (int b = 0; b < rows; b++) {
            for (int t = i == 0 ? lead : 0; t < 3; t++) {
                float v = src[sOff + b * rowStep + 2 * i - lead + t];
                if (!Float.isNaN(v)) {
                    m = Math.max(m, v);
                    any = true;
                }
            }
        }
        return any ? m : Float.NaN;
    }

    /**
     * Puts NaN into src by one of four patterns (none, a few anywhere, a few past the first row's reach, a third of
     * all elements); {@code firstRowEnd} is where the elements only later rows read begin.
     */
    static void addNaN(Random r, float[] src, int firstRowEnd) {
        switch (r.nextInt(4)) {
            case 1 -> {
                for (int k = 0, n = 1 + r.nextInt(3); k < n && src.length > 0; k++) {
                    src[r.nextInt(src.length)] = Float.NaN;
                }
            }
            case 2 -> {
                for (int k = 0, n = 1 + r.nextInt(3); k < n && src.length > firstRowEnd; k++) {
                    src[firstRowEnd + r.nextInt(src.length - firstRowEnd)] = Float.NaN;
                }
            }
            case 3 -> {
                for (int k = 0; k < src.length; k++) {
                    if (r.nextInt(3) == 0) {
                        src[k] = Float.NaN;
                    }
                }
            }
            default -> {
            }
        }
    }

    private static void check(Backend be, Random r, long seed, int count, int rows) {
        int sOff = r.nextInt(5);
        boolean padFirst = r.nextInt(3) == 0;
        int rowStep = 2 * count + 1 + r.nextInt(6);
        float[] src = random(r, sOff + (rows - 1) * rowStep + 2 * count + (padFirst ? 0 : 1));
        int specials = r.nextInt(4);
        for (int s = 0; s < specials && src.length > 0; s++) {
            int at = r.nextInt(src.length);
            src[at] = switch (r.nextInt(4)) {
                case 0 -> 0f;
                case 1 -> Float.NEGATIVE_INFINITY;
                case 2 -> -0f;
                default -> Float.POSITIVE_INFINITY;
            };
        }
        addNaN(r, src, Math.min(src.length, sOff + 2 * count + 1));
        int dOff = r.nextInt(3);
        float[] dst = random(r, dOff + count + 2);
        float[] want = dst.clone();
        for (int i = 0; i < count; i++) {
            want[dOff + i] = definition(src, sOff, rows, rowStep, i, padFirst);
        }
        be.maxPool3s2Rows(src, sOff, rows, rowStep, count, padFirst, dst, dOff);
        for (int i = 0; i < dst.length; i++) {
            String where = be.name() + " count=" + count + " rows=" + rows + " padFirst=" + padFirst + " seed=" + seed
                    + " i=" + i;
            if (want[i] == 0f && dst[i] == 0f) {
                continue; // +0 and -0: which one a max keeps is left open
            }
            assertEquals(want[i], dst[i], where);
        }
    }

    @Test
    void everyCountUpTo70MatchesTheDefinition() {
        for (Backend be : TestSupport.backends()) {
            for (int count = 0; count <= 70; count++) {
                for (int rows = 1; rows <= 3; rows++) {
                    long seed = 43_000L + count * 4L + rows;
                    check(be, new Random(seed), seed, count, rows);
                }
            }
        }
    }

    @Test
    void randomCallsMatchTheDefinition() {
        for (Backend be : TestSupport.backends()) {
            for (int iter = 0; iter < 200; iter++) {
                long seed = 44_000L + iter;
                Random r = new Random(seed);
                check(be, r, seed, r.nextInt(200), 1 + r.nextInt(3));
            }
        }
    }

    @Test
    void badArgumentsAreRejected() {
        for (Backend be : TestSupport.backends()) {
            float[] src = new float[20];
            float[] dst = new float[10];
            // 2 * 10 + 1 columns do not fit in 20
            assertThrows(IndexOutOfBoundsException.class, () -> be.maxPool3s2Rows(src, 0, 1, 21, 10, false, dst, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> be.maxPool3s2Rows(src, 1, 1, 21, 10, true, dst, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> be.maxPool3s2Rows(src, 0, 2, 12, 4, false, dst, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> be.maxPool3s2Rows(src, 0, 1, 9, 4, false, dst, 7));
            assertThrows(IllegalArgumentException.class, () -> be.maxPool3s2Rows(src, 0, 0, 9, 4, false, dst, 0));
            assertThrows(IllegalArgumentException.class, () -> be.maxPool3s2Rows(src, 0, 4, 1, 4, false, dst, 0));
            be.maxPool3s2Rows(src, 0, 1, 21, 10, true, dst, 0); // 2 * 10 columns fit when the first is padding
            assertThrows(IllegalArgumentException.class, () -> be.maxPool3s2Rows(src, 0, 1, 9, -1, false, dst, 0));
        }
    }
}
