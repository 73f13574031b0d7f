package dev.vinfer.conv;

import java.util.Arrays;

/**
 * Cuts {@code [0, n)} into ranges for threads that claim tasks in index order ({@link Parallel#forEach} hands the
 * next index to whichever thread asks first): large ranges first, then ever smaller ones (each about the rest divided
 * by twice the thread count, never below {@code minSize}), all starting at multiples of {@code align}.
 *
 * <p>Why not one equal range per thread: with two ranges, a worker that arrives late (still waking up, or
 * descheduled on a busy machine) finds the caller has claimed both, and the layer runs on one thread. Measured on the
 * 7x7/2 stem at two threads under load: in most runs the worker claimed nothing and the caller ran both halves
 * back to back (2.4 ms instead of 1.3). With shrinking ranges a late worker still takes the ranges left when it
 * arrives, and the two threads end within about one small range of each other.
 */
final class GuidedRanges {
    private GuidedRanges() {
    }

    /**
     * Range boundaries: range i is {@code [b[i], b[i + 1])}; {@code b[0] = 0}, the last is {@code n}. One range if
     * {@code threads <= 1} or {@code n <= minSize}.
     */
    static int[] split(int n, int threads, int align, int minSize) {
        if (n < 0 || threads < 1 || align < 1 || minSize < 1) {
            throw new IllegalArgumentException("n=" + n + " threads=" + threads + " align=" + align + " minSize="
                    + minSize);
        }
        if (threads == 1 || n <= minSize) {
            return new int[] {0, n};
        }
        int[] b = new int[8];
        int count = 0;
        int start = 0;
        while (start < n) {
            int rest = n - start;
            int size = Math.max(minSize, Math.ceilDiv(rest, 2 * threads));
            size = Math.ceilDiv(size, align) * align;
            if (count + 2 > b.length) {
                b = Arrays.copyOf(b, b.length * 2);
            }
            b[count++] = start;
            // A remainder smaller than half a range goes with this one rather than alone at the end.
            start = rest - size < minSize / 2 ? n : start + size;
        }
        b[count++] = n;
        return Arrays.copyOf(b, count);
    }
}
