package dev.vinfer.conv;

/**
 * How a GEMM-based convolution cuts its work into independent tasks: {@code units} (batch x groups, each its own
 * GEMM) x pixel tiles x row parts (slices of the output channels). Tiles bound the scratch memory; when units x
 * tiles still leave threads idle, pixels are cut finer and then output channels are sliced too. Task outputs never
 * overlap.
 */
record WorkGrid(int units, int pixels, int tileSize, int tiles, int rows, int rowsPer, int rowParts) {

    /** Smallest pixel tile worth a task of its own (two vector tiles wide). */
    static final int MIN_TILE = 32;
    /** Below this many pixels per thread, a lone image is split over output channels rather than pixels. */
    static final int ROW_SPLIT_PIXELS = 256;

    /**
     * @param maxTile the most pixels per tile (the memory bound)
     * @param rowAlign row slices start at multiples of this (the packed weights' alignment)
     */
    static WorkGrid plan(int units, int pixels, int maxTile, int rows, int rowAlign, int threads) {
        // Even tiles (e.g. 2 x 1991 pixels rather than 3264 + 717), so tasks are equal work.
        int tiles = Math.ceilDiv(pixels, Math.max(1, Math.min(maxTile, pixels)));
        int tileSize = Math.min(pixels, Math.ceilDiv(Math.ceilDiv(pixels, tiles), 16) * 16);
        tiles = Math.ceilDiv(pixels, tileSize);
        long tasks = (long) units * tiles;
        if (threads > 1 && tasks >= threads && tasks < 8L * threads && tasks % threads != 0 && pixels > MIN_TILE) {
            // Few tasks that do not divide among the threads: as many even tiles as the next multiple of the thread
            // count, so every thread gets the same work.
            int want = (int) Math.ceilDiv(Math.ceilDiv(tasks, threads) * threads, units);
            int even = Math.max(MIN_TILE, Math.ceilDiv(Math.ceilDiv(pixels, want), 16) * 16);
            if (even <= maxTile) {
                tileSize = even;
                tiles = Math.ceilDiv(pixels, tileSize);
            }
        }
        // A small plane (deep layers: 7x7, 14x14) cut into pixel tiles gives each thread a sliver narrower than a
        // few micro-kernel panels, mostly padding (49 pixels = 32 + 17, both computed as full 32-wide panels): no
        // speed-up at all. Slicing the output channels instead splits the work evenly; each thread then packs the
        // (small) input itself.
        boolean smallPlane = pixels < (long) ROW_SPLIT_PIXELS * threads && rows >= 2 * threads * rowAlign;
        if ((long) units * tiles < threads && pixels > MIN_TILE && !smallPlane) {
            int want = Math.ceilDiv(threads, units);
            int finer = Math.max(MIN_TILE, Math.ceilDiv(Math.ceilDiv(pixels, want), 16) * 16);
            tileSize = Math.min(tileSize, finer);
            tiles = Math.ceilDiv(pixels, tileSize);
        }
        int rowsPer = rows;
        int rowParts = 1;
        if ((long) units * tiles < threads && rows > rowAlign) {
            int parts = Math.ceilDiv(threads, units * tiles);
            rowsPer = Math.ceilDiv(Math.ceilDiv(rows, parts), rowAlign) * rowAlign;
            rowParts = Math.ceilDiv(rows, rowsPer);
        }
        return new WorkGrid(units, pixels, tileSize, tiles, rows, rowsPer, rowParts);
    }

    int tasks() {
        return Math.multiplyExact(Math.multiplyExact(units, tiles), rowParts);
    }

    /** The unit (batch x group index) of task {@code t}. */
    int unit(int t) {
        return t / rowParts / tiles;
    }

    /** First pixel of task {@code t}'s tile. */
    int pixelBegin(int t) {
        return t / rowParts % tiles * tileSize;
    }

    int pixelCount(int t) {
        return Math.min(tileSize, pixels - pixelBegin(t));
    }

    int rowBegin(int t) {
        return t % rowParts * rowsPer;
    }

    int rowEnd(int t) {
        return Math.min(rows, rowBegin(t) + rowsPer);
    }
}
