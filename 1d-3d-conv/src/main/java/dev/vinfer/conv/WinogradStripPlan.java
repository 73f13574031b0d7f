package dev.vinfer.conv;

/**
 * How {@link WinogradConv} cuts its tile rows into strips for a number of threads: a pure function of the
 * geometry's work units (images x groups), tile rows and preferred strip size, made once per thread count.
 *
 * @param units        images x groups
 * @param cooperative  whether every strip runs on all threads, one phase at a time (input transform, GEMMs, output
 *                     transform), instead of one strip per task
 * @param rowsPerStrip tile rows per strip (the last strip may be shorter)
 * @param strips       strips per unit
 */
record WinogradStripPlan(int units, boolean cooperative, int rowsPerStrip, int strips) {

    /**
     * @param rows      tile rows (and row chunks) of one unit, what strips are made of
     * @param stripRows the preferred strip size (what fits the strip budget)
     * @param byColumns whether the strips' GEMMs take tiles as columns (no cooperative form then)
     */
    static WinogradStripPlan of(int units, int rows, int stripRows, boolean byColumns, int threads) {
        int strip = Math.min(rows, stripRows);
        boolean cooperative = false;
        long total = (long) units * rows;
        // Few strips that do not share out evenly (within a tenth): ResNet's one-strip 512@7x7, 3D 64@8x28x28's
        // five strips of 3, 3, 3, 3, 2 tile rows. Strips that do (1D k3 @4000: six chunks, three a thread) stay whole,
        // one thread each: no joins, full-width GEMMs.
        if (threads > 1 && (long) units * Math.ceilDiv(rows, strip) < 4L * threads
                && makespan(units, rows, strip, threads) * threads > total + total / 10) {
            if (!byColumns) {
                cooperative = true;
            } else {
                // The strip size whose tasks finish soonest on the threads, the largest among equals (fewer, bigger
                // GEMMs). 7 rows on 2 threads: 4 + 3, not 7 or 6 + 1.
                int best = strip;
                long bestSpan = Long.MAX_VALUE;
                for (int cand = strip; cand >= 1; cand--) {
                    long span = makespan(units, rows, cand, threads);
                    if (span < bestSpan) {
                        bestSpan = span;
                        best = cand;
                    }
                }
                strip = best;
            }
        }
        return new WinogradStripPlan(units, cooperative, strip, Math.ceilDiv(rows, strip));
    }

    /**
     * Tile rows on the busiest thread when {@code units} x strips of {@code strip} rows (the last one shorter) are
     * handed, largest first, to whichever of {@code threads} threads is least busy.
     */
    static long makespan(int units, int rows, int strip, int threads) {
        long[] load = new long[threads];
        int strips = Math.ceilDiv(rows, strip);
        int last = rows - (strips - 1) * strip;
        for (int i = 0; i < units * strips; i++) {
            int size = i < units * (strips - 1) ? strip : last;
            int min = 0;
            for (int t = 1; t < threads; t++) {
                if (load[t] < load[min]) {
                    min = t;
                }
            }
            load[min] += size;
        }
        long max = 0;
        for (long l : load) {
            max = Math.max(max, l);
        }
        return max;
    }
}
