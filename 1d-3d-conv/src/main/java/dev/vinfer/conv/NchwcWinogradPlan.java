package dev.vinfer.conv;

/**
 * How the threads of a run share the strips of one {@link NchwcWinogradConv} layer: strips of {@code rows} tile rows,
 * {@code strips} an image, taken whole by threads, run by all threads phase by phase ({@code cooperative}: input
 * transform by input blocks, products by positions, output transform by output blocks), or all of them run by each
 * thread for its own range of output blocks ({@code byOutputs}). A pure function of the layer's shape and the thread
 * count, made once per thread count.
 *
 * @param threads     the thread count planned for
 * @param rows        tile rows per strip
 * @param strips      strips per image
 * @param cooperative each strip's three phases shared by the threads
 * @param byOutputs   each thread every strip for its output blocks ({@link #outputParts} ranges of whole groups)
 */
record NchwcWinogradPlan(int threads, int rows, int strips, boolean cooperative, boolean byOutputs) {

    /**
     * The plan for {@code threads} threads. One thread runs {@code stripRows}-row strips. More share each strip's
     * phases when the weights are large ({@code weighty}: every strip streams all of U), else take whole strips when
     * the plane cuts into equal strips of at most that many rows (and at least one register tile of tiles), as many
     * as a multiple of the threads; else they share each strip's phases. Where they would share the phases, they
     * take output-block ranges instead when {@code allowByOutputs} and the output has at least threads x as many
     * blocks as the input, so that the input side each thread repeats (the padded copy and the input transform, and
     * V in its L2) is small against its share of the products; under the shared phases a thread read half of V and
     * half of O from the other core's cache.
     *
     * <p>Measured (session 32, AMD Zen 5, two threads, {@code SwitchPairedComparison MODEL 2 N
     * vinfer.nchwcWinograd.byOutputs false true}, both orders): SqueezeNet 0.974 of the time (1000 pairs; every fire
     * module 0.84-0.95 per node, {@code SwitchNodeProfile}), GoogLeNet 1.004 (800 pairs). Without the blocks
     * condition ResNet-18 took 1.022: its 128@28x28 F(4,3) layers (one strip, V 900 KB) ran 1.26x slower with a V of
     * their own on each thread.
     *
     * @param batch     images
     * @param tilesH    tile rows of a plane
     * @param tilesW    tiles per tile row
     * @param stripRows tile rows per strip on one thread
     * @param weighty   whether the transformed weights are large against the plane's V and O
     * @param group     output blocks packed side by side (output-block ranges are whole groups)
     */
    static NchwcWinogradPlan of(int threads, int batch, int tilesH, int tilesW, int stripRows, boolean weighty,
            int inBlocks, int outBlocks, int group, boolean allowByOutputs) {
        int strips = Math.ceilDiv(tilesH, stripRows);
        if (threads == 1) {
            return new NchwcWinogradPlan(1, stripRows, strips, false, false);
        }
        boolean byOutputs = allowByOutputs && outputParts(threads, outBlocks, group) == threads
                && outBlocks >= threads * inBlocks;
        if (weighty) {
            // each strip streams all of U: threads share the one strip's phases (positions split, each thread
            // reading its part of U) rather than each reading all of it for a strip of its own (ResNet-50's 256@14x14
            // at two threads: 1.13x the time of the NCHW kernel between reorders); or each takes its output blocks
            return new NchwcWinogradPlan(threads, stripRows, strips, !byOutputs, byOutputs);
        }
        for (int sr = stripRows; sr >= 1 && sr * tilesW >= 7; sr--) {
            int st = Math.ceilDiv(tilesH, sr);
            if (tilesH % sr == 0 && batch * st % threads == 0) {
                return new NchwcWinogradPlan(threads, sr, st, false, false);
            }
        }
        boolean shared = batch * strips < 4 * threads;
        return new NchwcWinogradPlan(threads, stripRows, strips, shared && !byOutputs, shared && byOutputs);
    }

    /** Output-block ranges for {@code threads}: whole packed groups of {@code group} blocks, at most one a thread. */
    static int outputParts(int threads, int outBlocks, int group) {
        return Math.min(threads, Math.ceilDiv(outBlocks, group));
    }
}
