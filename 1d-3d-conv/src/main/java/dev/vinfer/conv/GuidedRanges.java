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

    /** The most pieces one thread's share is cut into by {@link #perThread}. */
    static final int MAX_PIECES = 6;

    /**
     * Range boundaries for a pool that deals tasks in contiguous blocks, one per thread, each thread running its own
     * block front to back before helping with the others' (the session's pool): {@code [0, n)} is cut into
     * {@code threads} nearly equal shares, and every share into the same number of pieces that halve in size (1/2,
     * 1/4, ... of the share, the last two equal), so that task block t is exactly share t. Each thread then writes
     * one contiguous part of the output, the part a following node that splits in memory order reads on the same
     * thread; a thread that arrives late finds its share's large pieces taken by the other and the small ones left,
     * so the two still end within about one small piece of each other. ({@link #split}'s shrinking ranges over the
     * whole of {@code [0, n)} put almost all of the work in the first block: at 2 threads 88% of the stem.) Starts are
     * multiples of {@code align}; pieces are at least {@code minSize} but for rounding, or empty where a share is too
     * short to cut (an empty task does nothing). One range if {@code threads <= 1} or {@code n <= minSize}.
     */
    static int[] perThread(int n, int threads, int align, int minSize) {
        if (n < 0 || threads < 1 || align < 1 || minSize < 1) {
            throw new IllegalArgumentException("n=" + n + " threads=" + threads + " align=" + align + " minSize="
                    + minSize);
        }
        if (threads == 1 || n <= minSize) {
            return new int[] {0, n};
        }
        int[] share = new int[threads + 1];
        for (int t = 1; t < threads; t++) {
            share[t] = (int) ((long) n * t / threads / align * align);
        }
        share[threads] = n;
        int shortest = Integer.MAX_VALUE;
        for (int t = 0; t < threads; t++) {
            shortest = Math.min(shortest, share[t + 1] - share[t]);
        }
        // k pieces: the smallest is shortest / 2^(k-1)
        int pieces = 1;
        while (pieces < MAX_PIECES && (shortest >> pieces) >= minSize) {
            pieces++;
        }
        int[] b = new int[threads * pieces + 1];
        int k = 0;
        for (int t = 0; t < threads; t++) {
            int a = share[t];
            int len = share[t + 1] - a;
            b[k++] = a;
            for (int j = 1; j < pieces; j++) {
                // the end of piece j - 1: (1 - 2^-j) of the share, rounded down to the alignment
                int at = a + (int) ((len - ((long) len >> j)) / align * align);
                b[k] = Math.max(b[k - 1], Math.min(share[t + 1], at));
                k++;
            }
        }
        b[k] = n;
        return b;
    }
}
