package dev.vinfer.conv;

import static dev.vinfer.conv.TestSupport.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Backend#maxPool3s2Block} on every backend against the definition (written out here): seeded random blocks
 * with output rows from 0 to 40 wide (below, at and above the 8- and 16-lane vector widths, where the vector kernel
 * switches from one whole-vector step per row with surplus lanes to full rows), 0-12 rows, row and block steps with
 * and without gaps, output 0's window beginning in the padding or not, -inf, +inf, signed zeros and NaN (the patterns of {@link MaxPool3s2RowsTest#addNaN}; with
 * narrow rows a NaN may also sit where only a step's surplus lanes read it). The source array ends exactly at the
 * last column the call may read, so a kernel reading past it fails; dst outside the block must be untouched (the
 * elements between one row's outputs and the next row's are allowed to change: the contract leaves them to the
 * caller).
 */
class MaxPool3s2BlockTest {

    private static float definition(float[] src, int s, int rowStep, int i, boolean padFirst) {
        return MaxPool3s2RowsTest.definition(src, s, 3, rowStep, i, padFirst);
    }

    private static void check(Backend be, long seed) {
        Random r = new Random(seed);
        int count = r.nextInt(41);
        int n = r.nextInt(13);
        int sOff = r.nextInt(5);
        boolean padFirst = r.nextInt(3) == 0;
        int rowStep = 2 * count + 1 + r.nextInt(4);
        // the SqueezeNet case (two input rows per output row) and odd steps, overlapping or not
        int sStep = r.nextBoolean() ? 2 * rowStep : r.nextInt(4 * rowStep + 1);
        int dStep = count + (r.nextBoolean() ? 0 : r.nextInt(4));
        int srcLen = n == 0 ? sOff : sOff + (n - 1) * sStep + 2 * rowStep + 2 * count + (padFirst ? 0 : 1);
        float[] src = random(r, Math.max(srcLen, sOff));
        for (int s = 0, specials = r.nextInt(5); s < specials && src.length > 0; s++) {
            src[r.nextInt(src.length)] = switch (r.nextInt(4)) {
                case 0 -> 0f;
                case 1 -> Float.NEGATIVE_INFINITY;
                case 2 -> -0f;
                default -> Float.POSITIVE_INFINITY;
            };
        }
        // "past the first row": past block row 0's first input row (NaN there may still be in a later row's first)
        MaxPool3s2RowsTest.addNaN(r, src, Math.min(src.length, sOff + 2 * count + 1));
        int dOff = r.nextInt(3);
        int blockEnd = n == 0 ? dOff : dOff + (n - 1) * dStep + count;
        float[] dst = random(r, blockEnd + r.nextInt(3));
        float[] before = dst.clone();
        be.maxPool3s2Block(src, sOff, rowStep, sStep, count, n, padFirst, dst, dOff, dStep);
        String where = be.name() + " count=" + count + " n=" + n + " rowStep=" + rowStep + " sStep=" + sStep
                + " dStep=" + dStep + " padFirst=" + padFirst + " seed=" + seed;
        for (int i = 0; i < dst.length; i++) {
            boolean inBlock = i >= dOff && i < blockEnd;
            int k = inBlock ? (i - dOff) / Math.max(1, dStep) : -1;
            int col = inBlock ? i - dOff - k * dStep : -1;
            if (inBlock && dStep == 0) {
                continue; // n rows onto one (count 0): nothing written
            }
            if (inBlock && col < count) {
                float want = definition(src, sOff + k * sStep, rowStep, col, padFirst);
                if (want == 0f && dst[i] == 0f) {
                    continue; // +0 and -0: which one a max keeps is left open
                }
                assertEquals(want, dst[i], where + " row=" + k + " col=" + col);
            } else if (!inBlock) {
                assertEquals(before[i], dst[i], where + " outside the block at " + i);
            }
        }
    }

    @Test
    void randomBlocksMatchTheDefinition() {
        for (Backend be : TestSupport.backends()) {
            for (int iter = 0; iter < 400; iter++) {
                check(be, 47_000L + iter);
            }
        }
    }

