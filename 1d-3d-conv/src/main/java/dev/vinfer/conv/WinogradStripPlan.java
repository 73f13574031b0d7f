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
            int even = evenStrip(units, rows, strip, threads);
            if (even > 0) {
                strip = even;
            } else if (!byColumns) {
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
     * A strip size that gives each thread one strip per unit's share, balanced within a tenth, when that makes no
     * thread stream the transformed weights more often than the cooperative form would (there every thread reads
     * its share of the positions' weights once per strip), and the strips stay within {@link #MAX_GROWTH} times the
     * preferred size; 0 if there is none. 3D 64@8x28x28 F(4,3): 14 tile rows, preferred strips of 3 (five strips,
     * cooperatively: every thread streams 2.5 times its share), two strips of 7 instead: each thread streams the
     * weights once and keeps its transformed input and GEMM output to itself. That matters on this VM: when the host
     * puts the two vCPUs on cores that share no L3, the cooperative strips' hand-over of V and O between the
     * threads took the layer from 3.4 to 5.3 ms; two strips of 7 run 3.15 ms near and 3.3 ms far (1 thread: 6.4).
     * ResNet's 512@7x7 (one strip of 4 rows) stays cooperative: one strip per thread would read all the weights
     * twice.
     */
    static int evenStrip(int units, int rows, int strip, int threads) {
        if (units >= threads) {
            return 0;
        }
        int perUnit = threads / units;
        if (perUnit * units != threads) {
            return 0;
        }
        int even = Math.ceilDiv(rows, perUnit);
        long total = (long) units * rows;
        int coopStrips = units * Math.ceilDiv(rows, strip);
        // one pass over the weights per thread, against coopStrips / threads passes cooperatively
        boolean fewerWeightPasses = threads <= coopStrips;
        boolean balanced = makespan(units, rows, even, threads) * threads <= total + total / 10;
        return fewerWeightPasses && balanced && even <= MAX_GROWTH * strip ? even : 0;
    }

    /** How much larger than the preferred size {@link #evenStrip} may make a strip (its V and O grow with it). */
    static final int MAX_GROWTH = 3;

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
