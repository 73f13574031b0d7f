package dev.vinfer.conv;

import static dev.vinfer.conv.ConvAlgorithm.WINOGRAD_F2_3;
import static dev.vinfer.conv.ConvAlgorithm.WINOGRAD_F4_3;

/**
 * Whether and which Winograd variant {@link ConvAlgorithm#choose AUTO} runs, with the measurements the rule rests
 * on.
 */
final class AutoWinogradRule {
    private AutoWinogradRule() {
    }

    /**
     * The Winograd variant AUTO picks, or null to stay with im2col.
     *
     * <p>Where and how measured: on this project's machine (AMD EPYC Zen 4 VM, 2 cores, AVX-512), one thread, with
     * every algorithm forced on the issue-3 benchmark layers, timed both by JMH ({@code ConvLayerBench -p algo=...},
     * see bench/README.md) and by best-of-N thread CPU time of {@link ConvKernel#run} (less disturbed by the other
     * builds that shared the machine: load average 10-15 on 2 cores during all of these measurements, so the
     * absolute times are inflated; the rules rest on the ordering, which was stable). Best-of CPU times, ms:
     * <pre>
     * layer                      im2col   F(2,3)  F(4,3)  F(6,3)
     * 3x3 64->64 @56x56            3.71     2.62    1.98    2.31
     * 3x3 256->256 @14x14          2.87     1.76    2.30    4.06
     * k3 256->256 @4000 (1D)      16.8     14.7    12.5    13.6
     * 3x3x3 64->64 @8x28x28       23.5     13.0    12.4    36.0
     * </pre>
     * <ul>
     * <li>Winograd pays only with enough channels on both sides: its transforms cost per (tile, channel) what the
     * GEMM saves per (tile, channel pair); C/G and M/G must both be at least 16 (a 3->64 stem stays on im2col: 3
     * input channels leave nothing to save; the threshold itself is a round number below every layer where
     * Winograd won, not a measured crossover);</li>
     * <li>F(4,3) was fastest on the large planes: half (1D) to a quarter (2D) of im2col's multiplications with the
     * transforms still cheap;</li>
     * <li>F(2,3) when the output rows are very short (W output below 10 in 2D/3D, e.g. ResNet's 7x7 planes): F(4,3)
     * covers a 7x7 plane with 4 tiles, so each of its 36 transformed weight matrices (36 MB for 512->512) is read
     * for a single 6-row GEMM tile, and the last tile of each row is mostly padding; F(2,3) has 16 tiles against 16
     * matrices. (Session 2 drew this line at 24, which put @14x14 on F(2,3) too: see the session-3 table
     * below.)</li>
     * <li>F(6,3) never won (its 8-point transforms cost more than the extra saving, most of all in 3D, and it is the
     * least accurate); it can be forced.</li>
     * </ul>
     * Re-checked after the Winograd layouts changed (vectorized phase split, tiles as GEMM rows for short strips,
     * output-channel blocks over threads): best of several hundred runs per variant, alternated in one JVM
     * ({@code ConvKernel.run}, one thread, load average 15-20 on 2 cores), ms:
     * <pre>
     * layer                      F(2,3)  F(4,3)
     * 3x3 256->256 @14x14          1.80    2.02
     * 3x3 512->512 @7x7            2.91    3.14
     * 3x3x3 64->64 @8x28x28       12.8    11.0
     * </pre>
     * so the rules above stand (F(4,3) for the 3D layer now wins: its 16-tile strips no longer waste half of every
     * GEMM column panel).
     *
     * <p>Re-checked in session 3, after the padding slots were dropped from short strips (a 14x14 plane is 16 F(4,3)
     * tiles, 3 GEMM row tiles instead of 4) and the input transform went to channel blocks: thread CPU time of
     * {@link ConvKernel#run} (bias + Relu), median and best of 200 runs, one thread, with every run on cold caches
     * (64 MiB written in between, as in a whole network where each layer reads its weights from memory),
     * {@code ConvPairedProbe} with {@code -Dprobe.flush=true}, load average 10-13 on the 2 cores, ms:
     * <pre>
     * layer                      F(2,3)        F(4,3)        im2col
     * 3x3 256->256 @14x14        1.92 / 1.76   1.79 / 1.70
     * 3x3 512->512 @7x7          2.45 / 2.31   2.60 / 2.41   3.82 / 3.62   (F(4,3) warm caches)
     * </pre>
     * and with warm caches 256@14 F(2,3) 1.75 / 1.48, F(4,3) 1.67 / 1.36; two threads (wall best, cold) 1.19 and
     * 1.10. So @14x14 now takes F(4,3); the line at 10 lies between the measured 7 and 14 (12x12 would be 9 exact
     * F(4,3) tiles, 10x10 is 9 tiles covering 12, close to F(2,3)'s 25 tiles in GEMM work).
     *
     * <p>Session 4: 2-D planes of at most 16 tiles (with AVX-512) now run {@link SmallPlaneWinograd} for either
     * variant (the choice between them is unchanged): per block of 32 output channels all tiles' products at once,
     * each transformed weight streamed from memory once, the output transform right after. Measured with
     * {@code ConvPairedProbe} (session-3 build and this one alternated in one JVM, bias + Relu, 150 runs each, load
     * average 15-16 on the 2 cores), one thread caller CPU median / best, two threads wall best, ms:
     * <pre>
     * layer                      before (WinogradConv)    after (SmallPlaneWinograd)
     * 3x3 512->512 @7x7, F(2,3)    2.45 / 2.17, 2T 1.15     1.87 / 1.69, 2T 0.82
     * 3x3 256->256 @14x14, F(4,3)  1.74 / 1.39, 2T 0.74     1.22 / 1.02, 2T 0.51
     * </pre>
     * With F(2,3) on 14x14 (49 tiles) the general kernel would run; F(4,3) there is the 16-tile small-plane kernel,
     * so the line at 10 stands and now favours F(4,3) at 14x14 by more than before.
     */
    static ConvAlgorithm winograd(ConvGeometry g) {
        if (!WinogradConv.supports(g) || g.inChannelsPerGroup() < 16 || g.outChannelsPerGroup() < 16) {
            return null;
        }
        int outW = g.outputDim(g.rank() - 1);
        ConvAlgorithm w = g.rank() > 1 && outW < 10 ? WINOGRAD_F2_3 : WINOGRAD_F4_3;
        return w.supports(g) ? w : null;
    }