    @Test
    void squeezeNetsLastPoolPlane() {
        // 27x27 -> 13x13, two planes back to back so the first plane's rows read into the second's
        for (Backend be : TestSupport.backends()) {
            Random r = new Random(48_001L);
            float[] src = random(r, 2 * 27 * 27);
            float[] dst = new float[2 * 13 * 13];
            for (int p = 0; p < 2; p++) {
                be.maxPool3s2Block(src, p * 729, 27, 54, 13, 13, false, dst, p * 169, 13);
            }
            for (int p = 0; p < 2; p++) {
                for (int oy = 0; oy < 13; oy++) {
                    for (int ox = 0; ox < 13; ox++) {
                        assertEquals(definition(src, p * 729 + 2 * oy * 27, 27, ox, false), dst[p * 169 + oy * 13 + ox],
                                be.name() + " plane " + p + " at " + oy + "," + ox);
                    }
                }
            }
        }
    }

    /**
     * NaN at pinned places of whole planes (n output rows over 2n + 1 input rows, as in the networks): in the odd
     * input rows only (never a window's first row: the vector kernel's fast maximum skips them), in the even rows
     * (the rows it then redoes), filling one whole window (NaN out), at column 2 * count of a row (read by the last
     * output only), and at the column where a step's last tap comes from the next step. Widths around the vector
     * steps and the networks' (13, 27, 55, 56 outputs).
     */
    @Test
    void nanAtPinnedPlaces() {
        int[] counts = {1, 5, 7, 8, 9, 13, 15, 16, 17, 24, 27, 31, 32, 33, 40, 55, 56};
        for (Backend be : TestSupport.backends()) {
            for (int count : counts) {
                for (int pattern = 0; pattern < 5; pattern++) {
                    long seed = 49_000L + count * 8L + pattern;
                    Random r = new Random(seed);
                    int n = 1 + r.nextInt(6);
                    int w = 2 * count + 1 + r.nextInt(3);
                    float[] src = random(r, (2 * n + 1) * w);
                    int row = 2 * r.nextInt(n + 1); // an even input row
                    switch (pattern) {
                        case 0, 1 -> {
                            for (int k = 0; k < 1 + count / 4; k++) {
                                int y = 2 * r.nextInt(n + (pattern == 1 ? 1 : 0)) + (pattern == 0 ? 1 : 0);
                                src[y * w + r.nextInt(2 * count + 1)] = Float.NaN;
                            }
                        }
                        case 2 -> {
                            int i = r.nextInt(count);
                            int y = 2 * r.nextInt(n);
                            for (int b = 0; b < 3; b++) {
                                java.util.Arrays.fill(src, (y + b) * w + 2 * i, (y + b) * w + 2 * i + 3, Float.NaN);
                            }
                        }
                        case 3 -> src[row * w + 2 * count] = Float.NaN;
                        default -> {
                            for (int lanes : new int[] {4, 8, 16}) { // column 2L: the step's top lane, L lanes
                                src[row * w + Math.min(2 * count, 2 * lanes)] = Float.NaN;
                            }
                        }
                    }
                    float[] dst = new float[n * count];
                    boolean padFirst = r.nextBoolean();
                    be.maxPool3s2Block(src, 0, w, 2 * w, count, n, padFirst, dst, 0, count);
                    for (int k = 0; k < n; k++) {
                        for (int i = 0; i < count; i++) {
                            assertEquals(definition(src, 2 * k * w, w, i, padFirst), dst[k * count + i], be.name()
                                    + " count=" + count + " pattern=" + pattern + " padFirst=" + padFirst + " seed="
                                    + seed + " at " + k + "," + i);
                        }
                    }
                }
            }
        }
    }

    @Test
    void badArgumentsAreRejected() {
        for (Backend be : TestSupport.backends()) {
            float[] src = new float[40];
            float[] dst = new float[20];
            // the second row's 3 input rows (from 10, 9 apart) need 10 + 18 + 9 = 37 < 40; the third's do not fit
            assertThrows(IndexOutOfBoundsException.class,
                    () -> be.maxPool3s2Block(src, 0, 9, 10, 4, 3, false, dst, 0, 4));
            assertThrows(IndexOutOfBoundsException.class,
                    () -> be.maxPool3s2Block(src, 0, 9, 1, 4, 2, false, dst, 17, 4));
            assertThrows(IllegalArgumentException.class,
                    () -> be.maxPool3s2Block(src, 0, 9, 1, 4, 2, false, dst, 0, 3));
            assertThrows(IllegalArgumentException.class,
                    () -> be.maxPool3s2Block(src, 0, 9, 1, 4, -1, false, dst, 0, 4));
        }
    }
}
