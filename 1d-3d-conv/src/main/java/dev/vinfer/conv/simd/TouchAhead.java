package dev.vinfer.conv.simd;

/**
 * Software prefetch for Java, which has no prefetch instruction: a register tile that computes from weights already
 * in L1 or L2 also loads one float of the weights read next, a slice per tile, so they arrive while the tiles
 * compute instead of in a burst when the next block starts.
 *
 * <p>Why: the blocked kernels read a block of weights from memory in their first pixel tile and from L1/L2 in the
 * rest ({@code NchwcDirectTiles}: 18 KiB chunks over the 7 tiles of a 7x7 plane). The first tile then issues two
 * cache lines a step against 14 FMAs, far faster than one core's misses return (measured here: 9.7 GB/s with 24
 * FMAs between two 64-byte loads), and the hardware prefetchers, which stop at 4 KiB pages, do not run ahead of it;
 * the other tiles leave memory idle. Spread over all tiles, the next block needs a line every few steps, which the
 * core sustains while computing. Bursts were tried and did not help (a tile's whole slice before the tile, or 8-24
 * lines before each 16- or 48-step loop: the misses stall the core as the demand loads did); one load per step
 * inside the tile loop does. Measured (session
 * 22, Intel Xeon, {@code NchwcProbe -Dprobe.weightCopies=8}, one thread): ResNet's 512@7x7 3x3 on the direct
 * kernel 2.61 -> 2.17 ms, 256->512 3x3/2 1.65 -> 1.40, blocked Winograd F(2,3) 256@14x14 1.33 -> 1.17, F(4,3)
 * 128@28x28 0.90 -> 0.76; 1x1 layers on 7x7 planes 6% faster, on larger ones unchanged.
 *
 * <p>In a tile's k loop: {@code touched += w[tp]; tp += stride;} once per step, then {@link #keep}. The touched
 * floats are never used; {@link #keep} only makes the loads observable so the JIT keeps them. The two values the
 * touch keeps live cost nothing in the direct and channels-last tiles but made C2 spill in the 1x1 tile, which
 * therefore has a touching copy ({@code NchwcPointwiseTouchTile}). {@code -Dvinfer.touchAhead=false} (read when the
 * class loads) turns the prefetch off: stride 0, so the direct and channels-last tiles touch one cached float every
 * step and the 1x1 kernel runs its plain tile. The 1x1 layers (not the Winograd products on the same tiles) run
 * without it on AMD with 16-lane vectors, where it measured slower ({@code NchwcPointwiseConv.touchesNextWeights},
 * session 36).
 */
final class TouchAhead {
    static final boolean ENABLED = !"false".equals(System.getProperty("vinfer.touchAhead"));
    /** Never written in practice: the target of {@link #keep}. */
    static volatile float sink;

    private TouchAhead() {
    }

    /**
     * Floats between two touches for {@code tiles} tiles of {@code steps} steps each to cover {@code length} floats
     * between them, at most 16 (a cache line: a larger stride would skip lines); 0 where there is nothing to touch
     * or one tile (no tile computes from cached weights while another streams).
     */
    static int stride(int length, int tiles, int steps) {
        if (!ENABLED || length <= 0 || tiles < 2 || steps <= 0) {
            return 0;
        }
        return (int) Math.min(16, Math.ceilDiv((long) length, (long) tiles * steps));
    }

    /**
     * The first float tile number {@code tile} touches (its span {@code steps x stride} floats from the block's
     * start {@code from}), or -1 where the span would leave an array of {@code size} floats: that tile touches
     * nothing.
     */
    static int start(int from, int tile, int steps, int stride, int size) {
        if (stride == 0 || from < 0) {
            return -1;
        }
        long begin = from + (long) tile * steps * stride;
        return begin + (long) steps * stride > size ? -1 : (int) begin;
    }

    /**
     * Keeps the touches: a comparison on their sum (the JIT cannot drop loads whose value a branch reads), and a
     * write only in the case that never occurs in practice, so threads do not share a written cache line.
     */
    static void keep(float touched) {
        if (touched == Float.MIN_VALUE) {
            sink = touched;
        }
    }
}
