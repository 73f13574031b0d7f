package dev.vinfer.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link GuidedRanges}: covers [0, n) exactly, aligned starts, shrinking sizes, no tiny ranges. */
class GuidedRangesTest {

    @Test
    void randomSizes() {
        Random r = new Random(7100);
        for (int i = 0; i < 2000; i++) {
            int n = r.nextInt(i < 1000 ? 3000 : 300_000);
            int threads = 1 + r.nextInt(4);
            int align = 1 << r.nextInt(7);
            int minSize = align * (1 + r.nextInt(8));
            String ctx = "seed=7100 case " + i + " n=" + n + " threads=" + threads + " align=" + align + " min="
                    + minSize;
            int[] b = GuidedRanges.split(n, threads, align, minSize);
            assertEquals(0, b[0], ctx);
            assertEquals(n, b[b.length - 1], ctx);
            if (threads == 1 || n <= minSize) {
                assertEquals(2, b.length, ctx);
                continue;
            }
            if (n >= 2 * minSize) {
                assertTrue(b.length >= 3, ctx + ": at least two ranges when there is work to share");
            }
            for (int k = 0; k + 1 < b.length; k++) {
                int size = b[k + 1] - b[k];
                assertEquals(0, b[k] % align, ctx + ": start " + b[k]);
                assertTrue(size >= minSize / 2, ctx + ": range " + k + " of " + size);
                if (k + 2 < b.length) {
                    assertTrue(size >= minSize, ctx + ": range " + k + " of " + size);
                    // Non-increasing but for the last range, which may take a remainder.
                    if (k + 3 < b.length) {
                        assertTrue(b[k + 2] - b[k + 1] <= size, ctx + ": range " + (k + 1) + " grows");
                    }
                }
            }
        }
    }

    /** The ResNet stem's 112 x 112 output at two threads: a quarter first, down to 128-pixel tails. */
    @Test
    void stemAtTwoThreads() {
        int[] b = GuidedRanges.split(12544, 2, 64, 128);
        assertArrayEquals(new int[] {0, 3136, 5504, 7296, 8640, 9664, 10432, 11008, 11392, 11712, 11968, 12160,
            12288, 12416, 12544}, b);
    }

    @Test
    void oneThreadOrLittleWorkIsOneRange() {
        assertArrayEquals(new int[] {0, 12544}, GuidedRanges.split(12544, 1, 64, 256));
        assertArrayEquals(new int[] {0, 200}, GuidedRanges.split(200, 2, 64, 256));
        assertArrayEquals(new int[] {0, 0}, GuidedRanges.split(0, 2, 64, 256));
        assertThrows(IllegalArgumentException.class, () -> GuidedRanges.split(10, 0, 64, 256));
        assertThrows(IllegalArgumentException.class, () -> GuidedRanges.split(-1, 2, 64, 256));
    }

    /**
     * {@link GuidedRanges#perThread}: covers [0, n) in order, the same number of pieces per thread so that the pool's
     * task block t (tasks [t * k, (t + 1) * k)) is share t, shares within an alignment step of n / threads, aligned
     * starts, halving pieces within a share.
     */
    @Test
    void perThreadSharesLineUpWithThePoolsBlocks() {
        Random r = new Random(7101);
        for (int i = 0; i < 2000; i++) {
            int n = r.nextInt(i < 1000 ? 3000 : 300_000);
            int threads = 1 + r.nextInt(4);
            int align = 1 << r.nextInt(7);
            int minSize = align * (1 + r.nextInt(8));
            String ctx = "seed=7101 case " + i + " n=" + n + " threads=" + threads + " align=" + align + " min="
                    + minSize;
            int[] b = GuidedRanges.perThread(n, threads, align, minSize);
            assertEquals(0, b[0], ctx);
            assertEquals(n, b[b.length - 1], ctx);
            if (threads == 1 || n <= minSize) {
                assertEquals(2, b.length, ctx);
                continue;
            }
            int tasks = b.length - 1;
            assertEquals(0, tasks % threads, ctx + ": pieces per thread differ");
            int k = tasks / threads;
            assertTrue(k >= 1 && k <= GuidedRanges.MAX_PIECES, ctx);
            for (int t = 0; t < threads; t++) {
                int start = b[t * k];
                int end = b[(t + 1) * k];
                long ideal = (long) n * t / threads;
                assertTrue(Math.abs(start - ideal) < align, ctx + ": share " + t + " starts at " + start);
                for (int j = 0; j < k; j++) {
                    int lo = b[t * k + j];
                    int hi = b[t * k + j + 1];
                    assertTrue(lo <= hi, ctx + ": piece " + j + " of share " + t + " runs backwards");
                    assertTrue(lo % align == 0 || lo == end, ctx + ": start " + lo);
                    if (j + 2 < k) {
                        assertTrue(b[t * k + j + 2] - hi <= hi - lo, ctx + ": piece " + (j + 1) + " grows");
                    }
                }
                if (k > 1) {
                    assertTrue(b[t * k + 1] - start >= (end - start) / 2 - align, ctx + ": first piece too small");
                }
            }
        }
    }

    /** The ResNet stem's 112 x 112 output at two threads: half of each share first, down to 192-256 pixels. */
    @Test
    void stemPerThreadAtTwoThreads() {
        assertArrayEquals(new int[] {0, 3136, 4672, 5440, 5824, 6016, 6272, 9408, 10944, 11712, 12096, 12288, 12544},
                GuidedRanges.perThread(12544, 2, 64, 128));
        assertArrayEquals(new int[] {0, 12544}, GuidedRanges.perThread(12544, 1, 64, 128));
        assertArrayEquals(new int[] {0, 100}, GuidedRanges.perThread(100, 2, 64, 128));
    }
}