    /**
     * Whether a 1-D layer that {@link #winograd} puts on Winograd runs the channels-last GEMM
     * ({@link ConvAlgorithm#CHANNELS_LAST}) instead when {@code threads} threads run it: on two threads the 1-D
     * Winograd layers scaled 1.1-1.4x (a single tile row: two halves of the signal, each thread transforming all
     * channels of its half, between layers that split by channels), the channels-last GEMM 1.6-1.9x.
     *
     * <p>Measured (session 32, AMD Zen 5, M5 on 16000 samples, {@code SwitchNodeProfile m5audio T 1000} with the 1-D
     * 3-tap layers forced to each, a temporary switch), Winograd F(4,3) / channels-last ms: one thread 128->128
     * @995 0.712 / 0.780, 128->256 @248 0.322 / 0.366, 256->512 @62 0.468 / 0.447; two threads 0.582 / 0.465, 0.233
     * / 0.224, 0.259 / 0.237. The whole network ({@code SwitchPairedComparison}, 1000 pairs, both orders):
     * channels-last 0.851 of Winograd's time at two threads and 1.036 at one, so one thread keeps Winograd.
     */
    static boolean channelsLastOnThreads(ConvGeometry g, ConvAlgorithm chosen, int threads) {
        return threads > 1 && g.rank() == 1 && (chosen == WINOGRAD_F2_3 || chosen == WINOGRAD_F4_3)
                && ConvAlgorithm.CHANNELS_LAST.supports(g)
                && !"false".equals(System.getProperty("vinfer.winograd1dChannelsLastOnThreads"));
    }
}
