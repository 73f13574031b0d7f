package dev.vinfer.conv;

import static dev.vinfer.conv.TestSupport.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The pooling primitives and the packed GEMV on every backend against their definitions, at lengths around the
 * vector width (16 lanes here; 8 with -Dvinfer.vectorBits=256) so that the overlapping last steps and the scalar
 * paths of short rows are all exercised. Max must be exact (it only selects values, NaN as {@link Math#max});
 * sums may differ by their order, bounded by {@code n * eps * sum |v|}.
 */
class PoolPrimitivesTest {

    private static float combine(PoolReduction op, float acc, float v) {
        return op == PoolReduction.MAX ? Math.max(acc, v) : acc + v;
    }

    private static void same(PoolReduction op, float want, float got, double sumAbs, int n, String where) {
        if (op == PoolReduction.MAX || Float.isNaN(want)) {
            assertEquals(want, got, where); // Float equality: NaN equals NaN
        } else {
            assertEquals(want, got, 2.0 * n * Math.ulp(1f) * sumAbs + 1e-30, where);
        }
    }

    @Test
    void poolRowsMatchesDefinition() {
        for (Backend be : TestSupport.backends()) {
            for (int iter = 0; iter < 300; iter++) {
                long seed = 40_000 + iter;
                Random r = new Random(seed);
                PoolReduction op = r.nextBoolean() ? PoolReduction.MAX : PoolReduction.SUM;
                int len = r.nextInt(5) == 0 ? r.nextInt(8) : r.nextInt(150);
                int phases = 1 + r.nextInt(5);
                int planes = r.nextInt(6) == 0 ? 0 : 1 + r.nextInt(3);
                int rows = 1 + r.nextInt(3);
                int rowStep = len + r.nextInt(7);
                int planeStep = rows * rowStep + r.nextInt(5);
                int sOff = r.nextInt(4);
                float[] src = random(r, sOff + planes * planeStep + rows * rowStep + len + 3);
                if (r.nextInt(3) == 0) {
                    src[r.nextInt(src.length)] = Float.NaN;
                    src[r.nextInt(src.length)] = Float.NEGATIVE_INFINITY;
                }
                int pitch = Math.ceilDiv(len, phases) + r.nextInt(4);
                int dOff = r.nextInt(3);
                float[] dst = random(r, dOff + phases * pitch + 2);
                float[] want = dst.clone();
                for (int x = 0; x < len; x++) {
                    float acc = op.identity();
                    boolean first = true;
                    double abs = 0;
                    for (int a = 0; a < planes; a++) {
                        for (int b = 0; b < rows; b++) {
                            float v = src[sOff + a * planeStep + b * rowStep + x];
                            acc = first ? v : combine(op, acc, v);
                            first = false;
                            abs += Math.abs(v);
                        }
                    }
                    want[dOff + x % phases * pitch + x / phases] = acc;
                }
                // the same call as a repeat of two: the second copy's source and destination further on
                int srcStep = src.length;
                int dstStep = dst.length;
                float[] src2 = Arrays.copyOf(src, 2 * srcStep);
                System.arraycopy(src, 0, src2, srcStep, srcStep);
                float[] dst2 = Arrays.copyOf(dst, 2 * dstStep);
                System.arraycopy(dst, 0, dst2, dstStep, dstStep);
                be.poolRows(op, src2, sOff, planes, planeStep, rows, rowStep, len, phases, dst2, dOff, pitch,
                        2, srcStep, dstStep);
                for (int i = 0; i < dstStep; i++) {
                    assertEquals(dst2[i], dst2[dstStep + i], "repeat " + i + " seed=" + seed);
                }
                be.poolRows(op, src, sOff, planes, planeStep, rows, rowStep, len, phases, dst, dOff, pitch, 1, 0, 0);
                for (int i = 0; i < dstStep; i++) {
                    assertEquals(dst[i], dst2[i], "repeat vs single " + i + " seed=" + seed);
                }
                for (int i = 0; i < dst.length; i++) {
                    same(op, want[i], dst[i], planes * rows * 4.0, planes * rows, be.name() + " " + op + " len="
                            + len + " phases=" + phases + " seed=" + seed + " i=" + i);
                }
            }
        }
    }

    @Test
    void poolTapsMatchesDefinition() {
        for (Backend be : TestSupport.backends()) {
            for (int iter = 0; iter < 300; iter++) {
                long seed = 41_000 + iter;
                Random r = new Random(seed);
                PoolReduction op = r.nextBoolean() ? PoolReduction.MAX : PoolReduction.SUM;
                int taps = 1 + r.nextInt(r.nextBoolean() ? 3 : 7);
                int cols = r.nextInt(5) == 0 ? r.nextInt(6) : r.nextInt(90);
                int rows = 1 + r.nextInt(4);
                int[] tapOff = new int[taps + r.nextInt(2)];
                for (int t = 0; t < tapOff.length; t++) {
                    tapOff[t] = r.nextInt(2 * cols + 3);
                }
                int span = 0;
                for (int t = 0; t < taps; t++) {
                    span = Math.max(span, tapOff[t]);
                }
                int sPitch = span + cols + r.nextInt(4);
                int sOff = r.nextInt(3);
                float[] src = random(r, sOff + rows * sPitch + 2);
                if (r.nextInt(3) == 0) {
                    src[r.nextInt(src.length)] = Float.NaN;
                }
                int dPitch = cols + r.nextInt(3);
                int dOff = r.nextInt(3);
                float[] dst = random(r, dOff + rows * dPitch + 2);
                float[] want = dst.clone();
                for (int row = 0; row < rows; row++) {
                    for (int i = 0; i < cols; i++) {
                        float acc = src[sOff + row * sPitch + tapOff[0] + i];
                        for (int t = 1; t < taps; t++) {
                            acc = combine(op, acc, src[sOff + row * sPitch + tapOff[t] + i]);
                        }
                        want[dOff + row * dPitch + i] = acc;
                    }
                }
                be.poolTaps(op, taps, tapOff, src, sOff, sPitch, rows, cols, dst, dOff, dPitch);
                for (int i = 0; i < dst.length; i++) {
                    same(op, want[i], dst[i], taps, taps, be.name() + " " + op + " taps=" + taps + " cols=" + cols
                            + " seed=" + seed + " i=" + i);
                }
            }
        }
    }

    @Test
    void reduceRowsMatchesDefinition() {
        for (Backend be : TestSupport.backends()) {
            for (int len = 1; len <= 70; len++) {
                long seed = 42_000 + len;
                Random r = new Random(seed);
                for (PoolReduction op : PoolReduction.values()) {
                    int rows = 1 + r.nextInt(5);
                    int sOff = r.nextInt(3);
                    float[] src = random(r, sOff + rows * len + 1);
                    if (len % 5 == 0) {
                        src[sOff + r.nextInt(rows * len)] = Float.NaN;
                    }
                    if (len % 7 == 0) {
                        src[sOff + r.nextInt(rows * len)] = Float.NEGATIVE_INFINITY;
                    }
                    float[] dst = new float[rows + 2];
                    be.reduceRows(op, src, sOff, rows, len, dst, 1);
                    for (int row = 0; row < rows; row++) {
                        float acc = src[sOff + row * len];
                        for (int i = 1; i < len; i++) {
                            acc = combine(op, acc, src[sOff + row * len + i]);
                        }
                        same(op, acc, dst[1 + row], len, len, be.name() + " " + op + " len=" + len + " seed=" + seed
                                + " row=" + row);
                    }
                    assertEquals(0f, dst[0]);
                    assertEquals(0f, dst[rows + 1]);
                }
            }
        }
    }

    /**
     * Many rows (the kernel works in blocks of rows): reduceRows against the definition, and averageRows equal to
     * reduceRows' sum divided by the length, bit for bit, on seeded random rows of 1-60 values, 1-140 rows.
     */
    @Test
    void averageRowsIsTheSumDividedByTheLengthOverManyRows() {
        for (Backend be : TestSupport.backends()) {
            for (int iter = 0; iter < 40; iter++) {
                long seed = 42_500L + iter;
                Random r = new Random(seed);
                int len = 1 + r.nextInt(60);
                int rows = 1 + r.nextInt(140);
                int sOff = r.nextInt(3);
                float[] src = random(r, sOff + rows * len);
                if (iter % 4 == 0) {
                    src[sOff + r.nextInt(rows * len)] = Float.NaN;
                }
                checkRowSums(be, src, sOff, rows, len, seed);
            }
        }
    }

    /**
     * Sums and means of {@code rows} rows of {@code len} at {@code src[sOff]} written one slot in (slot 0 and the
     * slot after the last must stay zero): sums against the definition (left to right, with the declared bound),
     * means equal to the sums divided by the length.
     */
    private static void checkRowSums(Backend be, float[] src, int sOff, int rows, int len, long seed) {
        float[] sum = new float[rows + 2];
        float[] mean = new float[rows + 2];
        be.reduceRows(PoolReduction.SUM, src, sOff, rows, len, sum, 1);
        be.averageRows(src, sOff, rows, len, mean, 1);
        for (int row = 0; row < rows; row++) {
            float acc = src[sOff + row * len];
            for (int i = 1; i < len; i++) {
                acc += src[sOff + row * len + i];
            }
            String where = be.name() + " len=" + len + " rows=" + rows + " seed=" + seed + " row=" + row;
            same(PoolReduction.SUM, acc, sum[1 + row], len, len, where);
            assertEquals(sum[1 + row] / len, mean[1 + row], where);
        }
        assertEquals(0f, sum[0]);
        assertEquals(0f, sum[rows + 1]);
        assertEquals(0f, mean[0]);
        assertEquals(0f, mean[rows + 1]);
    }

    /**
     * Pinned shapes of GlobalAveragePool's rows (session 9): row counts below, at and above multiples of 16 (a vector
     * of rows), lengths below, at and above a vector and 49 (7x7), the rows ending at the array's end, a NaN and an
     * infinity that must stay in their rows; sums against the definition and means equal to the sums divided.
     */
    @Test
    void sumsOfRowGroupsKeepEachRowApart() {
        long seed = Long.getLong("vinfer.test.seed", 42_900L);
        Random r = new Random(seed);
        for (Backend be : TestSupport.backends()) {
            for (int len : new int[] {15, 16, 17, 31, 32, 33, 49, 64}) {
                for (int rows : new int[] {15, 16, 17, 32, 33, 48}) {
                    int sOff = r.nextInt(3);
                    float[] src = random(r, sOff + rows * len);
                    int poisoned = r.nextInt(rows);
                    if (len == 49) {
                        src[sOff + poisoned * len + r.nextInt(len)] = Float.NaN;
                        src[sOff + ((poisoned + 1) % rows) * len + len - 1] = Float.POSITIVE_INFINITY;
                    }
                    checkRowSums(be, src, sOff, rows, len, seed);
                }
            }
        }
    }

    @Test
    void maxFollowsMathMaxOnNaNAndSignedZeros() {
        for (Backend be : TestSupport.backends()) {
            for (int len : new int[] {3, 16, 33}) {
                float[] src = new float[len];
                java.util.Arrays.fill(src, -1f);
                src[len - 1] = Float.NaN;
                float[] dst = new float[1];
                be.reduceRows(PoolReduction.MAX, src, 0, 1, len, dst, 0);
                assertTrue(Float.isNaN(dst[0]), be.name() + " len=" + len);
                src[len - 1] = Float.NEGATIVE_INFINITY;
                java.util.Arrays.fill(src, 0, len - 1, Float.NEGATIVE_INFINITY);
                be.reduceRows(PoolReduction.MAX, src, 0, 1, len, dst, 0);
                assertEquals(Float.NEGATIVE_INFINITY, dst[0], be.name());
            }
        }
    }

    @Test
    void anyNaNFindsEveryPosition() {
        for (Backend be : TestSupport.backends()) {
            for (int len = 0; len <= 40; len++) {
                float[] a = new float[len + 2];
                assertFalse(be.anyNaN(a, 1, len), be.name());
                for (int i = 0; i < len; i++) {
                    a[1 + i] = Float.NaN;
                    assertTrue(be.anyNaN(a, 1, len), be.name() + " len=" + len + " at " + i);
                    a[1 + i] = Float.POSITIVE_INFINITY;
                    assertFalse(be.anyNaN(a, 1, len), be.name() + " len=" + len + " inf at " + i);
                    a[1 + i] = 0f;
                }
                a[0] = Float.NaN;
                a[len + 1] = Float.NaN;
                assertFalse(be.anyNaN(a, 1, len), be.name() + " NaN outside the range");
            }
        }
    }

    @Test
    void gemvMatchesPlainProduct() {
        for (Backend be : TestSupport.backends()) {
            for (int iter = 0; iter < 40; iter++) {
                long seed = 43_000 + iter;
                Random r = new Random(seed);
                int k = 1 + r.nextInt(iter < 30 ? 300 : 700);
                int n = 1 + r.nextInt(iter < 30 ? 150 : 1100);
                boolean transB = r.nextBoolean();
                float[] b = random(r, k * n);
                PackedMatrix pb = be.packB(transB, k, n, b, 0, transB ? k : n);
                float[] x = random(r, k + 2);
                boolean acc = r.nextBoolean();
                float[] y = random(r, n + 3);
                double[] want = new double[n];
                for (int j = 0; j < n; j++) {
                    double s = acc ? y[1 + j] : 0;
                    for (int p = 0; p < k; p++) {
                        s += (double) x[2 + p] * (transB ? b[j * k + p] : b[p * n + j]);
                    }
                    want[j] = s;
                }
                float before = y[0];
                float after = y[n + 1];
                Parallel par = TestSupport.PARALLELS[iter % TestSupport.PARALLELS.length];
                Gemv.multiplyPackedB(x, 2, pb, y, 1, acc, par);
                for (int j = 0; j < n; j++) {
                    assertEquals(want[j], y[1 + j], 2.0 * (k + 1) * Math.ulp(1f) * (k + 1), be.name() + " k=" + k
                            + " n=" + n + " " + par + " seed=" + seed + " j=" + j);
                }
                assertEquals(before, y[0]);
                assertEquals(after, y[n + 1]);
            }
        }
    }

    @Test
    void badArgumentsFailWithAMessage() {
        for (Backend be : TestSupport.backends()) {
            float[] a = new float[10];
            assertThrows(IndexOutOfBoundsException.class, () -> be.poolRows(PoolReduction.MAX, a, 0, 1, 0, 2, 6, 6,
                    1, a.clone(), 0, 6, 1, 0, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> be.poolRows(PoolReduction.MAX, a, 0, 1, 0, 1, 0, 4,
                    1, a.clone(), 0, 4, 3, 4, 4));
            assertThrows(IndexOutOfBoundsException.class, () -> be.poolTaps(PoolReduction.SUM, 2, new int[] {0, 5},
                    a, 0, 0, 1, 6, a.clone(), 0, 6));
            assertThrows(IllegalArgumentException.class, () -> be.reduceRows(PoolReduction.SUM, a, 0, 1, 0, a, 0));
        }
    }
}
